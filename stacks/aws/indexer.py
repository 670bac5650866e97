"""The object indexer: uploads bucket -> SQS queue -> Lambda event source mapping -> table.

The same path runs under ``make local`` (moto's S3 notifies a queue and
``tooling/local_cloud/sqs_poller.py`` plays the event source mapping), which
reads the settings below from the synthesized stack, so both run one path.
"""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.alarm import ALARM_PERIOD_SECONDS, metric_alarm
from stacks.aws.iam import Statement, policy_document
from stacks.aws.lambda_function import LambdaFunction, LambdaFunctionArgs
from stacks.aws.queue_policies import deny_insecure_queue_access, tls_only_queue_policy
from stacks.function_archives import FunctionArchive

NOTIFIED_EVENTS = ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
FUNCTION_TIMEOUT_SECONDS = 30
# AWS guidance for SQS event sources: a visibility timeout of at least six times
# the function timeout, so a batch Lambda retries after throttling is not handed
# out again while still in flight (tooling/preflight/event_sources.py checks it).
VISIBILITY_TIMEOUT_FACTOR = 6
VISIBILITY_TIMEOUT_SECONDS = VISIBILITY_TIMEOUT_FACTOR * FUNCTION_TIMEOUT_SECONDS
# Ten messages (S3 puts one record in each) per invocation, gathered for up to a
# second: bursts of uploads cost fewer invocations, a lone upload waits 1 s at most.
BATCH_SIZE = 10
BATCHING_WINDOW_SECONDS = 1
# A message reported failed this many times moves to the dead-letter queue.
MAX_RECEIVE_COUNT = 5
EVENT_RETENTION_SECONDS = 4 * 24 * 60 * 60
# The longest SQS keeps a message: time to inspect and redrive failures.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60
# Without a reservation, the event source mapping still caps parallel batches
# (maximum concurrency needs no account quota); with one, it matches it, so the
# mapping never invokes into throttles that would use up receive counts.
DEFAULT_MAX_CONCURRENCY = 5
# A message older than its whole retry budget is stuck, not slow.
OLDEST_MESSAGE_ALARM_SECONDS = VISIBILITY_TIMEOUT_SECONDS * MAX_RECEIVE_COUNT


@dataclass(frozen=True)
class IndexerArgs:
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
    # A cap on parallel executions; None reserves nothing. Otherwise at least 2,
    # the smallest maximum concurrency an event source mapping takes.
    reserved_concurrency: int | None = None


