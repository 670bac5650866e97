"""The S3-triggered indexer: notification wiring, permission, failure queue, role."""

import json

import pytest

from tooling.synth import SynthResult, synth

FUNCTION = "aws:lambda/function:Function"


def test_uploads_bucket_notifies_the_indexer(dev: SynthResult) -> None:
    """Object created and removed events of the uploads bucket go to the indexer function."""
    notification = dev.one("aws:s3/bucketNotification:BucketNotification")
    indexer = dev.one("aws:lambda/function:Function", "crosscloud-dev-indexer")
    assert notification.inputs["bucket"] == dev.outputs["aws"]["uploadsBucket"]
    assert notification.inputs["lambdaFunctions"] == [
        {
            "lambdaFunctionArn": indexer.state["arn"],
            "events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
        }
    ]
    permission = dev.one("aws:lambda/permission:Permission", "crosscloud-dev-indexer")
    assert permission.urn in notification.dependencies


def test_s3_may_invoke_only_from_the_uploads_bucket_of_this_account(dev: SynthResult) -> None:
    """The Lambda permission names the bucket ARN and the owning account."""
    permission = dev.one("aws:lambda/permission:Permission", "crosscloud-dev-indexer")
    uploads = dev.one("aws:s3/bucket:Bucket", "crosscloud-dev-uploads")
    assert permission.inputs["principal"] == "s3.amazonaws.com"
    assert permission.inputs["sourceArn"] == uploads.state["arn"]
    assert permission.inputs["sourceAccount"] == "123456789012"


def test_failed_events_go_to_an_encrypted_queue(dev: SynthResult) -> None:
    """After two retries, failures land in an SSE queue; its depth alarms."""
    queue = dev.one("aws:sqs/queue:Queue", "crosscloud-dev-indexer-failures")
    assert queue.inputs["sqsManagedSseEnabled"] is True
    config = dev.one(
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "crosscloud-dev-indexer"
    )
    assert config.inputs["maximumRetryAttempts"] == 2
    assert config.inputs["destinationConfig"] == {"onFailure": {"destination": queue.state["arn"]}}
    (alarm,) = [
        a
        for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs.get("namespace") == "AWS/SQS"
        and a.inputs["dimensions"]["QueueName"] == queue.state["name"]
    ]
    assert alarm.inputs["dimensions"] == {"QueueName": queue.state["name"]}


def test_indexer_role_reads_objects_writes_rows_and_sends_failures(dev: SynthResult) -> None:
    """The indexer may head objects in uploads, write the index table and send to its queue."""
    indexer = dev.one("aws:lambda/function:Function", "crosscloud-dev-indexer")
    role = next(
        r for r in dev.of_type("aws:iam/role:Role") if r.state["arn"] == indexer.inputs["role"]
    )
    policy = next(
        p for p in dev.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role.id
    )
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    uploads = dev.one("aws:s3/bucket:Bucket", "crosscloud-dev-uploads").state["arn"]
    assert statements["ReadObjectMetadata"]["Resource"] == [f"{uploads}/*"]
    assert statements["ReadObjectMetadata"]["Action"] == ["s3:GetObject"]
    assert statements["WriteIndexRows"]["Resource"] == [
        dev.one("aws:dynamodb/table:Table").state["arn"]
    ]
    # Conditional writes only: no read of the table (the condition needs none).
    assert statements["WriteIndexRows"]["Action"] == ["dynamodb:DeleteItem", "dynamodb:PutItem"]
    assert statements["SendFailedEvents"]["Resource"] == [
        dev.one("aws:sqs/queue:Queue", "crosscloud-dev-indexer-failures").state["arn"]
    ]
    assert sorted(statements) == [
        "ReadObjectMetadata",
        "SendFailedEvents",
        "WriteIndexRows",
        "WriteOwnLogs",
    ]
    assert (
        indexer.inputs["environment"]["variables"]["INDEX_TABLE"]
        == dev.outputs["aws"]["objectIndexTable"]
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_indexer_ships_without_a_reservation(stack: str, synths: dict[str, SynthResult]) -> None:
    """Dev and prod commit indexerReservedConcurrency 0: a new account (quota 10) cannot reserve."""
    result = synths[stack]
    assert result.config.get("crosscloud:indexerReservedConcurrency", "0") == "0"
    indexer = result.one(FUNCTION, f"crosscloud-{stack}-indexer")
    assert "reservedConcurrentExecutions" not in indexer.inputs


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_indexer_reservation_comes_from_its_own_key(stack: str) -> None:
    """indexerReservedConcurrency caps the indexer alone; the API function keeps its own key."""
    result = synth(stack, overrides={"crosscloud:indexerReservedConcurrency": "10"})
    indexer = result.one(FUNCTION, f"crosscloud-{stack}-indexer")
    api = result.one(FUNCTION, f"crosscloud-{stack}-api")
    assert indexer.inputs["reservedConcurrentExecutions"] == 10
    assert "reservedConcurrentExecutions" not in api.inputs
