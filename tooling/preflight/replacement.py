"""A routine change never replaces or blocks a stateful resource.

Per stateful resource type: the inputs whose change replaces the resource
(``ForceNew`` in terraform-provider-aws, ``ForceNew``/``immutable`` in
terraform-provider-google and magic-modules), which of them change in normal
operation, and the inputs the cloud changes by itself that the provider does
not suppress. Three hazards follow, each a finding:

- a ``protect``-ed resource with a routinely changing replace-input: the
  routine change (rotating a secret) is refused;
- a self-changing input set without ``ignore_changes``: the next `pulumi up`
  after the cloud changed it plans a replacement or a revert;
- an explicit physical name and other replace-inputs without
  ``deleteBeforeReplace``: the replacement is created before the old one is
  deleted, under the same name, and the cloud refuses it.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tooling.preflight.findings import Finding
from tooling.synth import Resource, SynthResult

CHECK = "replacement-hazards"
_AWS = "hashicorp/terraform-provider-aws internal/service/"
_GOOGLE = "hashicorp/terraform-provider-google google/services/"
_MM = "GoogleCloudPlatform/magic-modules mmv1/products/"


@dataclass(frozen=True)
class SelfChanging:
    """An input the cloud changes after creation, when ``applies`` holds for the inputs."""

    path: str
    applies: Callable[[Mapping[str, Any]], bool]
    why: str


@dataclass(frozen=True)
class StatefulType:
    """What replaces a resource of one type, and what changes under it."""

    replace_inputs: tuple[str, ...]
    source: str
    routine: tuple[str, ...] = ()
    self_changing: tuple[SelfChanging, ...] = ()
    # The input holding the physical name, when the program may set it.
    name_input: str = ""
    # Inputs naming where the name must be unique: changing one moves the
    # replacement elsewhere, so the two never collide.
    scope_inputs: tuple[str, ...] = ("location", "project", "region")


def _autoresized_disk(inputs: Mapping[str, Any]) -> bool:
    settings = inputs.get("settings") or {}
    return bool(settings.get("diskAutoresize")) and "diskSize" in settings


def _pinned_minor_version(inputs: Mapping[str, Any]) -> bool:
    return (
        "." in str(inputs.get("engineVersion", ""))
        and inputs.get("autoMinorVersionUpgrade", True) is not False
    )


STATEFUL: Mapping[str, StatefulType] = {
    "aws:rds/instance:Instance": StatefulType(
        # identifier is renamed in place since provider v5; allocated_storage
        # under autoscaling and a major-only engine_version are suppressed
        # (DiffSuppressFunc on allocated_storage; compareActualEngineVersion).
        replace_inputs=(
            "availabilityZone",
            "characterSetName",
            "dbName",
            "engine",
            "kmsKeyId",
            "snapshotIdentifier",
            "storageEncrypted",
            "timezone",
            "username",
        ),
        name_input="identifier",
        self_changing=(
            SelfChanging(
                "engineVersion",
                _pinned_minor_version,
                "automatic minor upgrades move a pinned minor version; give the major only",
            ),
        ),
        source=_AWS + "rds/instance.go (resourceInstance schema)",
    ),
    "aws:secretsmanager/secret:Secret": StatefulType(
        replace_inputs=("name", "namePrefix"),
        name_input="name",
        source=_AWS + "secretsmanager/secret.go",
    ),
    "aws:secretsmanager/secretVersion:SecretVersion": StatefulType(
        # ForceNew through secretVersionForceNewCustomDiff.
        replace_inputs=("secretBinary", "secretId", "secretString"),
        routine=("secretBinary", "secretString"),
        source=_AWS + "secretsmanager/secret_version.go",
    ),
    "aws:dynamodb/table:Table": StatefulType(
        replace_inputs=("hashKey", "localSecondaryIndexes", "name", "rangeKey"),
        name_input="name",
        source=_AWS + "dynamodb/table.go",
    ),
    "aws:s3/bucket:Bucket": StatefulType(
        replace_inputs=("bucket", "bucketPrefix", "objectLockEnabled"),
        name_input="bucket",
        source=_AWS + "s3/bucket.go",
    ),
    # Audit records (VPC flow logs) live in a log group; its retention and KMS key
    # change in place.
    "aws:cloudwatch/logGroup:LogGroup": StatefulType(
        replace_inputs=("logGroupClass", "name", "namePrefix"),
        name_input="name",
        source=_AWS + "logs/group.go (resourceGroup schema)",
    ),
    "aws:kms/key:Key": StatefulType(
        replace_inputs=(
            "customKeyStoreId",
            "customerMasterKeySpec",
            "keyUsage",
            "multiRegion",
            "xksKeyId",
        ),
        source=_AWS + "kms/key.go",
    ),
    # The indexer's queues hold events in flight and failed ones: renaming the
    # logical name or setting a name replaces the queue and drops its messages.
    "aws:sqs/queue:Queue": StatefulType(
        replace_inputs=("fifoQueue", "name", "namePrefix"),
        name_input="name",
        source=_AWS + "sqs/queue.go",
    ),
    # Not data, but a replacement is created before the old one is deleted: for a
    # moment two mappings poll the queue (harmless, writes are idempotent). The
    # queue (eventSourceArn) or the Kafka/MQ inputs change it; function_name,
    # batching and concurrency update in place.
    "aws:lambda/eventSourceMapping:EventSourceMapping": StatefulType(
        replace_inputs=(
            "amazonManagedKafkaEventSourceConfig",
            "eventSourceArn",
            "queues",
            "selfManagedEventSource",
            "selfManagedKafkaEventSourceConfig",
            "startingPosition",
            "startingPositionTimestamp",
            "topics",
        ),
        source=_AWS + "lambda/event_source_mapping.go (ForceNew inputs)",
    ),
    # Not data, but a replaced e-mail subscription needs a new confirmation by its
    # recipient, and deleting one still pending confirmation does nothing in AWS.
    "aws:sns/topicSubscription:TopicSubscription": StatefulType(
        replace_inputs=("endpoint", "protocol", "topic"),
        source=_AWS + "sns/topic_subscription.go (endpoint, protocol, topic_arn ForceNew)",
    ),
    # Changing the queue URL moves the policy to another queue.
    "aws:sqs/queuePolicy:QueuePolicy": StatefulType(
        replace_inputs=("queueUrl",),
        source=_AWS + "sqs/queue_policy.go (queue_url ForceNew)",
    ),
    "gcp:sql/databaseInstance:DatabaseInstance": StatefulType(
        replace_inputs=("encryptionKeyName", "name", "project", "region"),
        name_input="name",
        self_changing=(
            SelfChanging(
                "settings.diskSize",
                _autoresized_disk,
                "autoresize grows the disk; the provider plans a smaller configured size as "
                "a replacement (customdiff.ForceNewIfChange on disk shrinkage)",
            ),
        ),
        source=_GOOGLE + "sql/resource_sql_database_instance.go",
    ),
    "gcp:sql/database:Database": StatefulType(
        replace_inputs=("instance", "name"),
        name_input="name",
        scope_inputs=("instance",),
        source=_MM + "sql/Database.yaml",
    ),
    "gcp:sql/user:User": StatefulType(
        replace_inputs=("host", "instance", "name", "project", "type"),
        name_input="name",
        scope_inputs=("instance", "project"),
        source=_GOOGLE + "sql/resource_sql_user.go",
    ),
    "gcp:storage/bucket:Bucket": StatefulType(
        replace_inputs=("enableObjectRetention", "location", "name", "project"),
        name_input="name",
        source=_GOOGLE + "storage/resource_storage_bucket.go",
    ),
    # Holds a week of announcements (messageRetentionDuration). kmsKeyName,
    # retention and the storage policy update in place (PATCH with updateMask).
    "gcp:pubsub/topic:Topic": StatefulType(
        replace_inputs=("name", "project"),
        name_input="name",
        source=_MM + "pubsub/Topic.yaml (name immutable)",
    ),
    # No data, but a fixed name: listed so a replacement is known to need no
    # delete-first (only name, region and project replace it, and each moves it).
    "gcp:cloudscheduler/job:Job": StatefulType(
        replace_inputs=("name", "project", "region"),
        name_input="name",
        source=_MM + "cloudscheduler/Job.yaml (name and region immutable)",
    ),
    "gcp:secretmanager/secret:Secret": StatefulType(
        replace_inputs=("project", "replication", "secretId", "tags"),
        name_input="secretId",
        source=_MM + "secretmanager/Secret.yaml",
    ),
    "gcp:secretmanager/secretVersion:SecretVersion": StatefulType(
        replace_inputs=("isSecretDataBase64", "secret", "secretData"),
        routine=("secretData",),
        source=_MM + "secretmanager/SecretVersion.yaml",
    ),
}


def _has(inputs: Mapping[str, Any], path: str) -> bool:
    """Whether a dotted input path is set."""
    node: Any = inputs
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return node is not None


def hazards(resource: Resource) -> Iterable[Finding]:
    """The findings for one resource of a type in ``STATEFUL``."""
    spec = STATEFUL[resource.type]
    inputs = resource.inputs
    kind = resource.type.rsplit(":", 1)[-1]
    routine = [path for path in spec.routine if _has(inputs, path)]
    if resource.protect and routine:
        yield Finding(
            check=CHECK,
            subject=resource.urn,
            problem=f"{kind} is protected, and changing {', '.join(routine)} (routine) "
            "replaces it, so the change is refused",
            fix="do not protect it (protect the resource it belongs to instead)",
        )
    for drift in spec.self_changing:
        if drift.applies(inputs) and drift.path not in resource.ignore_changes:
            yield Finding(
                check=CHECK,
                subject=resource.urn,
                problem=f"the cloud changes {drift.path} by itself: {drift.why}",
                fix=f'add "{drift.path}" to ignore_changes (or stop setting it)',
            )
    others = [
        path
        for path in spec.replace_inputs
        if path != spec.name_input and path not in spec.scope_inputs and _has(inputs, path)
    ]
    if (
        spec.name_input
        and _has(inputs, spec.name_input)
        and others
        and not resource.delete_before_replace
    ):
        yield Finding(
            check=CHECK,
            subject=resource.urn,
            problem=f"{kind} has a fixed {spec.name_input}, and a change of "
            f"{', '.join(others)} replaces it: the new one is created first, under the same name",
            fix="set delete_before_replace=True, or let Pulumi name it",
        )


def check(result: SynthResult) -> Iterable[Finding]:
    """Replacement hazards of every stateful resource; protection only where they are known."""
    findings = [
        finding
        for resource in result.resources
        if resource.type in STATEFUL
        for finding in hazards(resource)
    ]
    findings.extend(
        Finding(
            check=CHECK,
            subject=resource.urn,
            problem=f"{resource.type} is protected, but what replaces it is not in the table: "
            "a routine change of it may be refused",
            fix="protect only the data-holding resource (not its settings, policies or alarms), "
            "or add the type's replace inputs to tooling/preflight/replacement.py",
        )
        for resource in result.resources
        if resource.protect and resource.custom and resource.type not in STATEFUL
    )
    return findings
