"""What the AWS CI roles and the stacks' function roles may do, as data.

The deploy role's grants are exactly the actions ``required_actions`` derives
per resource type, plus the few named in ``EXTRA_ACTIONS`` with a reason; the
preview role gets the read-only part of the same grants. Each grant is scoped:

- names: ``{name}`` expands to ``<prefix>-<stack>`` for each stack the role
  serves, so no grant matches the Pulumi state bucket (``crosscloud-pulumi-state``
  would match ``crosscloud-*``) or anything outside the stacks;
- tags, where EC2 and KMS name resources by generated ids: the stacks'
  provider tags everything ``project=<prefix>`` (``stacks/aws/providers.py``);
- ``*`` only for actions that support no resource (Service Authorization
  Reference), each with the reason.

Placeholders: ``{account}``, ``{prefix}``, ``{name}``, ``{boundary}`` (the
function-role permissions boundary ARN) and ``{ci}`` (the CI identities' own
name prefix, which no grant matches).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stacks.aws.database import ENGINE_MAJOR

READ_VERBS = ("Describe", "Get", "List")


@dataclass(frozen=True)
class Grant:
    """One policy statement as data, before the placeholders are filled in."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Required when ``resources`` is ``*``: why the actions cannot be scoped.
    wildcard_reason: str = ""
    effect: str = "Allow"

    def reads(self) -> tuple[str, ...]:
        """The actions a preview may call: Describe/Get/List, and API Gateway's GET."""
        return tuple(a for a in self.actions if is_read(a))


def is_read(action: str) -> bool:
    """Whether an action only reads (``apigateway:GET`` is API Gateway's read verb)."""
    verb = action.split(":", 1)[1]
    return verb.startswith(READ_VERBS) or action == "apigateway:GET"


_ARN = "arn:aws:{service}:*:{{account}}:"
_TAGGED = {"StringEquals": {"aws:ResourceTag/project": "{prefix}"}}
_REQUEST_TAGGED = {"StringEquals": {"aws:RequestTag/project": "{prefix}"}}
_EC2 = "arn:aws:ec2:*:{account}:"
_STACK_FUNCTIONS = "arn:aws:lambda:*:{account}:function:{name}-*"
# The EC2 resource types the stacks create; ids are generated, so tags scope them.
_EC2_TYPES = ("vpc", "subnet", "security-group", "route-table", "vpc-endpoint", "vpc-flow-log")
# Security group rules (aws_vpc_security_group_egress_rule) are tagged after
# they are created, so they are managed by tag like the rest once claimed.
_EC2_MANAGED_TYPES = (*_EC2_TYPES, "security-group-rule")
_EC2_CREATES = (
    "ec2:CreateFlowLogs",
    "ec2:CreateRouteTable",
    "ec2:CreateSecurityGroup",
    "ec2:CreateSubnet",
    "ec2:CreateVpcEndpoint",
)
_RDS_MANAGED_ARN = "arn:aws:secretsmanager:*:{account}:secret:rds!db-*"
# RDS tags the secret it manages with the instance it belongs to; users cannot
# set aws:-prefixed tags, so only RDS can put this one there.
_RDS_INSTANCE_OWNER = "arn:aws:rds:*:{account}:db:{name}-*"

