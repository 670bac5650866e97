"""The IAM actions each AWS resource type of the stacks needs, read from maintained sources.

One entry per pulumi-aws type the dev and prod stacks register. ``actions``
are copied from JamesWoolfenden/pike's mapping of the Terraform resource the
type is bridged from (``src/mapping/aws/resource/<svc>/<tf_type>.json``, at
the commit named in ``source``): its apply, destroy, modify and plan lists,
plus the per-attribute actions of the attributes the stacks set. Attributes
the stacks leave unset are not copied. ``excluded`` names a pike action the
stacks do not need and why; ``added`` names a call the provider really makes
that pike misses, with where that was read. Action names are written in IAM's
canonical case (IAM compares actions case-insensitively; pike writes
``SNS:CreateTopic`` and ``cloudwatch:UnTagResource``).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

PIKE = "JamesWoolfenden/pike src/mapping/aws/resource/"
PROVIDER = "hashicorp/terraform-provider-aws internal/service/"

# Reasons used more than once.
_NO_EC2 = "pike lists it for every resource; an S3 or Lambda sub-resource makes no EC2 call"
_TAGS_V5 = (
    "the provider tags log groups with logs:TagResource/UntagResource since v5 "
    "(TagLogGroup is deprecated)"
)
_LAMBDA_VPC = (
    "Lambda checks the caller may describe the VPC, subnets and security groups of "
    "vpc_config (Lambda developer guide, 'Configuring VPC access: IAM permissions')"
)
_RDS_MANAGED = (
    "manage_master_user_password: RDS creates, tags and rotates the rds!db-* secret in "
    "the caller's name (RDS user guide, 'Permissions required for Secrets Manager integration')"
)
_SG_RULE_TAGS = (
    f"{PROVIDER}ec2/vpc_security_group_ingress_rule.go (shared by the egress rule "
    "@d2b7f56a7c451244abd1e467109ba703bd9eedd3) tags the new rule with a separate "
    "CreateTags call after AuthorizeSecurityGroupEgress, and updates tags with "
    "CreateTags/DeleteTags (@Tags identifierAttribute=id); pike lists no tag call"
)
_LOG_DELIVERY = (
    "access_log_settings: API Gateway sets up CloudWatch Logs delivery in the caller's "
    "name (API Gateway developer guide, 'Configure logging for HTTP APIs')"
)
_APIGW_V2 = (
    "no pike mapping for this type; API Gateway V2 authorizes every management call by "
    "HTTP verb on the resource path (Service Authorization Reference, Amazon API Gateway "
    "Management V2), so create/read/update/delete are POST/GET/PATCH/DELETE, as pike "
    "lists for aws_apigatewayv2_api"
)


@dataclass(frozen=True)
class RequiredActions:
    """What one resource type needs, where that was read, and the changes made to it."""

    terraform: str
    source: str
    actions: tuple[str, ...]
    added: Mapping[str, str] = field(default_factory=dict)
    excluded: Mapping[str, str] = field(default_factory=dict)

    @property
    def required(self) -> frozenset[str]:
        """The source's actions without the excluded ones, plus the added ones."""
        return frozenset(self.actions) - frozenset(self.excluded) | frozenset(self.added)


def _pike(path: str, commit: str) -> str:
    """A pike mapping file at a commit, as the citation for an entry."""
    return f"{PIKE}{path} @ {commit}"


_APIGW_VERBS = (
    "apigateway:DELETE",
    "apigateway:GET",
    "apigateway:PATCH",
    "apigateway:POST",
    "apigateway:PUT",
)

