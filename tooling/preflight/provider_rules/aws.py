"""Rules for the AWS resource types this program registers, read from the provider sources.

Sources (hashicorp/terraform-provider-aws, stored versions read for this table):
  ec2/validate.go @04e75d4, ec2/vpc_security_group.go @0160692,
  ec2/vpc_security_group_ingress_rule.go @d2b7f56 (the schema the egress rule shares),
  iam/validate.go @044fb31, iam/role.go, lambda/validate.go @0210c54, rds/validate.go @03e17e1,
  ec2/vpc_flow_log.go @00a3530, rds/instance.go, rds/parameter_group.go @0160692,
  s3/bucket_logging.go @01f4311, logs/group.go, sqs/queue.go @cda04ab, sqs/queue_policy.go
  @af55dfb, lambda/event_source_mapping.go @6c6ae51 and the newer one with scaling_config,
  s3/bucket_notification.go @033c721 (all under internal/service/).
Auto-naming: pulumi/pulumi-aws provider/resources.go @00ba5ea (a v6 line; the
per-resource AutoName settings below are unchanged in the v7 notes we know of, and
``setAutonaming`` gives every other resource with a ``name`` input 255 and ``-``).
Rules marked CLOUD_API are checked by the AWS API at apply, not by the provider.
"""

import json
import re

from tooling.preflight.provider_rules.checks import (
    AllOf,
    DoesNotMatch,
    ExactlyOneOf,
    IntInSlice,
    IntRange,
    Ipv4Network,
    Length,
    Matches,
    OneOf,
    Predicate,
)
from tooling.preflight.provider_rules.engine import CLOUD_API, AutoName, Rule

TFAWS = "hashicorp/terraform-provider-aws internal/service/"
PULUMI_AWS = "pulumi/pulumi-aws provider/resources.go"
S3_NAMING = (
    "AWS S3 bucket naming rules (docs.aws.amazon.com/AmazonS3/latest/userguide/"
    "bucketnamingrules.html, linked from terraform-provider-aws website/docs/r/s3_bucket)"
)

# EC2's IpRange/SecurityGroup description alphabet (the provider's regex, and the API's).
EC2_DESCRIPTION_CHARS = r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*"
SG_RULE_DESCRIPTION = AllOf(
    (
        Length(0, 255),
        Matches(EC2_DESCRIPTION_CHARS, "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"),
    )
)
# validResourceName(max): validation.StringLenBetween(1, max) + ^[\w+=,.@-]*$
IAM_NAME_CHARS = Matches(r"[\w+=,.@-]*", r"letters, digits and +=,.@_-")


def _iam_name(max_length: int) -> AllOf:
    return AllOf((Length(1, max_length), IAM_NAME_CHARS))


def _is_lambda_function_name(value: object) -> bool:
    """validFunctionName: a name or ARN whose function-name part is 1-64 of [0-9A-Za-z_-]."""
    if not isinstance(value, str):
        return False
    name = value.rsplit(":function:", 1)[-1].split(":", 1)[0]
    return re.fullmatch(r"[0-9A-Za-z_-]{1,64}", name) is not None and len(value) <= 140


def _is_https_url_without_query(value: object) -> bool:
    """validOpenIDURL: IsURLWithHTTPS and no query parameters."""
    return isinstance(value, str) and value.startswith("https://") and "?" not in value


def _is_apply_method(value: object) -> bool:
    """enum.ValidateIgnoreCase[types.ApplyMethod]: immediate or pending-reboot, any case."""
    return isinstance(value, str) and value.lower() in ("immediate", "pending-reboot")


# Performance Insights retention: 7, 731, or a whole number of 31-day months up to 23
# (RDS API CreateDBInstance PerformanceInsightsRetentionPeriod).
PI_RETENTION_DAYS = (7, 731, *(31 * months for months in range(1, 24)))
# CloudWatch Logs retention periods (logs/group.go retention_in_days IntInSlice).
LOG_RETENTION_DAYS = (
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
    2557, 2922, 3288, 3653,
)  # fmt: skip


def _is_not_arn(value: object) -> bool:
    """validRolePolicyRole: the role's name, not its ARN."""
    return isinstance(value, str) and not value.startswith("arn:")


