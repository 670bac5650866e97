"""Cloud SQL for PostgreSQL, reachable only through the Cloud SQL connectors."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.apis import child_options
from stacks.settings import DatabaseLogSettings

POSTGRES_VERSION = "POSTGRES_17"
# Enterprise Plus (the default for PostgreSQL 16+) rejects shared-core and
# custom tiers such as db-f1-micro and db-custom-2-7680.
EDITION = "ENTERPRISE"
# Enterprise edition keeps at most 7 days of write-ahead log for point-in-time recovery.
MAX_TRANSACTION_LOG_DAYS = 7
DATABASE_NAME = "channels"


@dataclass(frozen=True)
class PostgresInstanceArgs:
    """Size, availability and retention; network and TLS settings are fixed."""

    region: str
    tier: str
    disk_size_gb: int
    disk_autoresize_limit_gb: int
    backup_retention_days: int
    # A standby in a second zone (REGIONAL) instead of a single zone.
    highly_available: bool
    # Refuse deletion both in Pulumi and in the Cloud SQL API.
    deletion_protection: bool
    # The provider's default labels do not reach an instance's nested user_labels.
    labels: Mapping[str, str] = field(default_factory=dict)
    # What the server log and pgAudit record (``database_flags``).
    logging: DatabaseLogSettings = field(default_factory=DatabaseLogSettings)
    # Prod: Pulumi refuses to delete or replace the instance and its database itself (its
    # settings, policies and alarms stay free to change).
    protect: bool = False


def backup_windows(retention_days: int) -> tuple[int, int]:
    """(retained daily backups, days of transaction log) Cloud SQL accepts for a retention.

    Cloud SQL requires more retained backups than days of transaction log, and
    at least one day of log for point-in-time recovery.
    """
    log_days = max(1, min(MAX_TRANSACTION_LOG_DAYS, retention_days - 1))
    return max(retention_days, log_days + 1), log_days


def database_flags(
    logging: DatabaseLogSettings,
) -> list[gcp.sql.DatabaseInstanceSettingsDatabaseFlagArgsDict]:
    """Every flag of the instance: IAM login, the server log's records and pgAudit.

    The provider sends the whole list on every change and Cloud SQL resets a
    flag left out to its default, so all flags live here. Allowed values: the
    Cloud SQL for PostgreSQL supported-flags page (cloud.google.com/sql/docs/
    postgres/flags), mirrored in tooling/preflight/provider_rules/gcp.py.
    ``cloudsql.enable_pgaudit`` loads a shared library, so turning it on or off
    restarts the instance (once, when this list first reaches an existing
    instance); the log_* and pgaudit.log flags are reloaded without a restart
    (PostgreSQL contexts sighup/superuser), so changing the dbLog* keys is routine.
    """
    flags = {
        # The function logs in as its service account: no password exists to leak.
        "cloudsql.iam_authentication": "on",
        "log_connections": "on",
        "log_disconnections": "on",
        "log_checkpoints": "on",
        "log_lock_waits": "on",
        "log_temp_files": str(logging.temp_files_kb),
        "log_min_duration_statement": str(logging.min_duration_ms),
        "log_min_error_statement": logging.min_error_statement,
        "log_min_messages": logging.min_messages,
        # pgAudit writes to Cloud Logging as Data Access audit logs
        # (cloudaudit.googleapis.com/data_access), readable only with
        # roles/logging.privateLogViewer. It also needs `CREATE EXTENSION pgaudit`
        # in the database, which Cloud SQL does not let Terraform run (docs/gcp.md).
        "cloudsql.enable_pgaudit": "on",
        "pgaudit.log": ",".join(logging.audit_classes),
    }
    return [{"name": name, "value": value} for name, value in flags.items()]


class PostgresInstance(pulumi.ComponentResource):
    """A PostgreSQL instance and the channels database.

    It has a public IP but no authorized networks, requires a Cloud SQL
    connector (``connector_enforcement``) and client certificates, so the only
    way in is an IAM-authorised connector holding ``cloudsql.instances.connect``.
    """

    instance: gcp.sql.DatabaseInstance
    connection_name: pulumi.Output[str]
    instance_name: pulumi.Output[str]
    database_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: PostgresInstanceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the instance and its database as children."""
        super().__init__("crosscloud:gcp:PostgresInstance", name, None, opts)
        retained_backups, log_days = backup_windows(args.backup_retention_days)
        settings: gcp.sql.DatabaseInstanceSettingsArgsDict = {
            "tier": args.tier,
            "edition": EDITION,
            "availability_type": "REGIONAL" if args.highly_available else "ZONAL",
            "disk_size": args.disk_size_gb,
            "disk_autoresize": True,
            "disk_autoresize_limit": args.disk_autoresize_limit_gb,
            "deletion_protection_enabled": args.deletion_protection,
            "backup_configuration": {
                "enabled": True,
                "point_in_time_recovery_enabled": True,
                "transaction_log_retention_days": log_days,
                "backup_retention_settings": {
                    "retained_backups": retained_backups,
                    "retention_unit": "COUNT",
                },
            },
            "ip_configuration": {
                # The public IP carries only connector traffic (no authorized
                # networks); a private IP would need a VPC and VPC egress for the
                # function, which this stack does not otherwise need.
                "ipv4_enabled": True,
                "authorized_networks": [],
                "ssl_mode": "TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
            },
            "connector_enforcement": "REQUIRED",
            "database_flags": database_flags(args.logging),
            "insights_config": {"query_insights_enabled": True},
            "user_labels": dict(args.labels),
        }
        self.instance = gcp.sql.DatabaseInstance(
            name,
            region=args.region,
            database_version=POSTGRES_VERSION,
            settings=settings,
            deletion_protection=args.deletion_protection,
            # Autoresize grows the disk; the provider then reads the configured,
            # smaller size as a shrink and plans to replace the instance.
            opts=child_options(
                self, opts, ignore_changes=["settings.diskSize"], protect=args.protect
            ),
        )
        database = gcp.sql.Database(
            f"{name}-{DATABASE_NAME}",
            instance=self.instance.name,
            name=DATABASE_NAME,
            # The API's IAM user owns objects in it, so the Admin API cannot drop
            # it; it goes with the instance instead.
            deletion_policy="ABANDON",
            opts=child_options(self, opts, protect=args.protect),
        )
        self.connection_name = self.instance.connection_name
        self.instance_name = self.instance.name
        self.database_name = database.name
        self.register_outputs(
            {
                "connectionName": self.connection_name,
                "instanceName": self.instance_name,
                "databaseName": self.database_name,
            }
        )
