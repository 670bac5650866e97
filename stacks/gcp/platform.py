"""Everything crosscloud runs on Google Cloud, under one component."""

import re
from dataclasses import dataclass

import pulumi

from function_builds.archive import build_source_archive
from stacks.gcp.accounts import (
    build_account_id,
    report_account_id,
    runtime_account_id,
    scheduler_account_id,
)
from stacks.gcp.alerting import Alerting, AlertingArgs
from stacks.gcp.apis import ProjectApis, ProjectApisArgs, stack_apis
from stacks.gcp.bucket import SecureBucket, SecureBucketArgs
from stacks.gcp.build_identity import BuildIdentity, BuildIdentityArgs
from stacks.gcp.database import PostgresInstance, PostgresInstanceArgs
from stacks.gcp.function import ApiFunction, ApiFunctionArgs, SecretEnv
from stacks.gcp.function_source import FunctionSource, FunctionSourceArgs
from stacks.gcp.providers import gcp_provider
from stacks.gcp.runtime_identity import RuntimeIdentity, RuntimeIdentityArgs
from stacks.gcp.secrets import AppSecrets, AppSecretsArgs
from stacks.gcp.storage_audit import StorageAuditLogs, StorageAuditLogsArgs
from stacks.gcp.uploads_report import TIMEOUT_SECONDS as REPORT_TIMEOUT_SECONDS
from stacks.gcp.uploads_report import UploadsReport, UploadsReportArgs
from stacks.settings import Settings

# functions/api, zipped as Cloud Functions expects it (main.py at the root).
API_SOURCE = "api"
REPORT_SOURCE = "report"


@dataclass(frozen=True)
class GcpPlatformArgs:
    """The validated stack settings; ``settings.gcp`` must be set."""

    settings: Settings