# RDS identifiers: validIdentifier (no length check in the provider; the API caps it at 63).
RDS_IDENTIFIER = AllOf(
    (
        Matches(r"[0-9a-z-]+", "lowercase letters, digits and hyphens"),
        Matches(r"[a-z].*", "starting with a letter"),
        DoesNotMatch(r"--", "no two consecutive hyphens"),
        DoesNotMatch(r"-$", "not ending with a hyphen"),
    )
)


def _is_json(value: object) -> bool:
    """validation.StringIsJSON."""
    if not isinstance(value, str):
        return False
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _is_redrive_policy(value: object) -> bool:
    """SQS SetQueueAttributes RedrivePolicy: a dead-letter ARN and a maxReceiveCount of 1-1000."""
    if not _is_json(value):
        return False
    policy = json.loads(str(value))
    count = policy.get("maxReceiveCount") if isinstance(policy, dict) else None
    return (
        isinstance(policy, dict)
        and str(policy.get("deadLetterTargetArn", "")).startswith("arn:")
        and isinstance(count, int | str)
        and str(count).isdigit()
        and 1 <= int(count) <= 1000
    )


def _one_encryption(inputs: object) -> bool:
    """ConflictsWith: SQS-managed SSE and a KMS key are never set together."""
    return not (
        isinstance(inputs, dict)
        and inputs.get("sqsManagedSseEnabled")
        and inputs.get("kmsMasterKeyId")
    )


def _batch_fits_window(inputs: object) -> bool:
    """Lambda CreateEventSourceMapping: an SQS batch above 10 needs a batching window of 1 s+."""
    if not isinstance(inputs, dict) or ":sqs:" not in str(inputs.get("eventSourceArn", "")):
        return True
    batch = inputs.get("batchSize") or 10
    return batch <= 10 or (inputs.get("maximumBatchingWindowInSeconds") or 0) >= 1


# s3 types.Event: the event types a notification configuration accepts (S3 API Event).
S3_EVENTS = (
    "s3:ReducedRedundancyLostObject", "s3:ObjectCreated:*", "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete", "s3:Replication:*", "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked", "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold", "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectAcl:Put",
    "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
)  # fmt: skip
_ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"
_ESM_SCHEMA = f"{TFAWS}lambda/event_source_mapping.go"
_LAMBDA_API = "Lambda API CreateEventSourceMapping"
_QUEUE = "aws:sqs/queue:Queue"
_QUEUE_SCHEMA = f"{TFAWS}sqs/queue.go"


AUTONAMES: tuple[AutoName, ...] = (
    AutoName("aws:s3/bucket:Bucket", "bucket", 63, f"{PULUMI_AWS} aws_s3_bucket", lowercase=True),
    AutoName("aws:iam/role:Role", "name", 64, f"{PULUMI_AWS} aws_iam_role"),
    AutoName("aws:iam/policy:Policy", "name", 255, f"{PULUMI_AWS} setAutonaming"),
    AutoName("aws:iam/rolePolicy:RolePolicy", "name", 255, f"{PULUMI_AWS} setAutonaming"),
    AutoName("aws:lambda/function:Function", "name", 64, f"{PULUMI_AWS} aws_lambda_function"),
    AutoName(
        "aws:lambda/permission:Permission",
        "statementId",
        100,
        f"{PULUMI_AWS} aws_lambda_permission",
    ),
    AutoName("aws:sqs/queue:Queue", "name", 80, f"{PULUMI_AWS} aws_sqs_queue"),
    AutoName("aws:sns/topic:Topic", "name", 80, f"{PULUMI_AWS} aws_sns_topic"),
    AutoName("aws:scheduler/schedule:Schedule", "name", 64, f"{PULUMI_AWS} setAutonaming"),
    # NewUniqueHex(name, 7, 255): no separator before the random part.
    AutoName(
        "aws:rds/instance:Instance",
        "identifier",
        255,
        f"{PULUMI_AWS} aws_db_instance",
        separator="",
    ),
    AutoName("aws:rds/parameterGroup:ParameterGroup", "name", 255, f"{PULUMI_AWS} setAutonaming"),
    AutoName("aws:rds/subnetGroup:SubnetGroup", "name", 255, f"{PULUMI_AWS} setAutonaming"),
    AutoName("aws:ec2/securityGroup:SecurityGroup", "name", 255, f"{PULUMI_AWS} setAutonaming"),
    AutoName(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "name",
        255,
        f"{PULUMI_AWS} aws_cloudwatch_metric_alarm",
    ),
    AutoName("aws:cloudwatch/logGroup:LogGroup", "name", 255, f"{PULUMI_AWS} setAutonaming"),
    AutoName("aws:dynamodb/table:Table", "name", 255, f"{PULUMI_AWS} setAutonaming"),
    AutoName("aws:secretsmanager/secret:Secret", "name", 255, f"{PULUMI_AWS} setAutonaming"),
    AutoName("aws:apigatewayv2/api:Api", "name", 255, f"{PULUMI_AWS} setAutonaming"),
)

