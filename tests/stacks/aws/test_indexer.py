"""The object indexer: uploads bucket -> SQS queue -> event source mapping -> function."""

import json
from typing import Any

import pytest

from stacks.aws import indexer as component
from tooling.synth import Resource, SynthResult, synth

FUNCTION = "aws:lambda/function:Function"
QUEUE = "aws:sqs/queue:Queue"
MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"


def _queues(result: SynthResult, stack: str = "dev") -> tuple[Resource, Resource]:
    """The event queue and its dead-letter queue."""
    return (
        result.one(QUEUE, f"crosscloud-{stack}-indexer-events"),
        result.one(QUEUE, f"crosscloud-{stack}-indexer-failures"),
    )


def _role(result: SynthResult, function: Resource) -> Resource:
    """The execution role of a function."""
    return next(
        r for r in result.of_type("aws:iam/role:Role") if r.state["arn"] == function.inputs["role"]
    )


def _policy(resource: Resource) -> dict[str, Any]:
    """The statements of a resource's JSON policy input, by Sid."""
    return {s["Sid"]: s for s in json.loads(resource.inputs["policy"])["Statement"]}


def test_uploads_bucket_notifies_the_queue(dev: SynthResult) -> None:
    """Created and removed events of the uploads bucket go to the queue, once S3 may send."""
    notification = dev.one("aws:s3/bucketNotification:BucketNotification")
    events, _ = _queues(dev)
    assert notification.inputs["bucket"] == dev.outputs["aws"]["uploadsBucket"]
    assert notification.inputs["queues"] == [
        {"queueArn": events.state["arn"], "events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}
    ]
    assert "lambdaFunctions" not in notification.inputs
    policy = dev.one(QUEUE_POLICY, "crosscloud-dev-indexer-events")
    assert policy.urn in notification.dependencies


def test_only_the_uploads_bucket_of_this_account_may_send(dev: SynthResult) -> None:
    """The queue policy allows s3.amazonaws.com to send, from that bucket ARN and account only,
    and refuses any request without TLS."""
    policy = dev.one(QUEUE_POLICY, "crosscloud-dev-indexer-events")
    events, _ = _queues(dev)
    uploads = dev.one("aws:s3/bucket:Bucket", "crosscloud-dev-uploads")
    assert policy.inputs["queueUrl"] == events.state["url"]
    statements = _policy(policy)
    assert statements["UploadsBucketNotifies"] == {
        "Sid": "UploadsBucketNotifies",
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": ["sqs:SendMessage"],
        "Resource": [events.state["arn"]],
        "Condition": {
            "ArnEquals": {"aws:SourceArn": uploads.state["arn"]},
            "StringEquals": {"aws:SourceAccount": "123456789012"},
        },
    }
    deny = statements["DenyInsecureTransport"]
    assert (deny["Effect"], deny["Principal"]) == ("Deny", "*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sorted(statements) == ["DenyInsecureTransport", "UploadsBucketNotifies"]


def test_queues_are_encrypted_and_failures_redrive_to_the_dead_letters(dev: SynthResult) -> None:
    """SSE on both; a message failed five times moves to the dead-letter queue (kept 14 days);
    the visibility timeout is six function timeouts."""
    events, dead_letters = _queues(dev)
    indexer = dev.one(FUNCTION, "crosscloud-dev-indexer")
    for queue in (events, dead_letters):
        assert queue.inputs["sqsManagedSseEnabled"] is True
        assert "kmsMasterKeyId" not in queue.inputs
    assert json.loads(events.inputs["redrivePolicy"]) == {
        "deadLetterTargetArn": dead_letters.state["arn"],
        "maxReceiveCount": 5,
    }
    assert events.inputs["visibilityTimeoutSeconds"] == 6 * indexer.inputs["timeout"] == 180
    assert dead_letters.inputs["messageRetentionSeconds"] == 14 * 24 * 3600
    assert events.inputs["messageRetentionSeconds"] < dead_letters.inputs["messageRetentionSeconds"]


def test_lambda_polls_the_queue_and_reports_batch_item_failures(dev: SynthResult) -> None:
    """One event source mapping: the queue to the indexer, partial batch failures on."""
    mapping = dev.one(MAPPING)
    events, _ = _queues(dev)
    indexer = dev.one(FUNCTION, "crosscloud-dev-indexer")
    assert mapping.inputs["eventSourceArn"] == events.state["arn"]
    assert mapping.inputs["functionName"] == indexer.state["name"]
    assert mapping.inputs["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping.inputs["batchSize"] == 10
    assert mapping.inputs["maximumBatchingWindowInSeconds"] == 1
    # No reservation: the mapping still caps parallel batches.
    assert mapping.inputs["scalingConfig"] == {"maximumConcurrency": 5}
    # Lambda checks the role may receive from the queue when the mapping is created.
    role_policy = next(
        p
        for p in dev.of_type("aws:iam/rolePolicy:RolePolicy")
        if p.inputs["role"] == _role(dev, indexer).id
    )
    assert role_policy.urn in mapping.dependencies


def test_nothing_of_the_asynchronous_invoke_is_left(dev: SynthResult) -> None:
    """No invoke config, and no permission for S3 to invoke the indexer."""
    indexer = dev.one(FUNCTION, "crosscloud-dev-indexer")
    configs = dev.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    assert all(c.inputs["functionName"] != indexer.state["name"] for c in configs)
    for permission in dev.of_type("aws:lambda/permission:Permission"):
        assert permission.inputs["principal"] != "s3.amazonaws.com"
        assert permission.inputs["function"] != indexer.state["name"]


def test_alarms_on_dead_letters_and_the_oldest_waiting_event(dev: SynthResult) -> None:
    """The dead-letter depth alarms above 0; the oldest event above its retry budget."""
    events, dead_letters = _queues(dev)
    names = {events.state["name"], dead_letters.state["name"]}
    alarms = {
        a.inputs["metricName"]: a
        for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs.get("namespace") == "AWS/SQS" and a.inputs["dimensions"]["QueueName"] in names
    }
    depth = alarms["ApproximateNumberOfMessagesVisible"]
    assert depth.inputs["dimensions"] == {"QueueName": dead_letters.state["name"]}
    assert (depth.inputs["threshold"], depth.inputs["statistic"]) == (0, "Maximum")
    age = alarms["ApproximateAgeOfOldestMessage"]
    assert age.inputs["dimensions"] == {"QueueName": events.state["name"]}
    assert age.inputs["threshold"] == 180 * 5
    assert sorted(alarms) == ["ApproximateAgeOfOldestMessage", "ApproximateNumberOfMessagesVisible"]


def test_indexer_role_reads_objects_writes_rows_and_consumes_its_queue(dev: SynthResult) -> None:
    """The indexer may head objects in uploads, write the index table and consume its queue."""
    indexer = dev.one(FUNCTION, "crosscloud-dev-indexer")
    role = _role(dev, indexer)
    policy = next(
        p for p in dev.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role.id
    )
    statements = _policy(policy)
    uploads = dev.one("aws:s3/bucket:Bucket", "crosscloud-dev-uploads").state["arn"]
    events, _ = _queues(dev)
    assert statements["ReadObjectMetadata"]["Resource"] == [f"{uploads}/*"]
    assert statements["ReadObjectMetadata"]["Action"] == ["s3:GetObject"]
    assert statements["WriteIndexRows"]["Resource"] == [
        dev.one("aws:dynamodb/table:Table").state["arn"]
    ]
    # Conditional writes only: no read of the table (the condition needs none).
    assert statements["WriteIndexRows"]["Action"] == ["dynamodb:DeleteItem", "dynamodb:PutItem"]
    assert statements["ConsumeObjectEvents"]["Resource"] == [events.state["arn"]]
    assert statements["ConsumeObjectEvents"]["Action"] == [
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
    ]
    assert sorted(statements) == [
        "ConsumeObjectEvents",
        "ReadObjectMetadata",
        "WriteIndexRows",
        "WriteOwnLogs",
    ]
    assert (
        indexer.inputs["environment"]["variables"]["INDEX_TABLE"]
        == dev.outputs["aws"]["objectIndexTable"]
    )


def test_outputs_name_both_queues(dev: SynthResult) -> None:
    """The queue and the dead-letter queue URLs are outputs (to inspect and redrive)."""
    events, dead_letters = _queues(dev)
    assert dev.outputs["aws"]["indexerQueueUrl"] == events.state["url"]
    assert dev.outputs["aws"]["indexerDeadLetterQueueUrl"] == dead_letters.state["url"]


def test_component_keeps_its_urns_through_the_rename(dev: SynthResult) -> None:
    """Indexer was ObjectIndexer: an alias of the old type keeps the URNs of what stays."""
    [indexer] = dev.of_type("crosscloud:aws:Indexer")
    assert indexer.aliases == ({"type": "crosscloud:aws:ObjectIndexer"},)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_indexer_ships_without_a_reservation(stack: str, synths: dict[str, SynthResult]) -> None:
    """Dev and prod commit indexerReservedConcurrency 0: a new account (quota 10) cannot reserve."""
    result = synths[stack]
    assert result.config.get("crosscloud:indexerReservedConcurrency", "0") == "0"
    indexer = result.one(FUNCTION, f"crosscloud-{stack}-indexer")
    assert "reservedConcurrentExecutions" not in indexer.inputs


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_indexer_reservation_comes_from_its_own_key(stack: str) -> None:
    """indexerReservedConcurrency caps the indexer alone, and the mapping's concurrency with it;
    the API function keeps its own key."""
    result = synth(stack, overrides={"crosscloud:indexerReservedConcurrency": "10"})
    indexer = result.one(FUNCTION, f"crosscloud-{stack}-indexer")
    api = result.one(FUNCTION, f"crosscloud-{stack}-api")
    assert indexer.inputs["reservedConcurrentExecutions"] == 10
    assert result.one(MAPPING).inputs["scalingConfig"] == {"maximumConcurrency": 10}
    assert "reservedConcurrentExecutions" not in api.inputs


def test_settings_are_one_set_of_constants() -> None:
    """The retry budget the age alarm uses is the queue's, derived, not a second number."""
    assert component.VISIBILITY_TIMEOUT_SECONDS == 6 * component.FUNCTION_TIMEOUT_SECONDS
    assert component.OLDEST_MESSAGE_ALARM_SECONDS == (
        component.VISIBILITY_TIMEOUT_SECONDS * component.MAX_RECEIVE_COUNT
    )
