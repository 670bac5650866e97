"""The weekly uploads report on Google Cloud: topic, identity, function and schedule."""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.accounts import bootstrap_account
from stacks.gcp.apis import child_options
from stacks.gcp.function import ApiFunction, ApiFunctionArgs
from stacks.gcp.function_source import FunctionSource, FunctionSourceArgs
from stacks.gcp.report_identity import ReportIdentity, ReportIdentityArgs
from stacks.gcp.report_schedule import ReportSchedule, ReportScheduleArgs

# The @functions_framework.http function in functions/report/main.py.
ENTRY_POINT = "report"
# A week of listings and a workbook take seconds; minutes leave room for a big bucket.
TIMEOUT_SECONDS = 300
MEMORY_MB = 512
# One run a week; a second instance would only run the same period twice.
MAX_INSTANCES = 1
# Kept on the topic itself (10 min to 31 days), so a subscription made later can
# seek back to the last week's announcement; nothing else is stored.
TOPIC_RETENTION = f"{7 * 24 * 3600}s"


@dataclass(frozen=True)
class UploadsReportArgs:
    """Where the figures are, where the files go, when it runs."""

    project: str
    region: str
    account_id: str
    scheduler_account_id: str
    archive_path: str
    archive_sha256: str
    source_bucket: pulumi.Input[str]
    build_service_account: pulumi.Input[str]
    docker_repository: pulumi.Input[str]
    uploads_bucket: pulumi.Input[str]
    uploads_url: pulumi.Input[str]
    reports_bucket: pulumi.Input[str]
    reports_url: pulumi.Input[str]
    sql_instance_name: pulumi.Input[str]
    sql_connection_name: pulumi.Input[str]
    database_name: pulumi.Input[str]
    ingress: str
    # Unix cron and IANA time zone (the same config as the AWS schedule).
    schedule: str
    time_zone: str


class UploadsReport(pulumi.ComponentResource):
    """A private report function, its Pub/Sub topic, and the Cloud Scheduler job calling it.

    The topic uses Google-managed encryption, like every other GCP resource of
    the stack (buckets, Cloud SQL, secrets): nothing here holds a customer key,
    and the announcement carries only totals and expiring links. Messages stay
    in the stack's region (message storage policy).
    """

    def __init__(
        self, name: str, args: UploadsReportArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the topic, identity grants, source, function and job."""
        super().__init__("crosscloud:gcp:UploadsReport", name, None, opts)
        child = child_options(self, opts)
        self.topic = gcp.pubsub.Topic(
            name,
            name=name,
            message_storage_policy={"allowed_persistence_regions": [args.region]},
            message_retention_duration=TOPIC_RETENTION,
            opts=child,
        )
        self.identity = ReportIdentity(
            name,
            ReportIdentityArgs(
                account_id=args.account_id,
                project=args.project,
                uploads_bucket=args.uploads_bucket,
                reports_bucket=args.reports_bucket,
                topic=self.topic.id,
                sql_instance_name=args.sql_instance_name,
            ),
            opts=child,
        )
        invoker = bootstrap_account(self, args.scheduler_account_id, args.project, child)
        self.source = FunctionSource(
            f"{name}-source",
            FunctionSourceArgs(
                bucket=args.source_bucket,
                function_name=ENTRY_POINT,
                archive_path=args.archive_path,
                archive_sha256=args.archive_sha256,
            ),
            opts=child,
        )
        self.function = ApiFunction(
            name,
            ApiFunctionArgs(
                project=args.project,
                location=args.region,
                source_bucket=self.source.bucket,
                source_object=self.source.name,
                service_account_email=self.identity.email,
                build_service_account=args.build_service_account,
                docker_repository=args.docker_repository,
                memory_mb=MEMORY_MB,
                timeout_seconds=TIMEOUT_SECONDS,
                max_instances=MAX_INSTANCES,
                ingress=args.ingress,
                environment={
                    "REPORTS_URL": args.reports_url,
                    "UPLOADS_URL": args.uploads_url,
                    "REPORT_TOPIC": self.topic.id,
                    "CLOUD_SQL_INSTANCE": args.sql_connection_name,
                    "CLOUD_SQL_IP_TYPE": "PUBLIC",
                    "DB_NAME": args.database_name,
                    "DB_USER": self.identity.db_user,
                    "DB_IAM_AUTH": "true",
                    "LOG_LEVEL": "INFO",
                },
                secret_environment={},
                # Only the scheduler's account may call it; never allUsers.
                invoker_accounts={"scheduler": invoker.member},
                public=False,
                wait_for=[self.identity],
                entry_point=ENTRY_POINT,
                description="crosscloud weekly uploads report",
            ),
            opts=child,
        )
        self.schedule = ReportSchedule(
            f"{name}-schedule",
            ReportScheduleArgs(
                region=args.region,
                function_url=self.function.url,
                function_timeout_seconds=TIMEOUT_SECONDS,
                schedule=args.schedule,
                time_zone=args.time_zone,
                invoker_email=invoker.email,
            ),
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[self.function])
            ),
        )
        self.topic_id = self.topic.id
        self.service_name = self.function.service_name
        self.register_outputs(
            {
                "function": self.function.url,
                "topic": self.topic_id,
                "schedule": self.schedule.name,
                "serviceAccount": self.identity.email,
            }
        )
