"""The weekly uploads report on AWS: function, topic, schedule and dead-letter queue."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.aws.alarm import metric_alarm
from stacks.aws.iam import Statement
from stacks.aws.lambda_function import LambdaFunction, LambdaFunctionArgs, VpcPlacement
from stacks.aws.queue_policies import tls_only_queue_policy
from stacks.aws.report_schedule import ReportSchedule, ReportScheduleArgs
from stacks.aws.report_topic import ReportTopic, ReportTopicArgs
from stacks.function_archives import FunctionArchive

DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60
# Lambda retries a failed asynchronous run twice before the on-failure destination.
FUNCTION_RETRY_ATTEMPTS = 2
# A week of index rows and a workbook take seconds; the policy pack caps every Lambda
# timeout at 30 s (lambda-memory-timeout-bounds), which is the ceiling until it knows
# batch functions from API ones.
TIMEOUT_SECONDS = 30
MEMORY_MB = 512


@dataclass(frozen=True)
class UploadsReportArgs:
    """Where the figures are, where the files go, when it runs and who is told."""

    archive: FunctionArchive
    function_name: str
    architecture: str
    log_retention_days: int
    reports_bucket_name: pulumi.Input[str]
    reports_bucket_arn: pulumi.Input[str]
    uploads_bucket_name: pulumi.Input[str]
    index_table_name: pulumi.Input[str]
    index_table_arn: pulumi.Input[str]
    # The channels database, reached like the API reaches it (managed secret, VPC).
    database_secret_arn: pulumi.Input[str]
    database_environment: dict[str, pulumi.Input[str]]
    vpc: VpcPlacement
    schedule_expression: str
    time_zone: str
    alarm_topic_arn: pulumi.Input[str]
    account_id: pulumi.Input[str]
    region: str
    emails: Sequence[str] = field(default_factory=tuple)


class UploadsReport(pulumi.ComponentResource):
    """A report Lambda that may read the index and the database secret, write ``reports/*``
    in the reports bucket and publish to its own topic, and nothing else; invoked weekly by
    EventBridge Scheduler. Failed deliveries and failed runs both end in one encrypted
    dead-letter queue whose depth alarms.
    """

    def __init__(
        self, name: str, args: UploadsReportArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the topic, DLQ, function, its failure destination and the schedule."""
        super().__init__("crosscloud:aws:UploadsReport", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.topic = ReportTopic(
            f"{name}-topic",
            ReportTopicArgs(account_id=args.account_id, emails=args.emails),
            opts=child,
        )
        self.dead_letters = aws.sqs.Queue(
            f"{name}-dlq",
            sqs_managed_sse_enabled=True,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            opts=child,
        )
        # TLS only; the schedule's and the function's roles send by their IAM grants.
        tls_only_queue_policy(f"{name}-dlq", self.dead_letters, child)
        report_objects = pulumi.Output.concat(args.reports_bucket_arn, "/reports/*")
        self.function = LambdaFunction(
            name,
            LambdaFunctionArgs(
                archive=args.archive,
                handler="report_handler.handler",
                function_name=args.function_name,
                architecture=args.architecture,
                memory_mb=MEMORY_MB,
                timeout_seconds=TIMEOUT_SECONDS,
                log_retention_days=args.log_retention_days,
                alarm_topic_arn=args.alarm_topic_arn,
                account_id=args.account_id,
                region=args.region,
                vpc=args.vpc,
                environment={
                    "REPORTS_URL": pulumi.Output.concat("s3://", args.reports_bucket_name),
                    "INDEX_TABLE": args.index_table_name,
                    "UPLOADS_BUCKET": args.uploads_bucket_name,
                    "REPORT_TOPIC": self.topic.arn,
                    **args.database_environment,
                    "LOG_LEVEL": "INFO",
                },
                statements=[
                    Statement(
                        sid="QueryObjectIndex",
                        actions=["dynamodb:Query"],
                        resources=[args.index_table_arn],
                    ),
                    Statement(
                        sid="ReadDatabaseCredentials",
                        actions=["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                        resources=[args.database_secret_arn],
                    ),
                    # GetObject: the presigned links are signed with this role, so they
                    # can only serve what it may read, and only under reports/.
                    Statement(
                        sid="WriteAndLinkReports",
                        actions=["s3:GetObject", "s3:PutObject"],
                        resources=[report_objects],
                    ),
                    Statement(
                        sid="ListReports",
                        actions=["s3:ListBucket"],
                        resources=[args.reports_bucket_arn],
                        conditions={"StringLike": {"s3:prefix": ["reports/*"]}},
                    ),
                    Statement(
                        sid="AnnounceReports", actions=["sns:Publish"], resources=[self.topic.arn]
                    ),
                    Statement(
                        sid="EncryptAnnouncements",
                        actions=["kms:Decrypt", "kms:GenerateDataKey"],
                        resources=[self.topic.key_arn],
                    ),
                    Statement(
                        sid="SendFailedRuns",
                        actions=["sqs:SendMessage"],
                        resources=[self.dead_letters.arn],
                    ),
                ],
            ),
            opts=child,
        )
        aws.lambda_.FunctionEventInvokeConfig(
            name,
            function_name=self.function.name,
            maximum_retry_attempts=FUNCTION_RETRY_ATTEMPTS,
            destination_config={"on_failure": {"destination": self.dead_letters.arn}},
            opts=child,
        )
        self.schedule = ReportSchedule(
            f"{name}-schedule",
            ReportScheduleArgs(
                function_arn=self.function.arn,
                expression=args.schedule_expression,
                time_zone=args.time_zone,
                dead_letter_arn=self.dead_letters.arn,
                account_id=args.account_id,
            ),
            opts=child,
        )
        metric_alarm(
            f"{name}-dead-letters",
            namespace="AWS/SQS",
            metric="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": self.dead_letters.name},
            statistic="Maximum",
            threshold=0,
            comparison="GreaterThanThreshold",
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description="A weekly report run failed or could not be delivered; rerun the period.",
        )
        self.topic_arn = self.topic.arn
        self.dead_letter_queue_url = self.dead_letters.url
        self.register_outputs(
            {
                "function": self.function.name,
                "topic": self.topic_arn,
                "schedule": self.schedule.name,
                "dead_letter_queue_url": self.dead_letter_queue_url,
            }
        )
