"""What the CI roles may do on AWS, per service, as data.

``read`` is what ``pulumi preview`` (and ``refresh``) calls; ``write`` is what
``pulumi up`` adds to create, update and delete this project's resource types.
Every action is named; none is a ``*``. Resources are scoped to the stacks'
name prefix wherever the service's ARNs carry the name; the rest say why not.
``SERVICES_BY_MODULE`` maps each pulumi-aws module to IAM services, so a test
can prove every resource type the stacks register is covered.
"""

from collections.abc import Mapping
from dataclasses import dataclass

# ARN patterns; {prefix} is the stacks' physical-name prefix, {account} the account id.
ANY_RESOURCE = "*"


@dataclass(frozen=True)
class ServiceAccess:
    """One IAM service: read and write actions, and the resources they apply to."""

    read: tuple[str, ...]
    write: tuple[str, ...]
    resources: tuple[str, ...]
    # Required when ``resources`` is ``*``: why the service cannot be scoped.
    wildcard_reason: str = ""


SERVICES: Mapping[str, ServiceAccess] = {
    "s3": ServiceAccess(
        read=(
            "s3:GetAccelerateConfiguration",
            "s3:GetBucketAcl",
            "s3:GetBucketCORS",
            "s3:GetBucketLocation",
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
        ),
        write=(
            "s3:CreateBucket",
            "s3:DeleteBucket",
            "s3:DeleteBucketPolicy",
            # force_destroy empties dev buckets before deleting them.
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:ListBucket",
            "s3:ListBucketVersions",
            "s3:PutBucketCORS",
            "s3:PutBucketNotification",
            "s3:PutBucketOwnershipControls",
            "s3:PutBucketPolicy",
            "s3:PutBucketPublicAccessBlock",
            "s3:PutBucketTagging",
            "s3:PutBucketVersioning",
            "s3:PutEncryptionConfiguration",
            "s3:PutLifecycleConfiguration",
        ),
        resources=("arn:aws:s3:::{prefix}-*",),
    ),
    "dynamodb": ServiceAccess(
        read=(
            "dynamodb:DescribeContinuousBackups",
            "dynamodb:DescribeTable",
            "dynamodb:DescribeTimeToLive",
            "dynamodb:ListTagsOfResource",
        ),
        write=(
            "dynamodb:CreateTable",
            "dynamodb:DeleteTable",
            "dynamodb:TagResource",
            "dynamodb:UntagResource",
            "dynamodb:UpdateContinuousBackups",
            "dynamodb:UpdateTable",
            "dynamodb:UpdateTimeToLive",
        ),
        resources=("arn:aws:dynamodb:*:{account}:table/{prefix}-*",),
    ),
    "ec2": ServiceAccess(
        read=(
            "ec2:DescribeAddresses",
            "ec2:DescribeAvailabilityZones",
            "ec2:DescribeInternetGateways",
            "ec2:DescribeNatGateways",
            "ec2:DescribeNetworkAcls",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribePrefixLists",
            "ec2:DescribeRouteTables",
            "ec2:DescribeSecurityGroupRules",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeTags",
            "ec2:DescribeVpcAttribute",
            "ec2:DescribeVpcEndpoints",
            "ec2:DescribeVpcs",
        ),
        write=(
            "ec2:AllocateAddress",
            "ec2:AssociateRouteTable",
            "ec2:AttachInternetGateway",
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateInternetGateway",
            "ec2:CreateNatGateway",
            "ec2:CreateRoute",
            "ec2:CreateRouteTable",
            "ec2:CreateSecurityGroup",
            "ec2:CreateSubnet",
            "ec2:CreateTags",
            "ec2:CreateVpc",
            "ec2:CreateVpcEndpoint",
            "ec2:DeleteInternetGateway",
            "ec2:DeleteNatGateway",
            "ec2:DeleteRoute",
            "ec2:DeleteRouteTable",
            "ec2:DeleteSecurityGroup",
            "ec2:DeleteSubnet",
            "ec2:DeleteTags",
            "ec2:DeleteVpc",
            "ec2:DeleteVpcEndpoints",
            "ec2:DetachInternetGateway",
            "ec2:DisassociateAddress",
            "ec2:DisassociateRouteTable",
            "ec2:ModifySubnetAttribute",
            "ec2:ModifyVpcAttribute",
            "ec2:ModifyVpcEndpoint",
            "ec2:ReleaseAddress",
            "ec2:ReplaceRoute",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
        ),
        resources=(ANY_RESOURCE,),
        wildcard_reason=(
            "EC2 names resources by generated ids (vpc-..., subnet-...), and its Describe "
            "calls support no resource-level permissions"
        ),
    ),
    "kms": ServiceAccess(
        read=(
            "kms:DescribeKey",
            "kms:GetKeyPolicy",
            "kms:GetKeyRotationStatus",
            "kms:ListResourceTags",
        ),
        write=(
            # RDS and Secrets Manager create grants on the stack's keys for themselves.
            "kms:CreateGrant",
            "kms:CreateKey",
            "kms:DisableKeyRotation",
            "kms:EnableKeyRotation",
            "kms:PutKeyPolicy",
            "kms:ScheduleKeyDeletion",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:UpdateKeyDescription",
        ),
        resources=(ANY_RESOURCE,),
        wildcard_reason="kms:CreateKey has no resource, and key ids are random UUIDs",
    ),
    "rds": ServiceAccess(
        read=(
            "rds:DescribeDBInstances",
            "rds:DescribeDBParameterGroups",
            "rds:DescribeDBParameters",
            "rds:DescribeDBSubnetGroups",
            "rds:ListTagsForResource",
        ),
        write=(
            "rds:AddTagsToResource",
            "rds:CreateDBInstance",
            "rds:CreateDBParameterGroup",
            "rds:CreateDBSnapshot",
            "rds:CreateDBSubnetGroup",
            "rds:DeleteDBInstance",
            "rds:DeleteDBParameterGroup",
            "rds:DeleteDBSubnetGroup",
            "rds:ModifyDBInstance",
            "rds:ModifyDBParameterGroup",
            "rds:ModifyDBSubnetGroup",
            "rds:RebootDBInstance",
            "rds:RemoveTagsFromResource",
        ),
        resources=(
            "arn:aws:rds:*:{account}:db:{prefix}-*",
            "arn:aws:rds:*:{account}:pg:{prefix}-*",
            "arn:aws:rds:*:{account}:subgrp:{prefix}-*",
            "arn:aws:rds:*:{account}:snapshot:{prefix}-*",
        ),
    ),
    "secretsmanager": ServiceAccess(
        # No GetSecretValue for preview: reading secret values is not reading config.
        read=(
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:ListSecretVersionIds",
        ),
        write=(
            "secretsmanager:CreateSecret",
            "secretsmanager:DeleteSecret",
            "secretsmanager:DeleteResourcePolicy",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutResourcePolicy",
            "secretsmanager:PutSecretValue",
            "secretsmanager:RestoreSecret",
            "secretsmanager:TagResource",
            "secretsmanager:UntagResource",
            "secretsmanager:UpdateSecret",
        ),
        resources=(
            "arn:aws:secretsmanager:*:{account}:secret:{prefix}-*",
            # RDS-managed master passwords live under the rds! prefix.
            "arn:aws:secretsmanager:*:{account}:secret:rds!db-*",
        ),
    ),
    "sns": ServiceAccess(
        read=(
            "sns:GetSubscriptionAttributes",
            "sns:GetTopicAttributes",
            "sns:ListSubscriptionsByTopic",
            "sns:ListTagsForResource",
        ),
        write=(
            "sns:CreateTopic",
            "sns:DeleteTopic",
            "sns:SetSubscriptionAttributes",
            "sns:SetTopicAttributes",
            "sns:Subscribe",
            "sns:TagResource",
            "sns:Unsubscribe",
            "sns:UntagResource",
        ),
        resources=("arn:aws:sns:*:{account}:{prefix}-*",),
    ),
    "sqs": ServiceAccess(
        read=("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"),
        write=(
            "sqs:CreateQueue",
            "sqs:DeleteQueue",
            "sqs:SetQueueAttributes",
            "sqs:TagQueue",
            "sqs:UntagQueue",
        ),
        resources=("arn:aws:sqs:*:{account}:{prefix}-*",),
    ),
    "cloudwatch": ServiceAccess(
        read=("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
        write=(
            "cloudwatch:DeleteAlarms",
            "cloudwatch:PutMetricAlarm",
            "cloudwatch:TagResource",
            "cloudwatch:UntagResource",
        ),
        resources=("arn:aws:cloudwatch:*:{account}:alarm:{prefix}-*",),
    ),
    "logs": ServiceAccess(
        read=("logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"),
        write=(
            "logs:AssociateKmsKey",
            "logs:CreateLogGroup",
            "logs:DeleteLogGroup",
            "logs:DeleteRetentionPolicy",
            "logs:PutRetentionPolicy",
            "logs:TagResource",
            "logs:UntagResource",
        ),
        resources=(
            "arn:aws:logs:*:{account}:log-group:{prefix}-*",
            "arn:aws:logs:*:{account}:log-group:/aws/lambda/{prefix}-*",
            # The stack creates RDS's export groups first, to give them a retention.
            "arn:aws:logs:*:{account}:log-group:/aws/rds/instance/{prefix}-*",
        ),
    ),
    "lambda": ServiceAccess(
        read=(
            "lambda:GetFunction",
            "lambda:GetFunctionCodeSigningConfig",
            "lambda:GetFunctionConcurrency",
            "lambda:GetFunctionConfiguration",
            "lambda:GetFunctionUrlConfig",
            "lambda:GetPolicy",
            "lambda:ListTags",
            "lambda:ListVersionsByFunction",
        ),
        write=(
            "lambda:AddPermission",
            "lambda:CreateFunction",
            "lambda:CreateFunctionUrlConfig",
            "lambda:DeleteFunction",
            "lambda:DeleteFunctionConcurrency",
            "lambda:DeleteFunctionUrlConfig",
            "lambda:PublishVersion",
            "lambda:PutFunctionConcurrency",
            "lambda:RemovePermission",
            "lambda:TagResource",
            "lambda:UntagResource",
            "lambda:UpdateFunctionCode",
            "lambda:UpdateFunctionConfiguration",
            "lambda:UpdateFunctionUrlConfig",
        ),
        resources=("arn:aws:lambda:*:{account}:function:{prefix}-*",),
    ),
    "apigateway": ServiceAccess(
        # API Gateway authorizes by HTTP verb on the API's path.
        read=("apigateway:GET",),
        write=("apigateway:DELETE", "apigateway:PATCH", "apigateway:POST", "apigateway:PUT"),
        resources=(
            "arn:aws:apigateway:*::/apis",
            "arn:aws:apigateway:*::/apis/*",
            "arn:aws:apigateway:*::/tags/*",
        ),
    ),
    "iam": ServiceAccess(
        read=(
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:GetRole",
            "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole",
            "iam:ListPolicyVersions",
            "iam:ListRolePolicies",
        ),
        write=(
            "iam:AttachRolePolicy",
            "iam:CreatePolicy",
            "iam:CreatePolicyVersion",
            "iam:CreateRole",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:DeleteRole",
            "iam:DeleteRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePolicy",
            "iam:TagPolicy",
            "iam:TagRole",
            "iam:UntagPolicy",
            "iam:UntagRole",
            "iam:UpdateAssumeRolePolicy",
            "iam:UpdateRole",
        ),
        # The CI roles' own names do not start with the prefix, so the deployer
        # cannot rewrite its own permissions.
        resources=(
            "arn:aws:iam::{account}:role/{prefix}-*",
            "arn:aws:iam::{account}:policy/{prefix}-*",
        ),
    ),
}

# pulumi-aws module -> the IAM services its resource types call.
SERVICES_BY_MODULE: Mapping[str, tuple[str, ...]] = {
    "apigatewayv2": ("apigateway",),
    "cloudwatch": ("cloudwatch", "logs"),
}

# Managed policies hold at most 6,144 characters and a role takes ten, so
# services are grouped into a few policies rather than one each.
POLICY_GROUPS: Mapping[str, tuple[str, ...]] = {
    "storage": ("s3", "dynamodb", "sqs"),
    "network": ("ec2",),
    "data": ("rds", "secretsmanager", "kms"),
    "observability": ("cloudwatch", "logs", "sns"),
    "compute": ("lambda", "apigateway", "iam"),
}

# PassRole only towards the services that run the stacks' roles.
PASS_ROLE_SERVICES = ("lambda.amazonaws.com", "monitoring.rds.amazonaws.com")
# The first RDS instance in an account creates RDS's service-linked role.
SERVICE_LINKED_ROLES = ("rds.amazonaws.com",)


def services_for_type(type_token: str) -> tuple[str, ...]:
    """The IAM services a pulumi-aws resource type (``aws:s3/bucket:Bucket``) calls."""
    module = type_token.split(":")[1].split("/")[0]
    return SERVICES_BY_MODULE.get(module, (module,))


# Pulumi's S3 backend keeps lock files under this key prefix; previews take one too.
STATE_LOCK_PREFIX = ".pulumi/locks/"
STATE_WRITE = ("s3:DeleteObject", "s3:PutObject")