REQUIRED: Mapping[str, RequiredActions] = {
    "aws:apigatewayv2/api:Api": RequiredActions(
        "aws_apigatewayv2_api",
        _pike("apigateway/aws_apigatewayv2_api.json", "dd2b1aeab20b94981f5ec530938bae07fa12fbb0"),
        _APIGW_VERBS,
    ),
    "aws:apigatewayv2/integration:Integration": RequiredActions(
        "aws_apigatewayv2_integration", _APIGW_V2, _APIGW_VERBS
    ),
    "aws:apigatewayv2/route:Route": RequiredActions(
        "aws_apigatewayv2_route", _APIGW_V2, _APIGW_VERBS
    ),
    "aws:apigatewayv2/stage:Stage": RequiredActions(
        "aws_apigatewayv2_stage",
        _APIGW_V2,
        _APIGW_VERBS,
        added={
            "logs:CreateLogDelivery": _LOG_DELIVERY,
            "logs:DeleteLogDelivery": _LOG_DELIVERY,
            "logs:DescribeLogGroups": _LOG_DELIVERY,
            "logs:DescribeResourcePolicies": _LOG_DELIVERY,
            "logs:GetLogDelivery": _LOG_DELIVERY,
            "logs:ListLogDeliveries": _LOG_DELIVERY,
            "logs:PutResourcePolicy": _LOG_DELIVERY,
            "logs:UpdateLogDelivery": _LOG_DELIVERY,
        },
    ),
    "aws:cloudwatch/logGroup:LogGroup": RequiredActions(
        "aws_cloudwatch_log_group",
        _pike("logs/aws_cloudwatch_log_group.json", "c2a292604cf6d0cf1be01a28ba5fac9435cfda7b"),
        (
            "logs:CreateLogGroup",
            "logs:DeleteLogGroup",
            "logs:DeleteRetentionPolicy",
            "logs:DescribeLogGroups",
            "logs:ListTagsForResource",
            "logs:ListTagsLogGroup",
            "logs:PutRetentionPolicy",
            "logs:TagLogGroup",
            "logs:UntagLogGroup",
        ),
        added={"logs:TagResource": _TAGS_V5, "logs:UntagResource": _TAGS_V5},
        excluded={"logs:TagLogGroup": _TAGS_V5, "logs:UntagLogGroup": _TAGS_V5},
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": RequiredActions(
        "aws_cloudwatch_metric_alarm",
        _pike(
            "cloudwatch/aws_cloudwatch_metric_alarm.json",
            "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82",
        ),
        (
            "cloudwatch:DeleteAlarms",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:ListTagsForResource",
            "cloudwatch:PutMetricAlarm",
            "cloudwatch:TagResource",
            "cloudwatch:UntagResource",
        ),
    ),
    "aws:dynamodb/table:Table": RequiredActions(
        "aws_dynamodb_table",
        _pike("dynamodb/aws_dynamodb_table.json", "18c8cf4c005de24bfcb31fbcff8a5dc04c0720f3"),
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
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": RequiredActions(
        "aws_default_security_group",
        _pike("ec2/aws_default_security_group.json", "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82"),
        (
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateTags",
            "ec2:DeleteTags",
            "ec2:DescribeSecurityGroups",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
        ),
        excluded={
            "ec2:AuthorizeSecurityGroupEgress": "the stacks set no rules: it only revokes AWS's",
            "ec2:AuthorizeSecurityGroupIngress": "the stacks set no rules: it only revokes AWS's",
        },
    ),
    "aws:ec2/flowLog:FlowLog": RequiredActions(
        "aws_flow_log",
        _pike("ec2/aws_flow_log.json", "226a2fb90ddac4ae08593eb3fd133a3b3cb2f937"),
        (
            "ec2:CreateFlowLogs",
            "ec2:CreateTags",
            "ec2:DeleteFlowLogs",
            "ec2:DeleteTags",
            "ec2:DescribeAccountAttributes",
            "ec2:DescribeFlowLogs",
            "iam:PassRole",
            "logs:CreateLogDelivery",
        ),
        excluded={
            "logs:CreateLogDelivery": (
                "log_destination is a CloudWatch Logs group written through iam_role_arn; "
                "log deliveries are for S3 and Firehose destinations (VPC user guide, "
                "'Publish flow logs to Amazon S3')"
            ),
        },
    ),
    "aws:ec2/routeTable:RouteTable": RequiredActions(
        "aws_route_table",
        _pike("ec2/aws_route_table.json", "dd2b1aeab20b94981f5ec530938bae07fa12fbb0"),
        (
            "ec2:CreateRouteTable",
            "ec2:CreateTags",
            "ec2:DeleteRouteTable",
            "ec2:DeleteTags",
            "ec2:DescribeAccountAttributes",
            "ec2:DescribeRouteTables",
        ),
    ),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": RequiredActions(
        "aws_route_table_association",
        _pike("ec2/aws_route_table_association.json", "7865150f11fb0560200be38c7afb0bc581bb20d7"),
        (
            "ec2:AssociateRouteTable",
            "ec2:DescribeAccountAttributes",
            "ec2:DescribeRouteTables",
            "ec2:DescribeSubnets",
            "ec2:DisassociateRouteTable",
            "ec2:ReplaceRouteTableAssociation",
        ),
    ),
    "aws:ec2/securityGroup:SecurityGroup": RequiredActions(
        "aws_security_group",
        _pike("ec2/aws_security_group.json", "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82"),
        (
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateSecurityGroup",
            "ec2:CreateTags",
            "ec2:DeleteSecurityGroup",
            "ec2:DeleteTags",
            "ec2:DescribeAccountAttributes",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
        ),
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": RequiredActions(
        "aws_vpc_security_group_egress_rule",
        _pike(
            "ec2/aws_vpc_security_group_egress_rule.json",
            "d72221e4aef7aef2646fb1bd5595aefb7959eaf4",
        ),
        (
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:DescribeSecurityGroupRules",
            "ec2:RevokeSecurityGroupEgress",
        ),
        added={
            "ec2:CreateTags": _SG_RULE_TAGS,
            "ec2:DeleteTags": _SG_RULE_TAGS,
            "ec2:ModifySecurityGroupRules": (
                f"{PROVIDER}ec2/vpc_security_group_ingress_rule.go "
                "securityGroupRuleResource.Update changes a rule in place with "
                "ModifySecurityGroupRules (pike lists no modify call)"
            ),
        },
    ),
    "aws:ec2/subnet:Subnet": RequiredActions(
        "aws_subnet",
        _pike("ec2/aws_subnet.json", "0ab054b894c2f33880daf02d10e035d4ae6eb462"),
        (
            "ec2:CreateSubnet",
            "ec2:CreateTags",
            "ec2:DeleteSubnet",
            "ec2:DeleteTags",
            "ec2:DescribeAccountAttributes",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
        ),
    ),
    "aws:ec2/vpc:Vpc": RequiredActions(
        "aws_vpc",
        _pike("ec2/aws_vpc.json", "7865150f11fb0560200be38c7afb0bc581bb20d7"),
        (
            "ec2:CreateTags",
            "ec2:CreateVpc",
            "ec2:DeleteTags",
            "ec2:DeleteVpc",
            "ec2:DescribeAccountAttributes",
            "ec2:DescribeNetworkAcls",
            "ec2:DescribeVpcAttribute",
            "ec2:DescribeVpcs",
            "ec2:ModifyVpcAttribute",
            "ec2:ModifyVpcTenancy",
        ),
        excluded={"ec2:ModifyVpcTenancy": "instance_tenancy is not set (default tenancy)"},
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": RequiredActions(
        "aws_vpc_endpoint",
        _pike("ec2/aws_vpc_endpoint.json", "7202c2fac49933068e89831369ee1050d995d0a1"),
        (
            "ec2:CreateTags",
            "ec2:CreateVpcEndpoint",
            "ec2:DeleteTags",
            "ec2:DeleteVpcEndpoints",
            "ec2:DescribePrefixLists",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcEndpoints",
            "ec2:ModifyVpcEndpoint",
            "vpc-lattice:CreateServiceNetworkVpcEndpointAssociation",
            "vpc-lattice:DescribeServiceNetworkVpcEndpointAssociation",
        ),
        added={
            "route53:AssociateVPCWithHostedZone": (
                "private_dns_enabled on the Secrets Manager interface endpoint: EC2 associates "
                "the VPC with the service's private hosted zone in the caller's name (Service "
                "Authorization Reference: dependent action of ec2:CreateVpcEndpoint)"
            ),
        },
        excluded={
            "vpc-lattice:CreateServiceNetworkVpcEndpointAssociation": (
                "only for ServiceNetwork endpoints; the stacks create Gateway and Interface ones"
            ),
            "vpc-lattice:DescribeServiceNetworkVpcEndpointAssociation": (
                "only for ServiceNetwork endpoints; the stacks create Gateway and Interface ones"
            ),
        },
    ),
    "aws:iam/role:Role": RequiredActions(
        "aws_iam_role",
        _pike("iam/aws_iam_role.json", "7865150f11fb0560200be38c7afb0bc581bb20d7"),
        (
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:DeleteRolePermissionsBoundary",
            "iam:GetRole",
            "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole",
            "iam:ListRolePolicies",
            "iam:PutRolePermissionsBoundary",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:UpdateRoleDescription",
        ),
        added={
            "iam:UpdateAssumeRolePolicy": (
                f"{PROVIDER}iam/role.go calls it when assume_role_policy changes (pike omits it)"
            ),
        },
        excluded={
            "iam:DeleteRolePermissionsBoundary": (
                "every stack role keeps the boundary; the deploy role is denied removing one"
            ),
        },
    ),
    "aws:iam/rolePolicy:RolePolicy": RequiredActions(
        "aws_iam_role_policy",
        _pike("iam/aws_iam_role_policy.json", "dd2b1aeab20b94981f5ec530938bae07fa12fbb0"),
        ("iam:DeleteRolePolicy", "iam:GetRolePolicy", "iam:PutRolePolicy"),
    ),
    "aws:kms/key:Key": RequiredActions(
        "aws_kms_key",
        _pike("kms/aws_kms_key.json", "18c8cf4c005de24bfcb31fbcff8a5dc04c0720f3"),
        (
            "kms:CreateKey",
            "kms:DescribeKey",
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
    ),
    "aws:lambda/eventSourceMapping:EventSourceMapping": RequiredActions(
        "aws_lambda_event_source_mapping",
        _pike(
            "lambda/aws_lambda_event_source_mapping.json",
            "ebcdc8191c09d48cd92477939a81bee68ad8faca",
        ),
        # apply/destroy/modify/plan, plus the tags attribute: the provider's
        # default_tags tag every mapping (kms_key_arn is not set).
        (
            "lambda:CreateEventSourceMapping",
            "lambda:DeleteEventSourceMapping",
            "lambda:GetEventSourceMapping",
            "lambda:ListTags",
            "lambda:TagResource",
            "lambda:UntagResource",
            "lambda:UpdateEventSourceMapping",
        ),
    ),
    "aws:lambda/function:Function": RequiredActions(
        "aws_lambda_function",
        _pike("lambda/aws_lambda_function.json", "7865150f11fb0560200be38c7afb0bc581bb20d7"),
        (
            "ec2:DescribeAccountAttributes",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:DeleteFunction",
            "lambda:GetFunction",
            "lambda:GetFunctionCodeSigningConfig",
            "lambda:ListVersionsByFunction",
            "lambda:TagResource",
            "lambda:UntagResource",
        ),
        added={
            "lambda:UpdateFunctionCode": (
                f"{PROVIDER}lambda/function.go resourceFunctionUpdate @ "
                "0156d84e6bb47e4a5fe0c8e87cf2d14fb1dc3b8c (pike lists no update calls)"
            ),
            "lambda:UpdateFunctionConfiguration": (
                f"{PROVIDER}lambda/function.go resourceFunctionUpdate @ "
                "0156d84e6bb47e4a5fe0c8e87cf2d14fb1dc3b8c"
            ),
            "lambda:PutFunctionConcurrency": (
                "reserved_concurrent_executions: resourceFunctionCreate/Update in "
                f"{PROVIDER}lambda/function.go @ 0156d84e6bb47e4a5fe0c8e87cf2d14fb1dc3b8c"
            ),
            "lambda:DeleteFunctionConcurrency": (
                "reserved_concurrent_executions removed (the setting is optional per stack): "
                f"{PROVIDER}lambda/function.go"
            ),
            "ec2:DescribeSubnets": _LAMBDA_VPC,
            "ec2:DescribeVpcs": _LAMBDA_VPC,
        },
    ),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": RequiredActions(
        "aws_lambda_function_event_invoke_config",
        _pike(
            "lambda/aws_lambda_function_event_invoke_config.json",
            "a37404e260dbbbf0e19aa73dd26d72041ca7b663",
        ),
        (
            "ec2:DescribeAccountAttributes",
            "lambda:DeleteFunctionEventInvokeConfig",
            "lambda:GetFunctionEventInvokeConfig",
            "lambda:PutFunctionEventInvokeConfig",
            "lambda:UpdateFunctionEventInvokeConfig",
        ),
        excluded={"ec2:DescribeAccountAttributes": _NO_EC2},
    ),
    "aws:lambda/permission:Permission": RequiredActions(
        "aws_lambda_permission",
        _pike("lambda/aws_lambda_permission.json", "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82"),
        ("iam:PassRole", "lambda:AddPermission", "lambda:GetPolicy", "lambda:RemovePermission"),
        excluded={"iam:PassRole": "AddPermission passes no role: it edits the function policy"},
    ),
    "aws:rds/instance:Instance": RequiredActions(
        "aws_db_instance",
        _pike("rds/aws_db_instance.json", "1009a42cc463e04d318a9a70857b920eb50edd17"),
        (
            "ec2:DescribeAccountAttributes",
            # monitoring_role_arn, set when dbMonitoringIntervalSeconds > 0.
            "iam:PassRole",
            "rds:AddTagsToResource",
            "rds:CreateDBInstance",
            "rds:DeleteDBInstance",
            "rds:DescribeDBInstances",
            "rds:ListTagsForResource",
            "rds:ModifyDBInstance",
            "rds:RemoveTagsFromResource",
        ),
        added={
            "rds:CreateDBSnapshot": (
                "final_snapshot_identifier (prod): DeleteDBInstance takes the final snapshot "
                "in the caller's name"
            ),
            "iam:CreateServiceLinkedRole": (
                "the first RDS resource in an account creates AWSServiceRoleForRDS"
            ),
            "secretsmanager:CreateSecret": _RDS_MANAGED,
            "secretsmanager:TagResource": _RDS_MANAGED,
            "secretsmanager:RotateSecret": _RDS_MANAGED,
            "secretsmanager:DeleteSecret": _RDS_MANAGED + "; deleting the instance deletes it",
            "kms:DescribeKey": _RDS_MANAGED + "; it looks up the aws/secretsmanager key",
        },
    ),
    "aws:rds/parameterGroup:ParameterGroup": RequiredActions(
        "aws_db_parameter_group",
        _pike("rds/aws_db_parameter_group.json", "7865150f11fb0560200be38c7afb0bc581bb20d7"),
        (
            "iam:CreateServiceLinkedRole",
            "rds:AddTagsToResource",
            "rds:CreateDBParameterGroup",
            "rds:DeleteDBParameterGroup",
            "rds:DescribeDBParameterGroups",
            "rds:DescribeDBParameters",
            "rds:ListTagsForResource",
            "rds:ModifyDBParameterGroup",
            "rds:RemoveTagsFromResource",
        ),
        added={
            "rds:ResetDBParameterGroup": (
                "a parameter dropped from the list is reset to its default "
                "(terraform-provider-aws rds/parameter_group.go, update)"
            ),
        },
    ),
    "aws:rds/subnetGroup:SubnetGroup": RequiredActions(
        "aws_db_subnet_group",
        _pike("rds/aws_db_subnet_group.json", "a37404e260dbbbf0e19aa73dd26d72041ca7b663"),
        (
            "iam:CreateServiceLinkedRole",
            "rds:AddTagsToResource",
            "rds:CreateDBSubnetGroup",
            "rds:DeleteDBSubnetGroup",
            "rds:DescribeDBSubnetGroups",
            "rds:ListTagsForResource",
            "rds:ModifyDBSubnetGroup",
            "rds:RemoveTagsFromResource",
        ),
    ),
    "aws:s3/bucket:Bucket": RequiredActions(
        "aws_s3_bucket",
        _pike("s3/aws_s3_bucket.json", "fd336490568af7f7c309836dd16026e6525bfa4d"),
        (
            "s3:CreateBucket",
            "s3:DeleteBucket",
            "s3:GetAccelerateConfiguration",
            "s3:GetBucketAcl",
            "s3:GetBucketCORS",
            "s3:GetBucketLogging",
            "s3:GetBucketObjectLockConfiguration",
            "s3:GetBucketPolicy",
            "s3:GetBucketRequestPayment",
            "s3:GetBucketTagging",
            "s3:GetBucketVersioning",
            "s3:GetBucketWebsite",
            "s3:GetEncryptionConfiguration",
            "s3:GetLifecycleConfiguration",
            "s3:GetObject",
            "s3:GetObjectAcl",
            "s3:GetReplicationConfiguration",
            "s3:ListBucket",
            "s3:PutBucketTagging",
        ),
        added={
            "s3:ListBucketVersions": "force_destroy (dev): the provider empties every version",
            "s3:DeleteObject": "force_destroy (dev): the provider empties every version",
            "s3:DeleteObjectVersion": "force_destroy (dev): the provider empties every version",
        },
        excluded={
            "s3:GetObject": "reading a bucket reads no objects",
            "s3:GetObjectAcl": "reading a bucket reads no objects",
        },
    ),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": RequiredActions(
        "aws_s3_bucket_cors_configuration",
        _pike(
            "s3/aws_s3_bucket_cors_configuration.json",
            "f74ef29bdc198dc05d3d70018b720a5ca690c529",
        ),
        ("ec2:DescribeAccountAttributes", "s3:GetBucketCORS", "s3:PutBucketCORS"),
        excluded={"ec2:DescribeAccountAttributes": _NO_EC2},
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": RequiredActions(
        "aws_s3_bucket_lifecycle_configuration",
        _pike(
            "s3/aws_s3_bucket_lifecycle_configuration.json",
            "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82",
        ),
        (
            "s3:GetBucketLogging",
            "s3:GetLifecycleConfiguration",
            "s3:PutBucketLogging",
            "s3:PutLifecycleConfiguration",
        ),
        excluded={
            "s3:GetBucketLogging": (
                "Get/Put/DeleteBucketLifecycle are authorized by s3:Get/PutLifecycleConfiguration "
                "(Service Authorization Reference); logging is another resource"
            ),
            "s3:PutBucketLogging": (
                "DeleteBucketLifecycle is authorized by s3:PutLifecycleConfiguration"
            ),
        },
    ),
    "aws:s3/bucketLogging:BucketLogging": RequiredActions(
        "aws_s3_bucket_logging",
        _pike("s3/aws_s3_bucket_logging.json", "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82"),
        ("s3:GetBucketLogging", "s3:PutBucketLogging"),
    ),
    "aws:s3/bucketNotification:BucketNotification": RequiredActions(
        "aws_s3_bucket_notification",
        _pike("s3/aws_s3_bucket_notification.json", "010919e618457bc9c8f5d7cb00fe3e1e3d80a4e5"),
        ("s3:GetBucketNotification", "s3:PutBucketNotification"),
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": RequiredActions(
        "aws_s3_bucket_ownership_controls",
        _pike(
            "s3/aws_s3_bucket_ownership_controls.json",
            "18c8cf4c005de24bfcb31fbcff8a5dc04c0720f3",
        ),
        ("s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
    ),
    "aws:s3/bucketPolicy:BucketPolicy": RequiredActions(
        "aws_s3_bucket_policy",
        _pike("s3/aws_s3_bucket_policy.json", "7865150f11fb0560200be38c7afb0bc581bb20d7"),
        ("s3:DeleteBucketPolicy", "s3:GetBucketPolicy", "s3:PutBucketPolicy"),
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": RequiredActions(
        "aws_s3_bucket_public_access_block",
        _pike(
            "s3/aws_s3_bucket_public_access_block.json",
            "dd2b1aeab20b94981f5ec530938bae07fa12fbb0",
        ),
        ("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        RequiredActions(
            "aws_s3_bucket_server_side_encryption_configuration",
            _pike(
                "s3/aws_s3_bucket_server_side_encryption_configuration.json",
                "dd2b1aeab20b94981f5ec530938bae07fa12fbb0",
            ),
            ("s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"),
        )
    ),
    "aws:s3/bucketVersioning:BucketVersioning": RequiredActions(
        "aws_s3_bucket_versioning",
        _pike("s3/aws_s3_bucket_versioning.json", "dd2b1aeab20b94981f5ec530938bae07fa12fbb0"),
        ("s3:GetBucketVersioning", "s3:PutBucketVersioning"),
    ),
    "aws:scheduler/schedule:Schedule": RequiredActions(
        "aws_scheduler_schedule",
        _pike("scheduler/aws_scheduler_schedule.json", "a37404e260dbbbf0e19aa73dd26d72041ca7b663"),
        (
            "iam:PassRole",
            "scheduler:CreateSchedule",
            "scheduler:DeleteSchedule",
            "scheduler:GetSchedule",
            "scheduler:UpdateSchedule",
        ),
    ),
    "aws:secretsmanager/secret:Secret": RequiredActions(
        "aws_secretsmanager_secret",
        _pike(
            "secretsmanager/aws_secretsmanager_secret.json",
            "a37404e260dbbbf0e19aa73dd26d72041ca7b663",
        ),
        (
            "secretsmanager:CreateSecret",
            "secretsmanager:DeleteSecret",
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:TagResource",
            "secretsmanager:UntagResource",
        ),
    ),
    "aws:secretsmanager/secretVersion:SecretVersion": RequiredActions(
        "aws_secretsmanager_secret_version",
        _pike(
            "secretsmanager/aws_secretsmanager_secret_version.json",
            "dd2b1aeab20b94981f5ec530938bae07fa12fbb0",
        ),
        ("secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"),
        added={
            "secretsmanager:UpdateSecretVersionStage": (
                f"{PROVIDER}secretsmanager/secret_version.go deletes a version by removing "
                "its staging labels (pike lists no destroy call)"
            ),
        },
    ),
    "aws:sns/topic:Topic": RequiredActions(
        "aws_sns_topic",
        _pike("sns/aws_sns_topic.json", "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82"),
        (
            "sns:CreateTopic",
            "sns:DeleteTopic",
            "sns:GetTopicAttributes",
            "sns:ListTagsForResource",
            "sns:SetTopicAttributes",
            "sns:TagResource",
            "sns:UntagResource",
        ),
    ),
    "aws:sns/topicPolicy:TopicPolicy": RequiredActions(
        "aws_sns_topic_policy",
        _pike("sns/aws_sns_topic_policy.json", "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82"),
        ("sns:GetTopicAttributes", "sns:SetTopicAttributes"),
    ),
    "aws:sns/topicSubscription:TopicSubscription": RequiredActions(
        "aws_sns_topic_subscription",
        _pike("sns/aws_sns_topic_subscription.json", "746408b721b39f9bf6d936bff8c6fb93caad1485"),
        ("sns:GetSubscriptionAttributes", "sns:Subscribe", "sns:Unsubscribe"),
    ),
    "aws:sqs/queue:Queue": RequiredActions(
        "aws_sqs_queue",
        _pike("sqs/aws_sqs_queue.json", "3cd2e81d3a6ab0e3e3d114cc60f8287740c5ee82"),
        (
            "sqs:CreateQueue",
            "sqs:DeleteQueue",
            "sqs:GetQueueAttributes",
            "sqs:ListQueueTags",
            "sqs:SetQueueAttributes",
            "sqs:TagQueue",
            "sqs:UntagQueue",
        ),
    ),
    "aws:sqs/queuePolicy:QueuePolicy": RequiredActions(
        "aws_sqs_queue_policy",
        _pike("sqs/aws_sqs_queue_policy.json", "dd2b1aeab20b94981f5ec530938bae07fa12fbb0"),
        # The policy is the queue's Policy attribute: set, read back, emptied on delete.
        ("sqs:GetQueueAttributes", "sqs:ListQueueTags", "sqs:SetQueueAttributes"),
    ),
}


def required_actions(type_token: str) -> frozenset[str]:
    """The actions a pulumi-aws type needs; empty for a type this table does not know."""
    entry = REQUIRED.get(type_token)
    return entry.required if entry is not None else frozenset()


def all_required_actions() -> frozenset[str]:
    """Every action some type of the stacks needs."""
    return frozenset().union(*(entry.required for entry in REQUIRED.values()))
