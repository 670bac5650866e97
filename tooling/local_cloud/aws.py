"""Create the stack's AWS resources in the moto server, and route uploads to the indexer queue."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3

from tooling.local_cloud.stack import StackResources, TableSpec

# Fixed dummy credentials: moto accepts any, and a developer's real ones must never be sent.
CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
# A message the indexer reported as failed comes back after this long (Lambda's retry).
VISIBILITY_TIMEOUT_SECONDS = 5


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
    queue = f"{resources.indexer_function.name}-events"
    return route_notifications(emulator.client("sqs"), s3, bucket, queue, resources.indexer_events)


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


def route_notifications(
    sqs: Any, s3: Any, bucket: str, queue_name: str, events: Sequence[str]
) -> str:
    """Send the bucket's ``events`` (those the stack sends the indexer) to a new queue; its URL.

    moto drops S3 -> Lambda notifications (it runs Lambda only in Docker), so the
    bucket notifies a queue and the local poller plays Lambda's SQS trigger.
    """
    queue_url = sqs.create_queue(
        QueueName=queue_name,
        Attributes={"VisibilityTimeout": str(VISIBILITY_TIMEOUT_SECONDS)},
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": arn["Attributes"]["QueueArn"], "Events": list(events)}
            ]
        },
    )
    return str(queue_url)


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
