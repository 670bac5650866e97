"""What a stack's ``environment`` decides: every dev-versus-prod difference, in one place.

Components take these values from ``settings.profile`` and never test the
environment's name themselves. README's "What `dev` and `prod` differ in"
table shows the same fields, and tests/stacks/test_profile.py keeps the two in
step. Sizes and retention periods are not here: they are stack config, with
their dev and prod values in ``Pulumi.<stack>.yaml``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class EnvironmentProfile:
    """The dev-versus-prod choices of one environment."""

    # Pulumi `protect` on data-holding resources (buckets, table, database
    # instances, secrets, audit log groups); never on their settings, so a
    # change to those is not refused.
    protect_data: bool
    # RDS Multi-AZ and Cloud SQL REGIONAL availability.
    highly_available_database: bool
    # The cloud's own deletion protection: RDS, Cloud SQL, DynamoDB, GCP secrets.
    deletion_protection: bool
    # RDS takes a final snapshot when the instance is deleted.
    final_snapshot: bool
    # dbBackupRetentionDays may not be set below this.
    min_backup_retention_days: int
    # RDS applies modifications at once instead of in the maintenance window.
    apply_immediately: bool
    # Destroying a bucket empties it first (S3 and Cloud Storage).
    force_destroy_buckets: bool
    # Days non-current object versions are kept (S3 and Cloud Storage).
    noncurrent_version_days: int
    # Days a deleted Secrets Manager secret can be restored; 0 deletes at once.
    secret_recovery_window_days: int
    # HTTP API stage throttling: a cap on cost and on what a misbehaving
    # client can do, well above expected traffic.
    api_throttle_rate_per_second: float
    api_throttle_burst: int
    # alarmEmails must name at least one recipient.
    alarm_emails_required: bool


# Read-only: a profile is chosen, never edited.
PROFILES: Mapping[str, EnvironmentProfile] = MappingProxyType(
    {
        "dev": EnvironmentProfile(
            protect_data=False,
            highly_available_database=False,
            deletion_protection=False,
            final_snapshot=False,
            min_backup_retention_days=1,
            apply_immediately=True,
            force_destroy_buckets=True,
            noncurrent_version_days=7,
            secret_recovery_window_days=0,
            api_throttle_rate_per_second=20.0,
            api_throttle_burst=40,
            alarm_emails_required=False,
        ),
        "prod": EnvironmentProfile(
            protect_data=True,
            highly_available_database=True,
            deletion_protection=True,
            final_snapshot=True,
            min_backup_retention_days=7,
            apply_immediately=False,
            force_destroy_buckets=False,
            noncurrent_version_days=90,
            secret_recovery_window_days=30,
            api_throttle_rate_per_second=500.0,
            api_throttle_burst=1000,
            alarm_emails_required=True,
        ),
    }
)
