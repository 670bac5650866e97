"""Stack-wide guardrails: protected prod state, alarms that notify, nothing public by accident."""

from collections.abc import Iterator

from .core import ResourceRule, Rule, Subject, dig, is_false, is_true, items
from .settings import Settings

# Resources whose deletion loses data.
STATEFUL = frozenset(
    {
        "aws:dynamodb/table:Table",
        "aws:efs/fileSystem:FileSystem",
        "aws:rds/cluster:Cluster",
        "aws:rds/instance:Instance",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:secretsmanager/secret:Secret",
        "gcp:firestore/database:Database",
        "gcp:secretmanager/secret:Secret",
        "gcp:sql/database:Database",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:storage/bucket:Bucket",
    }
)
AWS_ALARMS = (
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm",
)
GCP_ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
OPEN_CIDRS = ("0.0.0.0/0", "::/0")


def prod_stateful_protected(subject: Subject, settings: Settings) -> Iterator[str]:
    """In prod, every stateful resource has the protect option."""
    if settings.is_prod and subject.type in STATEFUL and not subject.protect:
        yield (
            f"{subject.type.rsplit(':', 1)[-1]} {subject.name} in prod stack {settings.stack} is "
            "not protected."
        )


def alarm_has_action(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Every alarm notifies someone when it fires."""
    props = subject.props
    if subject.type in AWS_ALARMS:
        if not items(props.get("alarmActions")):
            yield f"Alarm {subject.name} has no alarmActions."
        if is_false(props.get("actionsEnabled")):
            yield f"Alarm {subject.name} sets actionsEnabled: false."
    elif subject.type == GCP_ALERT_POLICY:
        if not items(props.get("notificationChannels")):
            yield f"Alert policy {subject.name} has no notificationChannels."
        if is_false(props.get("enabled")):
            yield f"Alert policy {subject.name} is disabled."


def _open_ingress(subject: Subject) -> Iterator[str]:
    """World-open network ingress, in every shape AWS accepts it."""
    props = subject.props
    if subject.type == "aws:ec2/securityGroup:SecurityGroup":
        for rule in items(props.get("ingress")):
            cidrs = items(dig(rule, "cidrBlocks")) + items(dig(rule, "ipv6CidrBlocks"))
            for cidr in set(cidrs) & set(OPEN_CIDRS):
                yield f"Security group {subject.name} allows ingress from {cidr}."
    elif (
        subject.type == "aws:ec2/securityGroupRule:SecurityGroupRule"
        and props.get("type") == "ingress"
    ):
        cidrs = items(props.get("cidrBlocks")) + items(props.get("ipv6CidrBlocks"))
        for cidr in set(cidrs) & set(OPEN_CIDRS):
            yield f"Security group rule {subject.name} allows ingress from {cidr}."
    elif subject.type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        for cidr in {props.get("cidrIpv4"), props.get("cidrIpv6")} & set(OPEN_CIDRS):
            yield f"Security group ingress rule {subject.name} allows ingress from {cidr}."
    elif subject.type == "aws:ec2/subnet:Subnet" and is_true(props.get("mapPublicIpOnLaunch")):
        yield f"Subnet {subject.name} gives instances public IPs (mapPublicIpOnLaunch)."


def _public_api(subject: Subject) -> Iterator[str]:
    """Endpoints anyone on the internet can call."""
    props = subject.props
    if subject.type == "aws:apigatewayv2/route:Route":
        # An HTTP API route without an authorization type is open (NONE is the default).
        if (props.get("authorizationType") or "NONE") == "NONE":
            yield f"API route {subject.name} ({props.get('routeKey')}) has no authorization."
    elif subject.type == "aws:lambda/functionUrl:FunctionUrl":
        if props.get("authorizationType") == "NONE":
            yield f"Function URL {subject.name} has authorizationType NONE."
    elif subject.type == "aws:lambda/permission:Permission" and props.get("principal") == "*":
        yield f"Lambda permission {subject.name} lets principal '*' invoke."


def no_unintended_public(subject: Subject, settings: Settings) -> Iterator[str]:
    """Network ingress is never world-open; API endpoints are open only in a public-API stack."""
    yield from _open_ingress(subject)
    if not settings.public_api:
        for message in _public_api(subject):
            yield (
                f"{message} Stack {settings.stack} does not declare a public API "
                "(crosscloud:publicApi)."
            )


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="prod-stateful-protected",
        description=(
            "In prod, every stateful resource (buckets, tables, databases, secrets) is protected."
        ),
        remediation=(
            "Create it with ResourceOptions(protect=True) in prod (AwsPlatform's `stateful` "
            "options)."
        ),
        why="`pulumi destroy` or a refactor that renames it cannot delete prod data.",
        check=prod_stateful_protected,
    ),
    ResourceRule(
        name="alarm-has-action",
        description=(
            "Every CloudWatch alarm has alarm actions (and every GCP alert policy a notification "
            "channel)."
        ),
        remediation=(
            "Point alarm_actions at the stack's alarm topic (stacks/aws/alarm.py metric_alarm "
            "does)."
        ),
        why="An alarm nobody hears is not monitoring.",
        check=alarm_has_action,
    ),
    ResourceRule(
        name="no-unintended-public-exposure",
        description=(
            "No security group or subnet is open to the internet, and no API route, function URL "
            "or Lambda permission is open to everyone unless the stack declares a public API."
        ),
        remediation=(
            "Restrict ingress to security groups or named ranges; use AWS_IAM authorization; "
            "set crosscloud:publicApi true (or the pack's publicStacks) only for a public API."
        ),
        why="Public exposure is a decision made in config and reviewed, not a default.",
        check=no_unintended_public,
    ),
)