class Indexer(pulumi.ComponentResource):
    """Indexes every object created or removed in a bucket, through an SQS queue.

    S3 sends its notifications to an encrypted queue that only that bucket, in
    this account, may send to; Lambda polls it in batches and deletes what the
    function did not report as failed. A message that fails ``MAX_RECEIVE_COUNT``
    times moves to the dead-letter queue, whose depth alarms, as does the age of
    the queue's oldest message. The function may only read object metadata in
    the bucket, write rows in the table and consume its queue.
    """

    def __init__(
        self, name: str, args: IndexerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the queues, queue policy, function, event source mapping and notification."""
        # Named ObjectIndexer before: the alias keeps the URNs of what stays (the
        # function, its role and log group, the dead-letter queue, the notification).
        aliased = pulumi.ResourceOptions(
            aliases=[pulumi.Alias(type_="crosscloud:aws:ObjectIndexer")]
        )
        super().__init__(
            "crosscloud:aws:Indexer", name, None, pulumi.ResourceOptions.merge(opts, aliased)
        )
        child = pulumi.ResourceOptions(parent=self)

        # The failure queue of the asynchronous-invoke design, kept under its
        # logical name so the messages it may hold survive the change.
        self.dead_letters = aws.sqs.Queue(
            f"{name}-failures",
            sqs_managed_sse_enabled=True,
            message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            opts=child,
        )
        tls_only_queue_policy(f"{name}-failures", self.dead_letters, child)
        self.queue = aws.sqs.Queue(
            f"{name}-events",
            # SSE-SQS, not KMS: S3 can publish to it without a key policy grant.
            sqs_managed_sse_enabled=True,
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
            message_retention_seconds=EVENT_RETENTION_SECONDS,
            redrive_policy=pulumi.Output.json_dumps(
                {"deadLetterTargetArn": self.dead_letters.arn, "maxReceiveCount": MAX_RECEIVE_COUNT}
            ),
            opts=child,
        )
        queue_policy = aws.sqs.QueuePolicy(
            f"{name}-events",
            queue_url=self.queue.url,
            policy=policy_document(
                [
                    Statement(
                        sid="UploadsBucketNotifies",
                        principal={"Service": "s3.amazonaws.com"},
                        actions=["sqs:SendMessage"],
                        resources=[self.queue.arn],
                        # Bucket names are global: pin the bucket and the account owning it.
                        conditions={
                            "ArnEquals": {"aws:SourceArn": args.bucket_arn},
                            "StringEquals": {"aws:SourceAccount": args.account_id},
                        },
                    ),
                    deny_insecure_queue_access(self.queue.arn),
                ]
            ),
            opts=child,
        )
        self.function = self._function(name, args)
        max_concurrency = args.reserved_concurrency or DEFAULT_MAX_CONCURRENCY
        self.event_source = aws.lambda_.EventSourceMapping(
            name,
            event_source_arn=self.queue.arn,
            function_name=self.function.name,
            batch_size=BATCH_SIZE,
            maximum_batching_window_in_seconds=BATCHING_WINDOW_SECONDS,
            function_response_types=["ReportBatchItemFailures"],
            scaling_config={"maximum_concurrency": max_concurrency},
            # Lambda checks the role may receive from the queue when the mapping is created.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.function]),
        )
        aws.s3.BucketNotification(
            name,
            bucket=args.bucket_name,
            queues=[{"queue_arn": self.queue.arn, "events": list(NOTIFIED_EVENTS)}],
            # S3 checks that it may send to the queue when the notification is set.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[queue_policy]),
        )
        self._alarms(name, args)
        self.queue_url = self.queue.url
        self.dead_letter_queue_url = self.dead_letters.url
        self.register_outputs(
            {
                "function": self.function.name,
                "queue_url": self.queue_url,
                "dead_letter_queue_url": self.dead_letter_queue_url,
            }
        )

    def _function(self, name: str, args: IndexerArgs) -> LambdaFunction:
        """The indexer function: head objects, write rows, consume its queue."""
        objects = pulumi.Output.concat(args.bucket_arn, "/*")
        return LambdaFunction(
            name,
            LambdaFunctionArgs(
                archive=args.archive,
                handler="indexer_handler.handler",
                function_name=args.function_name,
                architecture=args.architecture,
                memory_mb=256,
                timeout_seconds=FUNCTION_TIMEOUT_SECONDS,
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
                    # What Lambda's poller does in the role's name (the actions of
                    # AWSLambdaSQSQueueExecutionRole), on this queue only.
                    Statement(
                        sid="ConsumeObjectEvents",
                        actions=[
                            "sqs:DeleteMessage",
                            "sqs:GetQueueAttributes",
                            "sqs:ReceiveMessage",
                        ],
                        resources=[self.queue.arn],
                    ),
                ],
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _alarms(self, name: str, args: IndexerArgs) -> None:
        """Dead letters waiting, and events waiting longer than their whole retry budget."""
        metric_alarm(
            f"{name}-failed-events",
            namespace="AWS/SQS",
            metric="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": self.dead_letters.name},
            statistic="Maximum",
            threshold=0,
            comparison="GreaterThanThreshold",
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description="S3 events the indexer failed on are waiting in its dead-letter queue.",
        )
        metric_alarm(
            f"{name}-oldest-event",
            namespace="AWS/SQS",
            metric="ApproximateAgeOfOldestMessage",
            dimensions={"QueueName": self.queue.name},
            statistic="Maximum",
            threshold=OLDEST_MESSAGE_ALARM_SECONDS,
            comparison="GreaterThanThreshold",
            topic_arn=args.alarm_topic_arn,
            parent=self,
            period_seconds=ALARM_PERIOD_SECONDS,
            description="S3 events wait in the indexer queue longer than their retry budget: "
            "the indexer is not keeping up or not running.",
        )
