"""Create the stack's AWS resources in the moto server, and route uploads to the indexer queue."""

import json
from dataclasses import dataclass
from typing import Any

import boto3

from tooling.local_cloud.stack import EventSourceSpec, StackResources, TableSpec

# Fixed dummy credentials: moto accepts any, and a developer's real ones must never be sent.
CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
# The one local difference from the stack's queue: a message the indexer reported as
# failed comes back after at most this long, not six function timeouts (180 s), so a
# retry is seen while developing. Everything else is the stack's (EventSourceSpec).
LOCAL_MAX_VISIBILITY_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class AwsEmulator:
    """Where the moto server listens and which region the stack uses."""

    endpoint: str
    region: str

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` on the emulator (boto3 ships no types: Any)."""
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=self.region, **CREDENTIALS
        )

    def env(self) -> dict[str, str]:
        """Variables that send a function's default boto3 clients here (AWS_ENDPOINT_URL)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        }


def provision(emulator: AwsEmulator, resources: StackResources) -> str:
    """Create the uploads bucket, index table, secrets and indexer queue; the queue's URL."""
    s3 = emulator.client("s3")
    bucket = resources.uploads_bucket
    if emulator.region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        location = {"LocationConstraint": emulator.region}
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=location)
    create_table(emulator.client("dynamodb"), resources.index_table)
    secretsmanager = emulator.client("secretsmanager")
    for name, value in resources.app_secrets.items():
        secretsmanager.create_secret(Name=name, SecretString=value)
    return route_notifications(emulator.client("sqs"), s3, bucket, resources.indexer_source)


def create_table(dynamodb: Any, spec: TableSpec) -> None:
    """Create the table with the declared keys, on-demand like the stack's."""
    schema = [{"AttributeName": spec.hash_key, "KeyType": "HASH"}]
    if spec.range_key:
        schema.append({"AttributeName": spec.range_key, "KeyType": "RANGE"})
    dynamodb.create_table(
        TableName=spec.name,
        KeySchema=schema,
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind} for name, kind in spec.attributes.items()
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def route_notifications(sqs: Any, s3: Any, bucket: str, source: EventSourceSpec) -> str:
    """Create the stack's queue and dead-letter queue, and notify the queue; its URL.

    The same path as the deployed stack: S3 -> SQS (redriving to the dead letters
    after ``max_receive_count`` receives) -> the poller in place of Lambda's
    event source mapping.
    """
    dead_letters = sqs.create_queue(QueueName=source.dead_letter_queue_name)["QueueUrl"]
    dead_letter_arn = _queue_arn(sqs, dead_letters)
    visibility = min(source.visibility_timeout_seconds, LOCAL_MAX_VISIBILITY_TIMEOUT_SECONDS)
    queue_url = sqs.create_queue(
        QueueName=source.queue_name,
        Attributes={
            "VisibilityTimeout": str(visibility),
            "RedrivePolicy": json.dumps(
                {
                    "deadLetterTargetArn": dead_letter_arn,
                    "maxReceiveCount": source.max_receive_count,
                }
            ),
        },
    )["QueueUrl"]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": _queue_arn(sqs, queue_url), "Events": list(source.events)}
            ]
        },
    )
    return str(queue_url)


def _queue_arn(sqs: Any, queue_url: str) -> str:
    """A queue's ARN."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def provision_report(emulator: AwsEmulator, resources: StackResources) -> tuple[str, str]:
    """The reports bucket and report topic, and a queue subscribed to the topic.

    moto's SNS delivers to SQS (not e-mail): the queue is where a local report's
    announcement can be read. Returns the topic ARN and the queue URL.
    """
    s3 = emulator.client("s3")
    if emulator.region == "us-east-1":
        s3.create_bucket(Bucket=resources.reports_bucket)
    else:
        location = {"LocationConstraint": emulator.region}
        s3.create_bucket(Bucket=resources.reports_bucket, CreateBucketConfiguration=location)
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    topic_arn = str(sns.create_topic(Name=resources.report_topic)["TopicArn"])
    inbox = str(sqs.create_queue(QueueName=f"{resources.report_topic}-inbox")["QueueUrl"])
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=inbox_arn["Attributes"]["QueueArn"])
    return topic_arn, inbox