# Grants of the deploy role by managed policy (a managed policy holds at most
# 6,144 characters and a role takes ten, so grants are grouped).
DEPLOY: Mapping[str, tuple[Grant, ...]] = {
    "storage": (
        Grant(
            "S3Buckets",
            (
                "s3:CreateBucket",
                "s3:DeleteBucket",
                "s3:DeleteBucketPolicy",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:GetAccelerateConfiguration",
                "s3:GetBucketAcl",
                "s3:GetBucketCORS",
                "s3:GetBucketLogging",
                "s3:GetBucketNotification",
                "s3:GetBucketObjectLockConfiguration",
                "s3:GetBucketOwnershipControls",
                "s3:GetBucketPolicy",
                "s3:GetBucketPublicAccessBlock",
                "s3:GetBucketRequestPayment",
                "s3:GetBucketTagging",
                "s3:GetBucketVersioning",
                "s3:GetBucketWebsite",
                "s3:GetEncryptionConfiguration",
                "s3:GetLifecycleConfiguration",
                "s3:GetReplicationConfiguration",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:PutBucketCORS",
                "s3:PutBucketLogging",
                "s3:PutBucketNotification",
                "s3:PutBucketOwnershipControls",
                "s3:PutBucketPolicy",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutBucketTagging",
                "s3:PutBucketVersioning",
                "s3:PutEncryptionConfiguration",
                "s3:PutLifecycleConfiguration",
            ),
            # Objects only for force_destroy's emptying of dev buckets.
            ("arn:aws:s3:::{name}-*", "arn:aws:s3:::{name}-*/*"),
        ),
        Grant(
            "DynamoDbTables",
            (
                "dynamodb:CreateTable",
                "dynamodb:DeleteTable",
                "dynamodb:DescribeContinuousBackups",
                "dynamodb:DescribeTable",
                "dynamodb:DescribeTimeToLive",
                "dynamodb:ListTagsOfResource",
                "dynamodb:TagResource",
                "dynamodb:UntagResource",
                "dynamodb:UpdateContinuousBackups",
                "dynamodb:UpdateTable",
                "dynamodb:UpdateTimeToLive",
            ),
            (_ARN.format(service="dynamodb") + "table/{name}-*",),
        ),
        Grant(
            "SqsQueues",
            (
                "sqs:CreateQueue",
                "sqs:DeleteQueue",
                "sqs:GetQueueAttributes",
                "sqs:ListQueueTags",
                "sqs:SetQueueAttributes",
                "sqs:TagQueue",
                "sqs:UntagQueue",
            ),
            (_ARN.format(service="sqs") + "{name}-*",),
        ),
    ),
    "observability": (
        Grant(
            "SnsTopics",
            (
                "sns:CreateTopic",
                "sns:DeleteTopic",
                "sns:GetSubscriptionAttributes",
                "sns:GetTopicAttributes",
                "sns:ListTagsForResource",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
                "sns:TagResource",
                "sns:Unsubscribe",
                "sns:UntagResource",
            ),
            # Subscription ARNs are the topic's ARN plus ":<id>".
            (_ARN.format(service="sns") + "{name}-*",),
        ),
        # Schedules carry no tags; their names (in the default group) scope them.
        Grant(
            "Schedules",
            (
                "scheduler:CreateSchedule",
                "scheduler:DeleteSchedule",
                "scheduler:GetSchedule",
                "scheduler:UpdateSchedule",
            ),
            (_ARN.format(service="scheduler") + "schedule/default/{name}-*",),
        ),
        Grant(
            "CloudWatchAlarms",
            (
                "cloudwatch:DeleteAlarms",
                "cloudwatch:DescribeAlarms",
                "cloudwatch:ListTagsForResource",
                "cloudwatch:PutMetricAlarm",
                "cloudwatch:TagResource",
                "cloudwatch:UntagResource",
            ),
            (_ARN.format(service="cloudwatch") + "alarm:{name}-*",),
        ),
        Grant(
            "LogGroups",
            (
                "logs:CreateLogGroup",
                "logs:DeleteLogGroup",
                "logs:DeleteRetentionPolicy",
                "logs:ListTagsForResource",
                "logs:ListTagsLogGroup",
                "logs:PutRetentionPolicy",
                "logs:TagResource",
                "logs:UntagResource",
            ),
            (
                _ARN.format(service="logs") + "log-group:{name}-*",
                _ARN.format(service="logs") + "log-group:/aws/lambda/{name}-*",
                # The stack creates RDS's export groups first, to give them a retention.
                _ARN.format(service="logs") + "log-group:/aws/rds/instance/{name}-*",
            ),
        ),
        Grant(
            "LogsUnscoped",
            (
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
                "logs:GetLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:UpdateLogDelivery",
            ),
            ("*",),
            wildcard_reason=(
                "DescribeLogGroups, DescribeResourcePolicies and the *LogDelivery actions "
                "support no resource type, and PutResourcePolicy writes the account's logs "
                "resource policy (Service Authorization Reference, CloudWatch Logs); API "
                "Gateway's HTTP API logging guide grants them on '*'"
            ),
        ),
    ),
    "network": (
        Grant(
            "Ec2Describe",
            (
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeFlowLogs",
                "ec2:DescribeNetworkAcls",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribePrefixLists",
                "ec2:DescribeRouteTables",
                "ec2:DescribeSecurityGroupRules",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcAttribute",
                "ec2:DescribeVpcEndpoints",
                "ec2:DescribeVpcs",
            ),
            ("*",),
            wildcard_reason="EC2 Describe* actions support no resource-level permissions",
        ),
        Grant(
            "Ec2CreateVpc",
            ("ec2:CreateVpc",),
            (_EC2 + "vpc/*",),
            conditions=_REQUEST_TAGGED,
        ),
        # The new resource of each create call, tagged in the same request. Its
        # parents (the VPC, and an endpoint's subnets, groups and route tables)
        # are authorized separately below, by their own tags.
        Grant(
            "Ec2CreateInVpc",
            _EC2_CREATES,
            tuple(_EC2 + f"{kind}/*" for kind in _EC2_TYPES[1:]),
            conditions=_REQUEST_TAGGED,
        ),
        Grant(
            "Ec2TagOnCreate",
            ("ec2:CreateTags",),
            tuple(_EC2 + f"{kind}/*" for kind in _EC2_TYPES),
            conditions={
                "StringEquals": {
                    "ec2:CreateAction": [action.split(":")[1] for action in _EC2_CREATES]
                    + ["CreateVpc"]
                }
            },
        ),
        # AWS creates a VPC's default security group untagged; the provider tags
        # it before revoking its rules. Only untagged groups may be claimed. IAM
        # cannot test the group's VPC's tags, so this also lets the deployer
        # claim (then change) an untagged group in another VPC of the account:
        # an accepted risk (docs/delivery.md); keep the account to these stacks.
        Grant(
            "Ec2ClaimDefaultSecurityGroup",
            ("ec2:CreateTags",),
            (_EC2 + "security-group/*",),
            conditions={
                "StringEquals": {"aws:RequestTag/project": "{prefix}"},
                "Null": {"aws:ResourceTag/project": "true"},
            },
        ),
        # The provider authorizes a standalone rule, then tags it in a second
        # call (ec2/vpc_security_group_ingress_rule.go Create), when the rule is
        # still untagged: only untagged rules may be claimed, and only with the
        # stacks' tag. Authorizing itself is granted on the tagged group below.
        Grant(
            "Ec2ClaimSecurityGroupRule",
            ("ec2:CreateTags",),
            (_EC2 + "security-group-rule/*",),
            conditions={
                "StringEquals": {"aws:RequestTag/project": "{prefix}"},
                "Null": {"aws:ResourceTag/project": "true"},
            },
        ),
        Grant(
            "Ec2ManageTagged",
            (
                *_EC2_CREATES,
                "ec2:AssociateRouteTable",
                "ec2:AuthorizeSecurityGroupEgress",
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:CreateTags",
                "ec2:DeleteFlowLogs",
                "ec2:DeleteRouteTable",
                "ec2:DeleteSecurityGroup",
                "ec2:DeleteSubnet",
                "ec2:DeleteTags",
                "ec2:DeleteVpc",
                "ec2:DeleteVpcEndpoints",
                "ec2:DisassociateRouteTable",
                "ec2:ModifySecurityGroupRules",
                "ec2:ModifyVpcAttribute",
                "ec2:ModifyVpcEndpoint",
                "ec2:ReplaceRouteTableAssociation",
                "ec2:RevokeSecurityGroupEgress",
                "ec2:RevokeSecurityGroupIngress",
            ),
            tuple(_EC2 + f"{kind}/*" for kind in _EC2_MANAGED_TYPES),
            conditions=_TAGGED,
        ),
        Grant(
            "PrivateDnsForEndpoints",
            ("route53:AssociateVPCWithHostedZone",),
            # The hosted zone is AWS's, created for the endpoint: its id is unknown.
            ("arn:aws:route53:::hostedzone/*",),
        ),
    ),
    "data": (
        Grant(
            "RdsResources",
            (
                "rds:AddTagsToResource",
                "rds:CreateDBInstance",
                "rds:CreateDBParameterGroup",
                "rds:CreateDBSnapshot",
                "rds:CreateDBSubnetGroup",
                "rds:DeleteDBInstance",
                "rds:DeleteDBParameterGroup",
                "rds:DeleteDBSubnetGroup",
                "rds:DescribeDBInstances",
                "rds:DescribeDBParameterGroups",
                "rds:DescribeDBParameters",
                "rds:DescribeDBSubnetGroups",
                "rds:ListTagsForResource",
                "rds:ModifyDBInstance",
                "rds:ModifyDBParameterGroup",
                "rds:ResetDBParameterGroup",
                "rds:ModifyDBSubnetGroup",
                "rds:RemoveTagsFromResource",
            ),
            (
                _ARN.format(service="rds") + "db:{name}-*",
                _ARN.format(service="rds") + "pg:{name}-*",
                _ARN.format(service="rds") + "subgrp:{name}-*",
                _ARN.format(service="rds") + "snapshot:{name}-*",
                # CreateDBInstance also authorizes against the option group the
                # instance gets; the stacks set none, so it is the engine's default.
                _ARN.format(service="rds") + f"og:default:postgres-{ENGINE_MAJOR}",
            ),
        ),
        # After creating an instance the provider keeps its DbiResourceId as the
        # resource id and reads it back filtered by dbi-resource-id, with no
        # identifier: IAM then authorizes against db:* (terraform-provider-aws
        # rds/instance.go, findDBInstanceByIDSDKv1). Read-only.
        Grant(
            "RdsDescribeByResourceId",
            ("rds:DescribeDBInstances",),
            (_ARN.format(service="rds") + "db:*",),
        ),
        Grant(
            "RdsServiceLinkedRole",
            ("iam:CreateServiceLinkedRole",),
            ("arn:aws:iam::{account}:role/aws-service-role/rds.amazonaws.com/*",),
            conditions={"StringEquals": {"iam:AWSServiceName": "rds.amazonaws.com"}},
        ),
        Grant(
            "AppSecrets",
            (
                "secretsmanager:CreateSecret",
                "secretsmanager:DeleteSecret",
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetResourcePolicy",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:TagResource",
                "secretsmanager:UntagResource",
                "secretsmanager:UpdateSecretVersionStage",
            ),
            # AppSecrets names them "<prefix>-<stack>/<name>".
            (_ARN.format(service="secretsmanager") + "secret:{name}/*",),
        ),
        # RDS creates, rotates and deletes the master-password secret in the
        # caller's name (forward access sessions), so these calls reach Secrets
        # Manager only through RDS: aws:ViaAWSService. Whether RDS puts its
        # aws:rds:primaryDBInstanceArn tag in the CreateSecret request itself is
        # not documented, so no request-tag condition; the boundary's read grant
        # keys on that tag, which the secret certainly carries once created.
        Grant(
            "RdsManagesItsSecret",
            (
                "secretsmanager:CreateSecret",
                "secretsmanager:DeleteSecret",
                "secretsmanager:RotateSecret",
                "secretsmanager:TagResource",
            ),
            (_RDS_MANAGED_ARN,),
            conditions={"Bool": {"aws:ViaAWSService": "true"}},
        ),
        Grant(
            "KmsCreateKey",
            # Tags passed to CreateKey (the provider's default tags) need
            # kms:TagResource in a grant not limited to particular keys (AWS KMS
            # Developer Guide, "Controlling access to tags").
            ("kms:CreateKey", "kms:TagResource"),
            ("*",),
            conditions=_REQUEST_TAGGED,
            wildcard_reason="kms:CreateKey supports no resource type (the key does not exist yet)",
        ),
        Grant(
            "KmsTaggedKeys",
            (
                "kms:EnableKeyRotation",
                "kms:GetKeyPolicy",
                "kms:GetKeyRotationStatus",
                "kms:ListResourceTags",
                "kms:PutKeyPolicy",
                "kms:ScheduleKeyDeletion",
                "kms:TagResource",
                "kms:UntagResource",
                "kms:UpdateKeyDescription",
            ),
            (_ARN.format(service="kms") + "key/*",),
            conditions=_TAGGED,
        ),
        # Metadata only, on any key: RDS looks up the AWS-managed aws/secretsmanager
        # key (untagged) in the caller's name.
        Grant("KmsDescribeKeys", ("kms:DescribeKey",), (_ARN.format(service="kms") + "key/*",)),
    ),
    "compute": (
        Grant(
            "LambdaFunctions",
            (
                "lambda:AddPermission",
                "lambda:CreateFunction",
                "lambda:DeleteFunction",
                "lambda:DeleteFunctionConcurrency",
                "lambda:DeleteFunctionEventInvokeConfig",
                "lambda:GetFunction",
                "lambda:GetFunctionCodeSigningConfig",
                "lambda:GetFunctionEventInvokeConfig",
                "lambda:GetPolicy",
                "lambda:ListVersionsByFunction",
                "lambda:PutFunctionConcurrency",
                "lambda:PutFunctionEventInvokeConfig",
                "lambda:RemovePermission",
                "lambda:TagResource",
                "lambda:UntagResource",
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
                "lambda:UpdateFunctionEventInvokeConfig",
            ),
            (_ARN.format(service="lambda") + "function:{name}-*",),
        ),
        # Event source mappings have generated ids: the ones of the stacks' functions
        # are picked out by the function they invoke (lambda:FunctionArn), which
        # Create, Update and Delete support (Service Authorization Reference, AWS Lambda).
        Grant(
            "EventSourceMappingCreate",
            ("lambda:CreateEventSourceMapping",),
            ("*",),
            conditions={"ArnLike": {"lambda:FunctionArn": [_STACK_FUNCTIONS]}},
            wildcard_reason=(
                "lambda:CreateEventSourceMapping supports no resource type, only the "
                "lambda:FunctionArn condition it is limited by here"
            ),
        ),
        Grant(
            "EventSourceMappingChange",
            ("lambda:DeleteEventSourceMapping", "lambda:UpdateEventSourceMapping"),
            (_ARN.format(service="lambda") + "event-source-mapping:*",),
            conditions={"ArnLike": {"lambda:FunctionArn": [_STACK_FUNCTIONS]}},
        ),
        # Reads and tags (the provider's default_tags) of the stacks' mappings. Event
        # source mappings take aws:ResourceTag and aws:RequestTag (AWS Lambda Developer
        # Guide, "Attribute-based access control": functions, code signing configurations
        # and event source mappings; Service Authorization Reference, AWS Lambda,
        # eventSourceMapping resource type). Tag-on-create (CreateEventSourceMapping with
        # Tags) needs TagResource on a mapping not tagged yet: only with the stacks' tag,
        # and never on a mapping another project tagged. Later tag updates send only the
        # changed tags, so TagResource on a tagged mapping goes by its own tag.
        Grant(
            "EventSourceMappingTagOnCreate",
            ("lambda:TagResource",),
            (_ARN.format(service="lambda") + "event-source-mapping:*",),
            conditions={
                "StringEquals": {"aws:RequestTag/project": "{prefix}"},
                "Null": {"aws:ResourceTag/project": "true"},
            },
        ),
        Grant(
            "EventSourceMappingTags",
            (
                "lambda:GetEventSourceMapping",
                "lambda:ListTags",
                "lambda:TagResource",
                "lambda:UntagResource",
            ),
            (_ARN.format(service="lambda") + "event-source-mapping:*",),
            conditions=_TAGGED,
        ),
        Grant(
            "HttpApis",
            (
                "apigateway:DELETE",
                "apigateway:GET",
                "apigateway:PATCH",
                "apigateway:POST",
                "apigateway:PUT",
            ),
            # API ids are generated; API Gateway V2 authorizes by path.
            (
                "arn:aws:apigateway:*::/apis",
                "arn:aws:apigateway:*::/apis/*",
                "arn:aws:apigateway:*::/tags/*",
            ),
        ),
    ),
    "iam": (
        # The actions that take iam:PermissionsBoundary: a role is created or
        # given policies only with the function boundary on it.
        Grant(
            "RolesWithBoundary",
            (
                "iam:CreateRole",
                "iam:DeleteRolePolicy",
                "iam:PutRolePermissionsBoundary",
                "iam:PutRolePolicy",
            ),
            ("arn:aws:iam::{account}:role/{name}-*",),
            conditions={"StringEquals": {"iam:PermissionsBoundary": "{boundary}"}},
        ),
        Grant(
            "StackRoles",
            (
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
                "iam:ListRolePolicies",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRoleDescription",
            ),
            ("arn:aws:iam::{account}:role/{name}-*",),
        ),
        Grant(
            "PassStackRoles",
            ("iam:PassRole",),
            ("arn:aws:iam::{account}:role/{name}-*",),
            conditions={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        ),
        # The flow-log delivery role (stacks/aws/flow_logs.py, named <stack>-vpc-flow-logs-*)
        # and the enhanced-monitoring role (stacks/aws/database.py, <stack>-db-monitoring-*),
        # each only to its own service.
        Grant(
            "PassFlowLogRole",
            ("iam:PassRole",),
            ("arn:aws:iam::{account}:role/{name}-vpc-flow-logs-*",),
            conditions={"StringEquals": {"iam:PassedToService": "vpc-flow-logs.amazonaws.com"}},
        ),
        # The report schedule's role (stacks/aws/report_schedule.py, <stack>-report-schedule-*),
        # only to EventBridge Scheduler.
        Grant(
            "PassSchedulerRole",
            ("iam:PassRole",),
            ("arn:aws:iam::{account}:role/{name}-report-schedule-*",),
            conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
        ),
        Grant(
            "PassMonitoringRole",
            ("iam:PassRole",),
            ("arn:aws:iam::{account}:role/{name}-db-monitoring-*",),
            conditions={"StringEquals": {"iam:PassedToService": "monitoring.rds.amazonaws.com"}},
        ),
        Grant(
            "NoBoundaryRemoval",
            ("iam:DeleteRolePermissionsBoundary",),
            ("arn:aws:iam::{account}:role/*",),
            effect="Deny",
        ),
        # Defence in depth: no Allow above matches these, and none ever may.
        Grant(
            "NoChangesToCiIdentities",
            (
                "iam:AttachRolePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:DeleteRole",
                "iam:DeleteRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePermissionsBoundary",
                "iam:PutRolePolicy",
                "iam:SetDefaultPolicyVersion",
                "iam:TagPolicy",
                "iam:TagRole",
                "iam:UntagPolicy",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
            ),
            (
                "arn:aws:iam::{account}:role/{ci}-*",
                "arn:aws:iam::{account}:policy/{ci}-*",
                "{boundary}",
            ),
            effect="Deny",
        ),
    ),
}

# Granted although no resource type lists them, each with the reason.
EXTRA_ACTIONS: Mapping[str, str] = {
    "ec2:DescribeAvailabilityZones": (
        "the aws.get_availability_zones invoke in stacks/aws/network.py (preview and up)"
    ),
}

# What the stacks' function roles may ever be given: the permissions boundary.
# Each stack role policy (stacks/aws/lambda_function.py and its callers) must
# fit inside it; a test checks every action and resource of the synthesized stacks.
BOUNDARY: tuple[Grant, ...] = (
    Grant(
        "FunctionLogs",
        ("logs:CreateLogStream", "logs:PutLogEvents"),
        (_ARN.format(service="logs") + "log-group:/aws/lambda/{name}-*",),
    ),
    Grant(
        "FunctionObjects",
        ("s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"),
        ("arn:aws:s3:::{name}-*", "arn:aws:s3:::{name}-*/*"),
    ),
    Grant(
        "FunctionTables",
        ("dynamodb:DeleteItem", "dynamodb:PutItem"),
        (_ARN.format(service="dynamodb") + "table/{name}-*",),
    ),
    # The indexer consumes its queue (Lambda's poller, in the role's name); the report
    # sends its failed runs to its dead-letter queue.
    Grant(
        "FunctionQueues",
        (
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ReceiveMessage",
            "sqs:SendMessage",
        ),
        (_ARN.format(service="sqs") + "{name}-*",),
    ),
    # The report (stacks/aws/uploads_report.py): it reads the index, announces on its
    # topic (encrypted with a key of the stack, found by tag), and is invoked by its schedule.
    Grant(
        "FunctionIndexQueries",
        ("dynamodb:Query",),
        (_ARN.format(service="dynamodb") + "table/{name}-*",),
    ),
    Grant("FunctionTopics", ("sns:Publish",), (_ARN.format(service="sns") + "{name}-*",)),
    # One boundary serves every stack: the key must also be of the role's own stack.
    # Roles and keys both carry the provider's default tags (stacks/aws/providers.py,
    # Settings.tags: project and stack), so a dev role never uses a prod key.
    Grant(
        "FunctionTopicKeys",
        ("kms:Decrypt", "kms:GenerateDataKey"),
        (_ARN.format(service="kms") + "key/*",),
        conditions={
            "StringEquals": {
                "aws:ResourceTag/project": "{prefix}",
                "aws:ResourceTag/stack": "${{aws:PrincipalTag/stack}}",
            }
        },
    ),
    Grant(
        "ScheduledInvokes",
        ("lambda:InvokeFunction",),
        (_ARN.format(service="lambda") + "function:{name}-*",),
    ),
    Grant(
        "FunctionAppSecrets",
        ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"),
        (_ARN.format(service="secretsmanager") + "secret:{name}/*",),
    ),
    Grant(
        "FunctionDatabaseSecret",
        ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"),
        (_RDS_MANAGED_ARN,),
        conditions={
            "StringLike": {"aws:ResourceTag/aws:rds:primaryDBInstanceArn": _RDS_INSTANCE_OWNER}
        },
    ),
    Grant(
        "FunctionNetworkInterfaces",
        (
            "ec2:AssignPrivateIpAddresses",
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:UnassignPrivateIpAddresses",
        ),
        (_EC2 + "network-interface/*", _EC2 + "subnet/*", _EC2 + "security-group/*"),
    ),
    # The VPC flow-log delivery role (stacks/aws/flow_logs.py): its own group only.
    Grant(
        "FlowLogDelivery",
        ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"),
        (_ARN.format(service="logs") + "log-group:{name}-vpc-flow-logs*",),
    ),
    Grant(
        "FlowLogFindGroup",
        ("logs:DescribeLogGroups",),
        ("*",),
        wildcard_reason="logs:DescribeLogGroups supports no resource type",
    ),
    # The RDS enhanced-monitoring role (stacks/aws/database.py): AWS's
    # AmazonRDSEnhancedMonitoringRole, on the one group RDS writes.
    Grant(
        "RdsEnhancedMonitoring",
        (
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogStreams",
            "logs:GetLogEvents",
            "logs:PutLogEvents",
            "logs:PutRetentionPolicy",
        ),
        (_ARN.format(service="logs") + "log-group:RDSOSMetrics*",),
    ),
    Grant(
        "FunctionDescribeNetworking",
        ("ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"),
        ("*",),
        wildcard_reason="EC2 Describe* actions support no resource-level permissions",
    ),
)


def deploy_actions() -> frozenset[str]:
    """Every action some Allow grant of the deploy role names."""
    return frozenset(
        action
        for grants in DEPLOY.values()
        for grant in grants
        if grant.effect == "Allow"
        for action in grant.actions
    )


# Pulumi's DIY (S3) backend layout, from pulumi/pulumi pkg/backend/diy/store.go
# (projectReferenceStore) and lock.go @ 629507419e58b1ab7f3ee06265ebedacb27a7984:
# .pulumi/stacks/<project>/<stack>.json[.gz|.zst] (plus .bak), .pulumi/locks/
# <organization/project/stack>/<lock-id>.json, .pulumi/history|backups|journal/
# <project>/<stack>/..., and .pulumi/meta.yaml (the store's format version).
STATE_ROOT = ".pulumi/"
STATE_META = ".pulumi/meta.yaml"


def state_stack_keys(project: str, stack: str) -> tuple[str, ...]:
    """Key patterns a preview of one stack reads: its checkpoint and its locks."""
    return (
        f".pulumi/stacks/{project}/{stack}.json*",
        f".pulumi/locks/organization/{project}/{stack}/*",
    )


def state_project_keys(project: str) -> tuple[str, ...]:
    """Key patterns of every stack of one project: checkpoints, locks, history, backups."""
    return (
        STATE_META,
        f".pulumi/stacks/{project}/*",
        f".pulumi/locks/organization/{project}/*",
        *(f".pulumi/{kind}/{project}/*" for kind in ("history", "backups", "journal")),
    )


def state_lock_keys(project: str, stack: str) -> str:
    """Key pattern of one stack's lock files, which a preview writes and deletes."""
    return f".pulumi/locks/organization/{project}/{stack}/*"
