"""Required tags (AWS) and labels (GCP), counting what the provider adds by default."""

from collections.abc import Iterator, Mapping
from typing import Any

from .core import ResourceRule, Rule, Subject, as_mapping, dig
from .settings import Settings

# AWS types the stacks use (or will) that accept tags; any other AWS resource
# that passes a `tags` input counts too. tests/policies/test_tags.py checks
# this list against the SDK for every type a shipped stack registers.
AWS_TAGGABLE = frozenset(
    {
        "aws:apigatewayv2/api:Api",
        "aws:apigatewayv2/stage:Stage",
        "aws:cloudwatch/compositeAlarm:CompositeAlarm",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:dynamodb/table:Table",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:ec2/eip:Eip",
        "aws:ec2/flowLog:FlowLog",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/vpc:Vpc",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "aws:iam/policy:Policy",
        "aws:iam/role:Role",
        "aws:kms/key:Key",
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "aws:lambda/function:Function",
        "aws:rds/cluster:Cluster",
        "aws:rds/instance:Instance",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:rds/subnetGroup:SubnetGroup",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:secretsmanager/secret:Secret",
        "aws:sns/topic:Topic",
        "aws:sqs/queue:Queue",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    }
)
# GCP types with standard resource labels (the SDK's effective_labels), which the
# provider's defaultLabels extend. Monitoring channels and alert policies only have
# user_labels, which defaults do not reach and billing does not use: not required.
GCP_LABELLED = frozenset(
    {
        "gcp:artifactregistry/repository:Repository",
        "gcp:cloudfunctionsv2/function:Function",
        "gcp:cloudrunv2/service:Service",
        "gcp:pubsub/subscription:Subscription",
        "gcp:pubsub/topic:Topic",
        "gcp:secretmanager/secret:Secret",
        "gcp:storage/bucket:Bucket",
    }
)
# Cloud SQL keeps labels in settings.userLabels, which defaultLabels do not reach.
CLOUD_SQL = "gcp:sql/databaseInstance:DatabaseInstance"


def effective_tags(subject: Subject) -> dict[str, Any]:
    """An AWS resource's own tags over its provider's default tags."""
    defaults = as_mapping(as_mapping(subject.provider_props.get("defaultTags")).get("tags"))
    return {**defaults, **as_mapping(subject.props.get("tags"))}


def effective_labels(subject: Subject) -> dict[str, Any]:
    """A GCP resource's own labels over its provider's default labels."""
    if subject.type == CLOUD_SQL:
        return dict(as_mapping(dig(subject.props, "settings", "userLabels")))
    defaults = as_mapping(subject.provider_props.get("defaultLabels"))
    return {**defaults, **as_mapping(subject.props.get("labels"))}


def _missing(values: Mapping[str, Any], required: tuple[str, ...]) -> list[str]:
    """Required keys that are absent or blank."""
    return [key for key in required if not str(values.get(key) or "").strip()]


def required_tags(subject: Subject, settings: Settings) -> Iterator[str]:
    """Every taggable AWS resource carries the required tags (own or provider defaults)."""
    if not subject.type.startswith("aws:"):
        return
    if subject.type not in AWS_TAGGABLE and "tags" not in subject.props:
        return
    missing = _missing(effective_tags(subject), settings.required_tags)
    if missing:
        kind = subject.type.rsplit(":", 1)[-1]
        yield f"{kind} {subject.name} lacks tag(s) {', '.join(missing)}."


def required_labels(subject: Subject, settings: Settings) -> Iterator[str]:
    """Every labelled GCP resource carries the required labels (own or provider defaults)."""
    # No fallback on a `labels` input: some GCP types use `labels` for settings
    # (a notification channel's email_address), so only the listed types count.
    if subject.type not in GCP_LABELLED and subject.type != CLOUD_SQL:
        return
    missing = _missing(effective_labels(subject), settings.required_tags)
    if missing:
        kind = subject.type.rsplit(":", 1)[-1]
        yield f"{kind} {subject.name} lacks label(s) {', '.join(missing)}."


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="aws-required-tags",
        description=(
            "Every taggable AWS resource has the requiredTags, directly or via the provider's "
            "default_tags."
        ),
        remediation=(
            "Create AWS resources with the stack's provider (stacks/aws/providers.py sets "
            "default_tags), or add the missing tags."
        ),
        why="Cost reports, ownership and clean-up all key off these tags.",
        check=required_tags,
    ),
    ResourceRule(
        name="gcp-required-labels",
        description=(
            "Every labelled GCP resource has the requiredTags as labels, directly or via the "
            "provider's default_labels (Cloud SQL: settings.user_labels)."
        ),
        remediation=(
            "Create GCP resources with the stack's provider (default_labels), and give Cloud "
            "SQL instances settings.user_labels."
        ),
        why="Billing export and ownership queries group by these labels.",
        check=required_labels,
    ),
)
