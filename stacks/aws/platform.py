"""Everything crosscloud runs on AWS, under one component."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.access_logs import AccessLogs, AccessLogsArgs, LoggedBucket
from stacks.aws.alarm_topic import AlarmTopic, AlarmTopicArgs
from stacks.aws.app_secrets import AppSecrets, AppSecretsArgs
from stacks.aws.bucket import SecureBucket, SecureBucketArgs
from stacks.aws.database import PostgresDatabase, PostgresDatabaseArgs
from stacks.aws.flow_logs import VpcFlowLogs, VpcFlowLogsArgs
from stacks.aws.http_api import HttpApi, HttpApiArgs
from stacks.aws.iam import Statement
from stacks.aws.index_table import IndexTable, IndexTableArgs
from stacks.aws.indexer import Indexer, IndexerArgs
from stacks.aws.lambda_function import LambdaFunction, LambdaFunctionArgs, VpcPlacement
from stacks.aws.network import PrivateNetwork, PrivateNetworkArgs
from stacks.aws.providers import aws_provider
from stacks.aws.uploads_report import UploadsReport, UploadsReportArgs
from stacks.function_archives import lambda_archive
from stacks.settings import Settings


@dataclass(frozen=True)
class AwsPlatformArgs:
    """The validated stack settings; ``settings.aws`` must be set."""

    settings: Settings


class AwsPlatform(pulumi.ComponentResource):
    """Providers, alarm topics, buckets, object index, network, database and secrets on AWS.

    Where the profile says so (prod), the stateful parts (buckets, table,
    database, secrets) are ``protect``-ed, so `pulumi destroy` or a refactor
    cannot delete them; only those resources, so changes to their settings are
    never refused.
    """

    def __init__(
        self, name: str, args: AwsPlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Build the AWS part of the stack."""
        super().__init__("crosscloud:aws:Platform", name, None, opts)
        settings = args.settings
        if settings.aws is None:
            raise ValueError("AwsPlatform needs settings.aws")
        prefix = settings.resource_prefix()
        profile = settings.profile

        # Explicit providers: every taggable resource gets the stack's tags
        # through default_tags, in whichever region it lives.
        provider = aws_provider(f"{name}-provider", settings.aws.region, settings, self)
        regional = pulumi.ResourceOptions(parent=self, providers=[provider])
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(provider=provider)
        ).account_id

        self.alarm_topic = AlarmTopic(
            f"{prefix}-alarms", AlarmTopicArgs(emails=settings.alarm_emails), opts=regional
        )

        self.uploads = SecureBucket(
            f"{prefix}-uploads",
            SecureBucketArgs(
                cors_origins=settings.cors_origins,
                force_destroy=profile.force_destroy_buckets,
                noncurrent_version_days=profile.noncurrent_version_days,
                protect=profile.protect_data,
            ),
            opts=regional,
        )
        self.reports = SecureBucket(
            f"{prefix}-reports",
            SecureBucketArgs(
                force_destroy=profile.force_destroy_buckets,
                noncurrent_version_days=profile.noncurrent_version_days,
                protect=profile.protect_data,
            ),
            opts=regional,
        )
        self.index_table = IndexTable(
            f"{prefix}-object-index",
            IndexTableArgs(
                alarm_topic_arn=self.alarm_topic.arn,
                deletion_protection=profile.deletion_protection,
                protect=profile.protect_data,
            ),
            opts=regional,
        )
        self.network = PrivateNetwork(
            f"{prefix}-vpc",
            PrivateNetworkArgs(
                cidr=settings.aws.vpc_cidr,
                region=settings.aws.region,
                nat_gateway=settings.aws.nat_gateway,
                # SNS: the report function announces from inside the VPC.
                interface_services=("secretsmanager", "sns"),
            ),
            opts=regional,
        )
        self._build_records(settings, account_id, regional)
        db = settings.database
        self.database = PostgresDatabase(
            f"{prefix}-db",
            PostgresDatabaseArgs(
                vpc_id=self.network.vpc_id,
                subnet_ids=self.network.private_subnet_ids,
                client_security_group_id=self.network.functions_security_group.id,
                alarm_topic_arn=self.alarm_topic.arn,
                instance_class=db.instance_class,
                allocated_storage_gb=db.allocated_storage_gb,
                max_allocated_storage_gb=db.max_allocated_storage_gb,
                backup_retention_days=db.backup_retention_days,
                multi_az=profile.highly_available_database,
                deletion_protection=profile.deletion_protection,
                final_snapshot=profile.final_snapshot,
                log_retention_days=settings.audit_log_retention_days,
                logging=db.logging,
                account_id=account_id,
                region=settings.aws.region,
                monitoring_interval_seconds=db.monitoring_interval_seconds,
                apply_immediately=profile.apply_immediately,
                protect=profile.protect_data,
            ),
            opts=regional,
        )
        self.app_secrets = AppSecrets(
            f"{prefix}-secrets",
            AppSecretsArgs(
                values=settings.app_secrets,
                path_prefix=f"{prefix}",
                recovery_window_days=profile.secret_recovery_window_days,
                protect=profile.protect_data,
            ),
            opts=regional,
        )

        self._build_api(settings, account_id, regional)
        self.indexer = Indexer(
            f"{prefix}-indexer",
            IndexerArgs(
                bucket_name=self.uploads.name,
                bucket_arn=self.uploads.arn,
                table_name=self.index_table.name,
                table_arn=self.index_table.arn,
                archive=lambda_archive("indexer", settings.functions.architecture),
                function_name=f"{prefix}-indexer",
                architecture=settings.functions.architecture,
                log_retention_days=settings.functions.log_retention_days,
                alarm_topic_arn=self.alarm_topic.arn,
                account_id=account_id,
                region=settings.aws.region,
                reserved_concurrency=settings.functions.indexer_reserved_concurrency,
            ),
            opts=regional,
        )

        self._build_report(settings, account_id, regional)

        self.outputs: dict[str, pulumi.Input[object]] = {
            "region": settings.aws.region,
            "apiUrl": self.http_api.url,
            "apiFunction": self.api_function.name,
            "indexerFunction": self.indexer.function.name,
            "indexerQueueUrl": self.indexer.queue_url,
            "indexerDeadLetterQueueUrl": self.indexer.dead_letter_queue_url,
            "uploadsBucket": self.uploads.name,
            "reportsBucket": self.reports.name,
            "objectIndexTable": self.index_table.name,
            "databaseAddress": self.database.address,
            "databaseName": self.database.db_name,
            "databaseSecretArn": self.database.secret_arn,
            "appSecretArns": self.app_secrets.arns,
            "alarmTopicArn": self.alarm_topic.arn,
            "accessLogsBucket": self.access_logs.name,
            "flowLogGroup": self.flow_logs.log_group_name,
            "reportFunction": self.report.function.name,
            "reportTopicArn": self.report.topic_arn,
            "reportDeadLetterQueueUrl": self.report.dead_letter_queue_url,
        }
        self.register_outputs(self.outputs)

    def _build_records(
        self, settings: Settings, account_id: pulumi.Output[str], opts: pulumi.ResourceOptions
    ) -> None:
        """Audit records: the VPC's flow log, and access logs of the data buckets."""
        assert settings.aws is not None
        prefix = settings.resource_prefix()
        self.flow_logs = VpcFlowLogs(
            f"{prefix}-vpc",
            VpcFlowLogsArgs(
                vpc_id=self.network.vpc_id,
                account_id=account_id,
                region=settings.aws.region,
                traffic_type=settings.aws.flow_log_traffic,
                retention_days=settings.audit_log_retention_days,
                protect=settings.profile.protect_data,
            ),
            opts=opts,
        )
        self.access_logs = AccessLogs(
            f"{prefix}-access-logs",
            AccessLogsArgs(
                sources=[
                    LoggedBucket("uploads", self.uploads.name, self.uploads.arn),
                    LoggedBucket("reports", self.reports.name, self.reports.arn),
                ],
                account_id=account_id,
                retention_days=settings.audit_log_retention_days,
                force_destroy=settings.profile.force_destroy_buckets,
                protect=settings.profile.protect_data,
            ),
            opts=opts,
        )

    def _build_api(
        self, settings: Settings, account_id: pulumi.Output[str], opts: pulumi.ResourceOptions
    ) -> None:
        """The API function in the VPC, and the HTTP API in front of it."""
        assert settings.aws is not None
        prefix = settings.resource_prefix()
        functions = settings.functions
        uploads_objects = pulumi.Output.concat(self.uploads.arn, "/*")
        # The report function's files: the API lists them and signs links to them.
        report_objects = pulumi.Output.concat(self.reports.arn, "/reports/*")
        self.api_function = LambdaFunction(
            f"{prefix}-api",
            LambdaFunctionArgs(
                archive=lambda_archive("api", functions.architecture),
                handler="lambda_handler.handler",
                function_name=f"{prefix}-api",
                architecture=functions.architecture,
                memory_mb=functions.memory_mb,
                timeout_seconds=functions.timeout_seconds,
                reserved_concurrency=functions.reserved_concurrency,
                log_retention_days=functions.log_retention_days,
                alarm_topic_arn=self.alarm_topic.arn,
                account_id=account_id,
                region=settings.aws.region,
                vpc=VpcPlacement(
                    subnet_ids=self.network.private_subnet_ids,
                    security_group_id=self.network.functions_security_group.id,
                ),
                environment={
                    "STORAGE_URL": pulumi.Output.concat("s3://", self.uploads.name),
                    "REPORTS_URL": pulumi.Output.concat("s3://", self.reports.name),
                    "DB_SECRET_ARN": self.database.secret_arn,
                    "DB_HOST": self.database.address,
                    "DB_PORT": self.database.port.apply(str),
                    "DB_NAME": self.database.db_name,
                    "LOG_LEVEL": "INFO",
                },
                statements=[
                    Statement(
                        sid="ReadDatabaseCredentials",
                        actions=["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                        resources=[self.database.secret_arn],
                    ),
                    Statement(
                        sid="ManageUploadedObjects",
                        actions=["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                        resources=[uploads_objects],
                    ),
                    Statement(
                        sid="ListUploads", actions=["s3:ListBucket"], resources=[self.uploads.arn]
                    ),
                    # Read only, and only under reports/: the links it signs for GET
                    # /reports/{period}/link can serve nothing else of that bucket.
                    Statement(
                        sid="ReadReports", actions=["s3:GetObject"], resources=[report_objects]
                    ),
                    Statement(
                        sid="ListReports",
                        actions=["s3:ListBucket"],
                        resources=[self.reports.arn],
                        conditions={"StringLike": {"s3:prefix": ["reports/*"]}},
                    ),
                ],
            ),
            opts=opts,
        )
        self.http_api = HttpApi(
            f"{prefix}-http",
            HttpApiArgs(
                function_name=self.api_function.name,
                function_invoke_arn=self.api_function.function.invoke_arn,
                alarm_topic_arn=self.alarm_topic.arn,
                log_retention_days=functions.log_retention_days,
                public=settings.public_api,
                throttle_rate_per_second=settings.profile.api_throttle_rate_per_second,
                throttle_burst=settings.profile.api_throttle_burst,
                latency_alarm_ms=int(functions.timeout_seconds * 1000 * 0.8),
                cors_origins=settings.cors_origins,
            ),
            opts=opts,
        )

    def _build_report(
        self, settings: Settings, account_id: pulumi.Output[str], opts: pulumi.ResourceOptions
    ) -> None:
        """The weekly uploads report: index and database in, reports bucket and topic out."""
        assert settings.aws is not None
        prefix = settings.resource_prefix()
        self.report = UploadsReport(
            f"{prefix}-report",
            UploadsReportArgs(
                archive=lambda_archive("report", settings.functions.architecture),
                function_name=f"{prefix}-report",
                architecture=settings.functions.architecture,
                log_retention_days=settings.functions.log_retention_days,
                reports_bucket_name=self.reports.name,
                reports_bucket_arn=self.reports.arn,
                uploads_bucket_name=self.uploads.name,
                index_table_name=self.index_table.name,
                index_table_arn=self.index_table.arn,
                database_secret_arn=self.database.secret_arn,
                database_environment={
                    "DB_SECRET_ARN": self.database.secret_arn,
                    "DB_HOST": self.database.address,
                    "DB_PORT": self.database.port.apply(str),
                    "DB_NAME": self.database.db_name,
                },
                vpc=VpcPlacement(
                    subnet_ids=self.network.private_subnet_ids,
                    security_group_id=self.network.functions_security_group.id,
                ),
                schedule_expression=settings.report.aws_cron,
                time_zone=settings.report.time_zone,
                alarm_topic_arn=self.alarm_topic.arn,
                account_id=account_id,
                region=settings.aws.region,
                emails=settings.report.emails,
            ),
            opts=opts,
        )