_SG_TYPES = (
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
)
_SG_RULE_SOURCE = f"{TFAWS}ec2/validate.go validSecurityGroupRuleDescription"
_SG_CIDR_SOURCE = f"{TFAWS}ec2/vpc_security_group.go securityGroupRuleNestedBlock cidr_blocks"

_SG_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
_SG_RULE_SCHEMA = f"{TFAWS}ec2/vpc_security_group_ingress_rule.go securityGroupRuleResource"

_SCHEDULE = "aws:scheduler/schedule:Schedule"
_SCHEDULE_SOURCE = f"{TFAWS}scheduler/schedule.go @02f524b"

RULES: tuple[Rule, ...] = (
    Rule(
        _SCHEDULE,
        "name",
        AllOf((Length(1, 64), Matches(r"[0-9A-Za-z_.-]+", "letters, digits and _.-"))),
        f"{_SCHEDULE_SOURCE} name StringLenBetween(1, 64) + ^[0-9A-Za-z_.-]+$",
    ),
    Rule(_SCHEDULE, "description", Length(0, 512), f"{_SCHEDULE_SOURCE} description"),
    Rule(
        _SCHEDULE, "scheduleExpression", Length(1, 256), f"{_SCHEDULE_SOURCE} schedule_expression"
    ),
    Rule(
        _SCHEDULE,
        "scheduleExpressionTimezone",
        Length(1, 50),
        f"{_SCHEDULE_SOURCE} schedule_expression_timezone StringLenBetween(1, 50)",
    ),
    Rule(
        _SCHEDULE,
        "flexibleTimeWindow.mode",
        OneOf(("OFF", "FLEXIBLE")),
        f"{_SCHEDULE_SOURCE} flexible_time_window.mode enum FlexibleTimeWindowMode",
    ),
    Rule(
        _SCHEDULE,
        "target.retryPolicy.maximumEventAgeInSeconds",
        IntRange(60, 86400),
        f"{_SCHEDULE_SOURCE} retry_policy.maximum_event_age_in_seconds IntBetween(60, 86400)",
    ),
    Rule(
        _SCHEDULE,
        "target.retryPolicy.maximumRetryAttempts",
        IntRange(0, 185),
        f"{_SCHEDULE_SOURCE} retry_policy.maximum_retry_attempts IntBetween(0, 185)",
    ),
    Rule(
        _SCHEDULE,
        "target.input",
        Length(1, 2**31),
        f"{_SCHEDULE_SOURCE} target.input StringLenBetween(1, MaxInt)",
    ),
    # The standalone rule validates no description itself; EC2 does, with the
    # same alphabet as the inline rules' (AuthorizeSecurityGroupEgress IpRange).
    Rule(
        _SG_RULE,
        "description",
        SG_RULE_DESCRIPTION,
        "EC2 API AuthorizeSecurityGroupEgress IpRange/UserIdGroupPair/PrefixListId "
        f"Description (same alphabet as {_SG_RULE_SOURCE})",
        CLOUD_API,
    ),
    Rule(_SG_RULE, "cidrIpv4", Ipv4Network(), f"{_SG_RULE_SCHEMA} cidr_ipv4"),
    *(
        Rule(_SG_RULE, port, IntRange(-1, 65535), f"{_SG_RULE_SCHEMA} {snake} Between(-1, 65535)")
        for port, snake in (("fromPort", "from_port"), ("toPort", "to_port"))
    ),
    Rule(
        _SG_RULE,
        "",
        ExactlyOneOf(("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")),
        f"{_SG_RULE_SCHEMA} ConfigValidators ExactlyOneOf",
    ),
    *(
        Rule(type_, f"{direction}[].description", SG_RULE_DESCRIPTION, _SG_RULE_SOURCE)
        for type_ in _SG_TYPES
        for direction in ("ingress", "egress")
    ),
    *(
        Rule(type_, f"{direction}[].cidrBlocks[]", Ipv4Network(), _SG_CIDR_SOURCE)
        for type_ in _SG_TYPES
        for direction in ("ingress", "egress")
    ),
    Rule(
        "aws:ec2/securityGroup:SecurityGroup",
        "description",
        Length(0, 255),
        f"{TFAWS}ec2/vpc_security_group.go description StringLenBetween(0, 255)",
    ),
    Rule(
        "aws:ec2/securityGroup:SecurityGroup",
        "description",
        Matches(EC2_DESCRIPTION_CHARS, "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"),
        "EC2 API CreateSecurityGroup GroupDescription (VPC constraints; same alphabet as "
        f"{TFAWS}ec2/validate.go)",
        CLOUD_API,
    ),
    Rule(
        "aws:ec2/securityGroup:SecurityGroup",
        "name",
        AllOf((Length(0, 255), DoesNotMatch(r"^sg-", "not starting with sg-"))),
        f"{TFAWS}ec2/vpc_security_group.go name",
    ),
    Rule(
        "aws:iam/role:Role",
        "name",
        _iam_name(64),
        f"{TFAWS}iam/role.go name validResourceName(roleNameMaxLen=64)",
    ),
    Rule(
        "aws:iam/role:Role",
        "description",
        AllOf(
            (
                Length(0, 1000),
                DoesNotMatch("[\u201c\u2018]", "no typographic quotes \u201c or \u2018"),
            )
        ),
        f"{TFAWS}iam/role.go description",
    ),
    Rule(
        "aws:iam/rolePolicy:RolePolicy",
        "name",
        _iam_name(128),
        f"{TFAWS}iam/validate.go validRolePolicyName; IAM API PutRolePolicy PolicyName 1-128",
    ),
    Rule(
        "aws:iam/rolePolicy:RolePolicy",
        "role",
        AllOf((Length(1, 128), Predicate(_is_not_arn, "the role's name, not its ARN"))),
        f"{TFAWS}iam/validate.go validRolePolicyRole",
    ),
    Rule(
        "aws:iam/policy:Policy",
        "name",
        _iam_name(128),
        f"{TFAWS}iam/validate.go validResourceName; IAM API CreatePolicy PolicyName 1-128",
    ),
    Rule(
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "url",
        Predicate(_is_https_url_without_query, "an https:// URL without query parameters"),
        f"{TFAWS}iam/validate.go validOpenIDURL",
    ),
    Rule(
        "aws:lambda/function:Function",
        "name",
        Predicate(_is_lambda_function_name, "1-64 letters, digits, _ and - (or an ARN of one)"),
        f"{TFAWS}lambda/validate.go validFunctionName",
    ),
    Rule(
        "aws:lambda/function:Function",
        "loggingConfig.logGroup",
        AllOf((Length(1, 512), Matches(r"[0-9A-Za-z_./#-]+", "letters, digits and _./#-"))),
        f"{TFAWS}lambda/validate.go validLogGroupName",
    ),
    Rule(
        "aws:lambda/permission:Permission",
        "statementId",
        AllOf((Length(1, 100), Matches(r"[0-9A-Za-z_-]+", "letters, digits, _ and -"))),
        f"{TFAWS}lambda/validate.go validPolicyStatementID",
    ),
    Rule(
        "aws:lambda/permission:Permission",
        "action",
        Matches(r"lambda:[*]|lambda:[A-Za-z]+|[*]", "lambda:<Action>, lambda:* or *"),
        f"{TFAWS}lambda/validate.go validPermissionAction",
    ),
    Rule(
        "aws:lambda/permission:Permission",
        "function",
        Predicate(_is_lambda_function_name, "1-64 letters, digits, _ and - (or an ARN of one)"),
        f"{TFAWS}lambda/validate.go validFunctionName",
    ),
    Rule(
        "aws:cloudwatch/logGroup:LogGroup",
        "name",
        AllOf((Length(1, 512), Matches(r"[0-9A-Za-z_./#-]+", "letters, digits and _./#-"))),
        "CloudWatch Logs API CreateLogGroup logGroupName (as transcribed in "
        f"{TFAWS}lambda/validate.go validLogGroupName)",
        CLOUD_API,
    ),
    Rule(
        "aws:rds/instance:Instance",
        "identifier",
        RDS_IDENTIFIER,
        f"{TFAWS}rds/validate.go validIdentifier",
    ),
    Rule(
        "aws:rds/instance:Instance",
        "identifier",
        Length(1, 63),
        "RDS API CreateDBInstance DBInstanceIdentifier: 1 to 63 characters",
        CLOUD_API,
    ),
    Rule(
        "aws:rds/parameterGroup:ParameterGroup",
        "name",
        AllOf(
            (
                Length(1, 255),
                Matches(r"[0-9a-z.-]+", "lowercase letters, digits, . and -"),
                Matches(r"[a-z].*", "starting with a letter"),
                DoesNotMatch(r"--", "no two consecutive hyphens"),
                DoesNotMatch(r"-$", "not ending with a hyphen"),
            )
        ),
        f"{TFAWS}rds/validate.go validParamGroupName",
    ),
    Rule(
        "aws:rds/subnetGroup:SubnetGroup",
        "name",
        AllOf(
            (
                Length(1, 255),
                Matches(r"[0-9a-z_ .-]+", "lowercase letters, digits, spaces and _.-"),
                DoesNotMatch(r"(?i)^default$", "not 'default'"),
            )
        ),
        f"{TFAWS}rds/validate.go validSubnetGroupName",
    ),
    Rule(
        "aws:rds/instance:Instance",
        "monitoringInterval",
        IntInSlice((0, 1, 5, 10, 15, 30, 60)),
        f"{TFAWS}rds/instance.go monitoring_interval IntInSlice",
    ),
    Rule(
        "aws:rds/instance:Instance",
        "performanceInsightsRetentionPeriod",
        IntInSlice(PI_RETENTION_DAYS),
        "RDS API CreateDBInstance PerformanceInsightsRetentionPeriod: 7, month * 31 "
        "(1-23 months) or 731",
        CLOUD_API,
    ),
    Rule(
        "aws:rds/parameterGroup:ParameterGroup",
        "parameters[].applyMethod",
        Predicate(_is_apply_method, "immediate or pending-reboot"),
        f"{TFAWS}rds/parameter_group.go parameter.apply_method",
    ),
    Rule(
        "aws:ec2/flowLog:FlowLog",
        "trafficType",
        OneOf(("ACCEPT", "REJECT", "ALL")),
        f"{TFAWS}ec2/vpc_flow_log.go traffic_type enum TrafficType",
    ),
    Rule(
        "aws:ec2/flowLog:FlowLog",
        "logDestinationType",
        OneOf(("cloud-watch-logs", "s3", "kinesis-data-firehose")),
        f"{TFAWS}ec2/vpc_flow_log.go log_destination_type enum LogDestinationType",
    ),
    Rule(
        "aws:ec2/flowLog:FlowLog",
        "maxAggregationInterval",
        IntInSlice((60, 600)),
        f"{TFAWS}ec2/vpc_flow_log.go max_aggregation_interval IntInSlice",
    ),
    Rule(
        "aws:s3/bucketLogging:BucketLogging",
        "bucket",
        Length(1, 63),
        f"{TFAWS}s3/bucket_logging.go bucket StringLenBetween(1, 63)",
    ),
    Rule(
        "aws:cloudwatch/logGroup:LogGroup",
        "retentionInDays",
        IntInSlice(LOG_RETENTION_DAYS),
        f"{TFAWS}logs/group.go retention_in_days IntInSlice",
    ),
    Rule(
        "aws:s3/bucket:Bucket",
        "bucket",
        AllOf(
            (
                Length(3, 63),
                Matches(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", "lowercase letters, digits, . and -"),
                DoesNotMatch(r"\.\.", "no two adjacent periods"),
            )
        ),
        S3_NAMING,
        CLOUD_API,
    ),
    Rule(
        _QUEUE,
        "name",
        Matches(r"[a-zA-Z0-9_-]{1,80}", "1-80 letters, digits, _ and - (standard queue)"),
        f"{_QUEUE_SCHEMA} resourceQueueCustomizeDiff",
    ),
    Rule(
        _QUEUE,
        "visibilityTimeoutSeconds",
        IntRange(0, 43_200),
        f"{_QUEUE_SCHEMA} visibility_timeout_seconds IntBetween(0, 43200)",
    ),
    Rule(
        _QUEUE,
        "messageRetentionSeconds",
        IntRange(60, 1_209_600),
        f"{_QUEUE_SCHEMA} message_retention_seconds IntBetween(60, 1209600)",
    ),
    Rule(
        _QUEUE,
        "",
        Predicate(_one_encryption, "sqsManagedSseEnabled or kmsMasterKeyId, not both"),
        f"{_QUEUE_SCHEMA} sqs_managed_sse_enabled ConflictsWith kms_master_key_id",
    ),
    Rule(
        _QUEUE,
        "redrivePolicy",
        Predicate(_is_json, "a JSON document"),
        f"{_QUEUE_SCHEMA} redrive_policy StringIsJSON",
    ),
    Rule(
        _QUEUE,
        "redrivePolicy",
        Predicate(_is_redrive_policy, "JSON with a deadLetterTargetArn and maxReceiveCount 1-1000"),
        "SQS API SetQueueAttributes RedrivePolicy",
        CLOUD_API,
    ),
    Rule(
        "aws:sqs/queuePolicy:QueuePolicy",
        "policy",
        Predicate(_is_json, "a JSON document"),
        f"{TFAWS}sqs/queue_policy.go policy StringIsJSON",
    ),
    Rule(
        _ESM,
        "functionResponseTypes[]",
        OneOf(("ReportBatchItemFailures",)),
        f"{_ESM_SCHEMA} function_response_types enum FunctionResponseType",
    ),
    Rule(
        _ESM,
        "scalingConfig.maximumConcurrency",
        IntRange(2, 2**31 - 1),
        f"{_ESM_SCHEMA} scaling_config.maximum_concurrency IntAtLeast(2)",
    ),
    Rule(
        _ESM,
        "scalingConfig.maximumConcurrency",
        IntRange(2, 1000),
        f"{_LAMBDA_API} ScalingConfig.MaximumConcurrency: 2 to 1000",
        CLOUD_API,
    ),
    Rule(
        _ESM,
        "batchSize",
        IntRange(1, 10_000),
        f"{_LAMBDA_API} BatchSize (SQS standard queue: 1 to 10000)",
        CLOUD_API,
    ),
    Rule(
        _ESM,
        "maximumBatchingWindowInSeconds",
        IntRange(0, 300),
        f"{_LAMBDA_API} MaximumBatchingWindowInSeconds: 0 to 300",
        CLOUD_API,
    ),
    Rule(
        _ESM,
        "",
        Predicate(_batch_fits_window, "batchSize up to 10, or a batching window of at least 1 s"),
        f"{_LAMBDA_API} BatchSize (SQS: above 10 needs MaximumBatchingWindowInSeconds >= 1)",
        CLOUD_API,
    ),
    Rule(
        _ESM,
        "",
        ExactlyOneOf(("eventSourceArn", "selfManagedEventSource")),
        f"{_ESM_SCHEMA} event_source_arn ExactlyOneOf",
    ),
    Rule(
        _ESM,
        "functionName",
        Predicate(_is_lambda_function_name, "1-64 letters, digits, _ and - (or an ARN of one)"),
        f"{_LAMBDA_API} FunctionName (the provider does not validate it)",
        CLOUD_API,
    ),
    Rule(
        "aws:s3/bucketNotification:BucketNotification",
        "queues[].events[]",
        OneOf(S3_EVENTS),
        "S3 API PutBucketNotificationConfiguration QueueConfiguration.Events (enum Event; "
        f"{TFAWS}s3/bucket_notification.go expands them unchecked)",
        CLOUD_API,
    ),
    Rule(
        "aws:s3/bucketNotification:BucketNotification",
        "queues[].queueArn",
        Matches(r"arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]{1,80}", "an SQS queue ARN"),
        "S3 API PutBucketNotificationConfiguration QueueConfiguration.QueueArn",
        CLOUD_API,
    ),
)