def env_name(secret_name: str) -> str:
    """The environment variable an app secret arrives in: ``apiToken`` -> ``API_TOKEN``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", secret_name).upper()


class GcpPlatform(pulumi.ComponentResource):
    """Provider, buckets, secrets, Cloud SQL, the API function and its alerts on Google Cloud.

    Where the profile says so (prod), the stateful parts (buckets, database,
    secrets) are ``protect``-ed, so `pulumi destroy` or a refactor cannot
    delete them; only those resources, so changes to their settings are never
    refused.
    """

    def __init__(
        self, name: str, args: GcpPlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Build the Google Cloud part of the stack."""
        super().__init__("crosscloud:gcp:Platform", name, None, opts)
        settings = args.settings
        gcp = settings.gcp
        if gcp is None:
            raise ValueError("GcpPlatform needs settings.gcp")
        prefix = settings.resource_prefix()

        # Explicit provider: every labelable resource gets the stack's labels
        # through default_labels, in the stack's own project and region.
        provider = gcp_provider(f"{name}-provider", settings, self)
        regional = pulumi.ResourceOptions(parent=self, providers=[provider])
        profile = settings.profile
        # A fresh project has none of these on; every resource below waits for
        # the APIs it is created through (``needs``), so nothing races them.
        self.apis = ProjectApis(
            f"{prefix}-apis", ProjectApisArgs(project=gcp.project, apis=stack_apis()), opts=regional
        )

        def needs(base: pulumi.ResourceOptions, *modules: str) -> pulumi.ResourceOptions:
            """``base``, waiting for the APIs of these pulumi-gcp modules."""
            return pulumi.ResourceOptions.merge(
                base, pulumi.ResourceOptions(depends_on=self.apis.needed_by(*modules))
            )

        self.source_bucket = SecureBucket(
            f"{prefix}-source",
            SecureBucketArgs(
                location=gcp.region,
                noncurrent_version_days=profile.noncurrent_version_days,
                force_destroy=profile.force_destroy_buckets,
                protect=profile.protect_data,
            ),
            opts=needs(regional, "storage"),
        )
        self.uploads = SecureBucket(
            f"{prefix}-uploads",
            SecureBucketArgs(
                location=gcp.region,
                noncurrent_version_days=profile.noncurrent_version_days,
                cors_origins=settings.cors_origins,
                force_destroy=profile.force_destroy_buckets,
                protect=profile.protect_data,
            ),
            opts=needs(regional, "storage"),
        )
        # The weekly report's files; only the report function writes here.
        self.reports = SecureBucket(
            f"{prefix}-reports",
            SecureBucketArgs(
                location=gcp.region,
                noncurrent_version_days=profile.noncurrent_version_days,
                force_destroy=profile.force_destroy_buckets,
                protect=profile.protect_data,
            ),
            opts=needs(regional, "storage"),
        )
        # Who read or wrote which object in them (and in every other bucket
        # of the project): Data Access audit logs rather than usage logs, see
        # stacks/gcp/storage_audit.py.
        self.storage_audit = StorageAuditLogs(
            f"{prefix}-storage-audit",
            StorageAuditLogsArgs(project=gcp.project),
            opts=needs(regional, "projects"),
        )
        archive = build_source_archive(API_SOURCE)
        self.source = FunctionSource(
            f"{prefix}-api-source",
            FunctionSourceArgs(
                bucket=self.source_bucket.name,
                function_name=API_SOURCE,
                archive_path=str(archive.path),
                archive_sha256=archive.sha256,
            ),
            opts=needs(regional, "storage"),
        )
        self.app_secrets = AppSecrets(
            f"{prefix}-secrets",
            AppSecretsArgs(
                values=settings.app_secrets,
                id_prefix=prefix,
                deletion_protection=profile.deletion_protection,
                protect=profile.protect_data,
            ),
            opts=needs(regional, "secretmanager"),
        )
        db = settings.database
        self.database = PostgresInstance(
            f"{prefix}-db",
            PostgresInstanceArgs(
                region=gcp.region,
                tier=db.gcp_tier,
                disk_size_gb=db.allocated_storage_gb,
                disk_autoresize_limit_gb=db.max_allocated_storage_gb,
                backup_retention_days=db.backup_retention_days,
                highly_available=profile.highly_available_database,
                deletion_protection=profile.deletion_protection,
                labels=settings.labels,
                logging=db.logging,
                protect=profile.protect_data,
            ),
            opts=needs(regional, "sql"),
        )
        self.identity = RuntimeIdentity(
            f"{prefix}-api",
            RuntimeIdentityArgs(
                account_id=runtime_account_id(prefix),
                project=gcp.project,
                uploads_bucket=self.uploads.name,
                reports_bucket=self.reports.name,
                secret_ids={key: s.secret.id for key, s in self.app_secrets.stored.items()},
                sql_instance_name=self.database.instance_name,
            ),
            opts=needs(regional, "serviceaccount", "storage", "secretmanager", "projects", "sql"),
        )
        self.build = BuildIdentity(
            f"{prefix}-api-build",
            BuildIdentityArgs(
                project=gcp.project,
                location=gcp.region,
                account_id=build_account_id(prefix),
                repository_id=f"{prefix}-functions",
                source_bucket=self.source_bucket.name,
            ),
            opts=needs(regional, "serviceaccount", "artifactregistry", "storage", "projects"),
        )
        limits = settings.functions
        self.function = ApiFunction(
            f"{prefix}-api",
            ApiFunctionArgs(
                project=gcp.project,
                location=gcp.region,
                source_bucket=self.source.bucket,
                source_object=self.source.name,
                service_account_email=self.identity.email,
                build_service_account=self.build.account_name,
                docker_repository=self.build.repository,
                memory_mb=limits.memory_mb,
                timeout_seconds=limits.timeout_seconds,
                max_instances=limits.max_instances,
                ingress=gcp.ingress,
                environment={
                    "STORAGE_URL": self.uploads.url,
                    "REPORTS_URL": self.reports.url,
                    "CLOUD_SQL_INSTANCE": self.database.connection_name,
                    "CLOUD_SQL_IP_TYPE": "PUBLIC",
                    "DB_NAME": self.database.database_name,
                    "DB_USER": self.identity.db_user,
                    # IAM database authentication: the connector logs in with
                    # the service account's token, so there is no password.
                    "DB_IAM_AUTH": "true",
                    "LOG_LEVEL": "INFO",
                },
                secret_environment={
                    env_name(key): SecretEnv(secret_id=s.secret_id, version=s.version_number)
                    for key, s in self.app_secrets.stored.items()
                },
                invokers=gcp.invokers,
                public=settings.public_api,
                # Deploy-time checks: secret access (runtime) and the build's grants.
                wait_for=[self.identity, self.build],
            ),
            # The function also needs, at run time, the APIs it calls itself.
            opts=pulumi.ResourceOptions.merge(
                needs(regional, "cloudfunctionsv2", "cloudrunv2"),
                pulumi.ResourceOptions(depends_on=self.apis.runtime()),
            ),
        )
        report_archive = build_source_archive(REPORT_SOURCE)
        self.report = UploadsReport(
            f"{prefix}-report",
            UploadsReportArgs(
                project=gcp.project,
                region=gcp.region,
                account_id=report_account_id(prefix),
                scheduler_account_id=scheduler_account_id(prefix),
                archive_path=str(report_archive.path),
                archive_sha256=report_archive.sha256,
                source_bucket=self.source_bucket.name,
                build_service_account=self.build.account_name,
                docker_repository=self.build.repository,
                uploads_bucket=self.uploads.name,
                uploads_url=self.uploads.url,
                reports_bucket=self.reports.name,
                reports_url=self.reports.url,
                sql_instance_name=self.database.instance_name,
                sql_connection_name=self.database.connection_name,
                database_name=self.database.database_name,
                ingress=gcp.ingress,
                schedule=settings.report.unix_cron,
                time_zone=settings.report.time_zone,
            ),
            opts=pulumi.ResourceOptions.merge(
                needs(
                    regional,
                    "storage",
                    "serviceaccount",
                    "projects",
                    "sql",
                    "pubsub",
                    "cloudfunctionsv2",
                    "cloudrunv2",
                    "cloudscheduler",
                ),
                pulumi.ResourceOptions(depends_on=[*self.apis.runtime(), self.build]),
            ),
        )
        # An alert policy nobody receives is noise (and the policy pack forbids
        # it); prod always names someone, dev only when alarmEmails is set.
        self.alerting = (
            Alerting(
                f"{prefix}-alerts",
                AlertingArgs(
                    service_name=self.function.service_name,
                    timeout_seconds=limits.timeout_seconds,
                    emails=settings.alarm_emails,
                ),
                opts=needs(regional, "monitoring"),
            )
            if settings.alarm_emails
            else None
        )
        # The report's failed runs (5xx after Scheduler's retries) and slow runs.
        self.report_alerting = (
            Alerting(
                f"{prefix}-report-alerts",
                AlertingArgs(
                    service_name=self.report.service_name,
                    timeout_seconds=REPORT_TIMEOUT_SECONDS,
                    emails=settings.alarm_emails,
                    channel_names=self.alerting.channel_names,
                    label="report",
                ),
                opts=needs(regional, "monitoring"),
            )
            if self.alerting is not None
            else None
        )

        self.outputs: dict[str, pulumi.Input[object]] = {
            "project": gcp.project,
            "region": gcp.region,
            "apiUrl": self.function.url,
            "sourceBucket": self.source_bucket.name,
            "uploadsBucket": self.uploads.name,
            "reportsBucket": self.reports.name,
            "reportTopic": self.report.topic_id,
            "reportServiceAccount": self.report.identity.email,
            "databaseConnectionName": self.database.connection_name,
            "databaseName": self.database.database_name,
            "secretIds": self.app_secrets.ids,
            "serviceAccount": self.identity.email,
            "buildServiceAccount": self.build.email,
            "imageRepository": self.build.repository,
        }
        self.register_outputs(self.outputs)
