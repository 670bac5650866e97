"""The S3-triggered indexer: uploads bucket notifications → Lambda → object index table."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.alarm import metric_alarm
from stacks.aws.iam import Statement
from stacks.aws.lambda_function import LambdaFunction, LambdaFunctionArgs
from stacks.function_archives import FunctionArchive

NOTIFIED_EVENTS = ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
# Lambda retries an asynchronous invoke twice before the on-failure destination.
RETRY_ATTEMPTS = 2
FAILURE_RETENTION_SECONDS = 14 * 24 * 60 * 60


@dataclass(frozen=True)
class ObjectIndexerArgs:
    """The bucket to watch, the table to write and the function's code."""

    bucket_name: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    archive: FunctionArchive
    function_name: str
    architecture: str
    log_retention_days: int
    alarm_topic_arn: pulumi.Input[str]
    account_id: pulumi.Input[str]
    region: str
    # A cap on parallel executions; None reserves nothing. Throttled S3 events
    # are not lost: Lambda retries an asynchronous invoke for up to six hours,
    # then hands it to the failure queue.
    reserved_concurrency: int | None = None


class ObjectIndexer(pulumi.ComponentResource):
    """Indexes every object created or removed in a bucket.

    The bucket notifies the function directly; events the function fails on
    (after Lambda's retries) land in an encrypted SQS queue whose depth alarms.
    The function may only read object metadata in that bucket, write rows in
    that table, and send to that queue.
    """

    def __init__(
        self, name: str, args: ObjectIndexerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the failure queue, function, invoke config, permission and notification."""
        super().__init__("crosscloud:aws:ObjectIndexer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.failures = aws.sqs.Queue(
            f"{name}-failures",
            sqs_managed_sse_enabled=True,
            message_retention_seconds=FAILURE_RETENTION_SECONDS,
            opts=child,
        )
        objects = pulumi.Output.concat(args.bucket_arn, "/*")
        self.function = LambdaFunction(
            name,
            LambdaFunctionArgs(
                archive=args.archive,
                handler="indexer_handler.handler",
                function_name=args.function_name,
                architecture=args.architecture,
                memory_mb=256,
                timeout_seconds=30,
                log_retention_days=args.log_retention_days,
                alarm_topic_arn=args.alarm_topic_arn,
                account_id=args.account_id,
                region=args.region,
                reserved_concurrency=args.reserved_concurrency,
                environment={"INDEX_TABLE": args.table_name, "LOG_LEVEL": "INFO"},
                statements=[
                    # HeadObject is authorized by s3:GetObject.
                    Statement(
                        sid="ReadObjectMetadata", actions=["s3:GetObject"], resources=[objects]
                    ),
                    Statement(
                        sid="WriteIndexRows",
                        # Conditional writes only: the condition is authorized with the
                        # write itself (no ReturnValues), so no read right is needed.
                        actions=["dynamodb:DeleteItem", "dynamodb:PutItem"],
                        resources=[args.table_arn],
                    ),
                    Statement(
                        sid="SendFailedEvents",
                        actions=["sqs:SendMessage"],
                        resources=[self.failures.arn],
                    ),
                ],
            ),
            opts=child,
        )
        aws.lambda_.FunctionEventInvokeConfig(
            name,
            function_name=self.function.name,
            maximum_retry_attempts=RETRY_ATTEMPTS,
            destination_config={"on_failure": {"destination": self.failures.arn}},
            opts=child,
        )
        permission = aws.lambda_.Permission(
            name,
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="s3.amazonaws.com",
            source_arn=args.bucket_arn,
            # Bucket names are global: also pin the account that owns the bucket.
            source_account=args.account_id,
            opts=child,
        )
        aws.s3.BucketNotification(
            name,
            bucket=args.bucket_name,
            lambda_functions=[
                {"lambda_function_arn": self.function.arn, "events": list(NOTIFIED_EVENTS)}
            ],
            # S3 checks that it may invoke the function when the notification is set.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]),
        )
        metric_alarm(
            f"{name}-failed-events",
            namespace="AWS/SQS",
            metric="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": self.failures.name},
            statistic="Maximum",
            threshold=0,
            comparison="GreaterThanThreshold",
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description="S3 events the indexer could not process are waiting in the failure queue.",
        )
        self.failure_queue_url = self.failures.url
        self.register_outputs(
            {"function": self.function.name, "failure_queue_url": self.failure_queue_url}
        )
