"""The camelCase inputs the rules read exist on those types in pulumi-aws v7 and pulumi-gcp v10.

A misspelt input would make a rule read None forever: "not set" for a
required setting (a false violation) or for a forbidden one (a silent pass).
"""

import inspect
import re
from collections.abc import Callable

import pytest

# Top-level inputs each rule module reads, by type.
READS: dict[str, tuple[str, ...]] = {
    "aws:s3/bucket:Bucket": (
        "acl",
        "policy",
        "serverSideEncryptionConfiguration",
        "versioning",
        "bucket",
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        "bucket",
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "bucket",
        "rules",
    ),
    "aws:s3/bucketVersioning:BucketVersioning": ("bucket", "versioningConfiguration"),
    "aws:s3/bucketPolicy:BucketPolicy": ("bucket", "policy"),
    "aws:s3/bucketAcl:BucketAcl": ("acl", "accessControlPolicy"),
    "aws:s3/bucketObjectv2:BucketObjectv2": ("acl",),
    "aws:iam/role:Role": ("assumeRolePolicy", "inlinePolicies", "tags"),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/policy:Policy": ("policy",),
    "aws:kms/key:Key": ("policy",),
    "aws:sns/topicPolicy:TopicPolicy": ("policy",),
    "aws:rds/instance:Instance": (
        "publiclyAccessible",
        "storageEncrypted",
        "backupRetentionPeriod",
        "password",
        "manageMasterUserPassword",
        "deletionProtection",
        "multiAz",
        "replicateSourceDb",
        "snapshotIdentifier",
    ),
    "aws:rds/cluster:Cluster": (
        "publiclyAccessible",
        "storageEncrypted",
        "backupRetentionPeriod",
        "masterPassword",
        "manageMasterUserPassword",
        "deletionProtection",
        "replicationSourceIdentifier",
        "snapshotIdentifier",
    ),
    "aws:rds/clusterInstance:ClusterInstance": ("publiclyAccessible",),
    "aws:dynamodb/table:Table": ("pointInTimeRecovery", "deletionProtectionEnabled"),
    "aws:lambda/function:Function": (
        "name",
        "environment",
        "loggingConfig",
        "memorySize",
        "timeout",
        "reservedConcurrentExecutions",
    ),
    "aws:lambda/codeSigningConfig:CodeSigningConfig": ("policies",),
    "aws:lambda/permission:Permission": ("principal", "sourceArn"),
    "aws:lambda/functionUrl:FunctionUrl": ("authorizationType",),
    "aws:lambda/eventSourceMapping:EventSourceMapping": (
        "eventSourceArn",
        "functionResponseTypes",
        "startingPosition",
        "selfManagedEventSource",
        "amazonManagedKafkaEventSourceConfig",
        "topics",
        "queues",
    ),
    "aws:sqs/queue:Queue": ("sqsManagedSseEnabled", "kmsMasterKeyId", "policy"),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy",),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "retentionInDays"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("alarmActions", "actionsEnabled"),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": ("alarmActions", "actionsEnabled"),
    "aws:apigatewayv2/route:Route": ("authorizationType", "routeKey"),
    "aws:ec2/securityGroup:SecurityGroup": ("ingress", "egress"),
    "aws:ec2/securityGroupRule:SecurityGroupRule": (
        "type",
        "cidrBlocks",
        "ipv6CidrBlocks",
        "protocol",
        "fromPort",
        "toPort",
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (
        "ipProtocol",
        "fromPort",
        "toPort",
        "cidrIpv4",
        "cidrIpv6",
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("cidrIpv4", "cidrIpv6"),
    "aws:ec2/subnet:Subnet": ("mapPublicIpOnLaunch",),
    "gcp:storage/bucket:Bucket": (
        "uniformBucketLevelAccess",
        "publicAccessPrevention",
        "labels",
        "logging",
    ),
    "gcp:projects/iAMAuditConfig:IAMAuditConfig": ("service", "auditLogConfigs"),
    "gcp:storage/bucketAccessControl:BucketAccessControl": ("entity",),
    "gcp:storage/bucketIAMMember:BucketIAMMember": ("role", "member"),
    "gcp:storage/bucketIAMBinding:BucketIAMBinding": ("role", "members"),
    "gcp:projects/iAMPolicy:IAMPolicy": ("policyData",),
    "gcp:sql/databaseInstance:DatabaseInstance": (
        "settings",
        "deletionProtection",
        "masterInstanceName",
    ),
    "gcp:cloudfunctionsv2/function:Function": ("serviceConfig", "buildConfig", "labels"),
    "gcp:cloudfunctions/function:Function": ("environmentVariables", "buildEnvironmentVariables"),
    "gcp:cloudrunv2/service:Service": ("template", "invokerIamDisabled"),
    "gcp:monitoring/alertPolicy:AlertPolicy": ("notificationChannels", "enabled"),
    "gcp:serviceaccount/key:Key": ("serviceAccountId",),
}


def camel(name: str) -> str:
    """The engine's name for a Python input (``memory_size`` -> ``memorySize``)."""
    return re.sub(r"_([a-z0-9])", lambda m: m[1].upper(), name)


@pytest.mark.parametrize(("type_", "inputs"), sorted(READS.items()))
def test_rules_read_real_inputs(
    type_: str, inputs: tuple[str, ...], sdk_class: Callable[[str], type]
) -> None:
    """Each input a rule reads is an input of that type."""
    init = sdk_class(type_)._internal_init  # type: ignore[attr-defined]
    accepted = {camel(p) for p in inspect.signature(init).parameters}
    assert set(inputs) - accepted == set()
