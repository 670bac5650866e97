"""The emulator's resources, read from an offline synth of the stack the Pulumi program builds."""

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BUCKET = "aws:s3/bucket:Bucket"
TABLE = "aws:dynamodb/table:Table"
# Type tokens, not secret values.
SECRET = "aws:secretsmanager/secret:Secret"  # noqa: S105
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"  # noqa: S105
FUNCTION = "aws:lambda/function:Function"
NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
QUEUE = "aws:sqs/queue:Queue"
EVENT_SOURCE_MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
# The deployed API reaches RDS through these; moto has no database behind RDS, so
# make local drops them and sets DATABASE_URL (which the API prefers anyway).
RDS_VARIABLES = ("DB_SECRET_ARN", "DB_HOST", "DB_NAME", "DB_PORT", "DB_SSL_MODE")


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table's name and key schema as the program declares it."""

    name: str
    hash_key: str
    range_key: str | None
    attributes: Mapping[str, str]  # attribute name -> S | N | B


@dataclass(frozen=True)
class FunctionSpec:
    """A Lambda function as declared: handler string, timeout and environment."""

    name: str
    handler: str
    timeout_seconds: float
    env: Mapping[str, str]


@dataclass(frozen=True)
class EventSourceSpec:
    """The indexer's queue, dead-letter queue and event source mapping, as the stack sets them.

    ``make local`` creates the same queues in moto and runs the poller with these
    settings, so the local path is the deployed one (stacks/aws/indexer.py).
    """

    queue_name: str
    visibility_timeout_seconds: int
    dead_letter_queue_name: str
    max_receive_count: int
    batch_size: int
    batching_window_seconds: int
    report_batch_item_failures: bool
    # The S3 events the bucket notification sends to the queue.
    events: tuple[str, ...]


@dataclass(frozen=True)
class StackResources:
    """What the local cloud creates: the same names and shapes the stack would deploy."""

    region: str
    uploads_bucket: str
    gcs_bucket: str
    index_table: TableSpec
    # Secret name (the physical "<prefix>/<name>") -> value.
    app_secrets: Mapping[str, str]
    api_function: FunctionSpec
    indexer_function: FunctionSpec
    indexer_source: EventSourceSpec
    # The weekly report's output: the AWS reports bucket, its GCS twin, the SNS topic's name.
    reports_bucket: str = ""
    gcs_reports_bucket: str = ""
    report_topic: str = ""


def read_stack(stack: str) -> StackResources:
    """Synthesize ``stack`` offline and pick out the uploads bucket, index table and secrets.

    Application secrets get a fresh throwaway value per run: the stack file holds no
    values for the local stack, and these must never look like real ones.
    """
    # Imported here: the synth pulls in Pulumi and the provider SDKs (seconds).
    from tooling.synth import load_stack_config, placeholder_secrets, synth

    config, _ = load_stack_config(stack)
    values = {key: f"local-{secrets.token_urlsafe(16)}" for key in placeholder_secrets(config)}
    return from_synth(synth(stack, secrets=values))


def from_synth(result: Any) -> StackResources:
    """Map a ``SynthResult`` onto the resources the emulators need."""
    outputs = result.outputs["aws"]
    uploads = next(
        r for r in result.of_type(BUCKET) if r.state.get("bucket") == outputs["uploadsBucket"]
    )
    table = next(
        r for r in result.of_type(TABLE) if r.state.get("name") == outputs["objectIndexTable"]
    )
    arns = {str(arn): name for name, arn in outputs["appSecretArns"].items()}
    secret_names = {
        r.state["arn"]: r.inputs["name"]
        for r in result.of_type(SECRET)
        if r.state.get("arn") in arns
    }
    values = {
        secret_names[v.inputs["secretId"]]: str(v.inputs["secretString"])
        for v in result.of_type(SECRET_VERSION)
        if v.inputs.get("secretId") in secret_names
    }
    api = _function(result, outputs["apiFunction"])
    indexer = _function(result, outputs["indexerFunction"])
    return StackResources(
        region=str(outputs["region"]),
        uploads_bucket=str(outputs["uploadsBucket"]),
        # The same "<project>-<stack>-uploads" logical name the program gives the
        # uploads bucket; GCS names need no random suffix inside an emulator.
        gcs_bucket=uploads.name,
        index_table=TableSpec(
            name=str(outputs["objectIndexTable"]),
            hash_key=table.inputs["hashKey"],
            range_key=table.inputs.get("rangeKey"),
            attributes={a["name"]: a["type"] for a in table.inputs["attributes"]},
        ),
        app_secrets=values,
        api_function=FunctionSpec(
            api.name,
            api.handler,
            api.timeout_seconds,
            {k: v for k, v in api.env.items() if k not in RDS_VARIABLES},
        ),
        indexer_function=indexer,
        indexer_source=_event_source(result, str(outputs["uploadsBucket"]), indexer.name),
        reports_bucket=str(outputs["reportsBucket"]),
        # Named like gcs_bucket: the AWS bucket's logical name, no random suffix.
        gcs_reports_bucket=next(
            r.name
            for r in result.of_type(BUCKET)
            if r.state.get("bucket") == outputs["reportsBucket"]
        ),
        report_topic=str(outputs["reportTopicArn"]).rsplit(":", 1)[-1],
    )


def _function(result: Any, name: str) -> FunctionSpec:
    """The Lambda function the program names ``name``."""
    function = next(r for r in result.of_type(FUNCTION) if r.state.get("name") == name)
    variables = (function.inputs.get("environment") or {}).get("variables") or {}
    return FunctionSpec(
        name=name,
        handler=str(function.inputs["handler"]),
        timeout_seconds=float(function.inputs.get("timeout", 3)),
        env={str(k): str(v) for k, v in variables.items()},
    )


def _event_source(result: Any, bucket: str, function: str) -> EventSourceSpec:
    """The queue ``function`` is mapped to, its dead letters, and what the bucket sends it."""
    mapping = next(
        m for m in result.of_type(EVENT_SOURCE_MAPPING) if m.inputs["functionName"] == function
    )
    queues = {q.state["arn"]: q for q in result.of_type(QUEUE)}
    queue = queues[mapping.inputs["eventSourceArn"]]
    redrive = json.loads(queue.inputs["redrivePolicy"])
    notification = next(r for r in result.of_type(NOTIFICATION) if r.inputs["bucket"] == bucket)
    return EventSourceSpec(
        queue_name=str(queue.state["name"]),
        # SQS's default when unset, as the deployed queue would have.
        visibility_timeout_seconds=int(queue.inputs.get("visibilityTimeoutSeconds", 30)),
        dead_letter_queue_name=str(queues[redrive["deadLetterTargetArn"]].state["name"]),
        max_receive_count=int(redrive["maxReceiveCount"]),
        # Lambda's defaults for SQS when unset: 10 messages, no window.
        batch_size=int(mapping.inputs.get("batchSize", 10)),
        batching_window_seconds=int(mapping.inputs.get("maximumBatchingWindowInSeconds", 0)),
        report_batch_item_failures="ReportBatchItemFailures"
        in (mapping.inputs.get("functionResponseTypes") or []),
        events=tuple(
            event
            for target in notification.inputs.get("queues", [])
            if target["queueArn"] == queue.state["arn"]
            for event in target["events"]
        ),
    )
