"""RDS: private, encrypted, backed up, no plaintext master password; durable in prod."""

from collections.abc import Iterator

from .core import ResourceRule, Rule, Subject, is_true
from .settings import Settings

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
# Inputs that carry a master password in plaintext (they end up in state).
PASSWORD_INPUTS = {INSTANCE: "password", CLUSTER: "masterPassword"}


def _is_replica(subject: Subject) -> bool:
    """Read replicas and snapshot restores inherit storage, credentials and backups."""
    props = subject.props
    return bool(
        props.get("replicateSourceDb")
        or props.get("replicationSourceIdentifier")
        or props.get("snapshotIdentifier")
    )


def not_public(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Database instances are not publicly accessible."""
    if subject.type in (INSTANCE, CLUSTER_INSTANCE, CLUSTER) and is_true(
        subject.props.get("publiclyAccessible")
    ):
        yield f"RDS {subject.name} sets publiclyAccessible: true."


def storage_encrypted(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Instances and clusters encrypt storage at rest."""
    if subject.type not in (INSTANCE, CLUSTER) or _is_replica(subject):
        return
    if not is_true(subject.props.get("storageEncrypted")):
        yield f"RDS {subject.name} does not set storageEncrypted: true."


def backup_retention(subject: Subject, settings: Settings) -> Iterator[str]:
    """Automated backups are kept at least the configured number of days."""
    if subject.type not in (INSTANCE, CLUSTER) or subject.props.get("replicateSourceDb"):
        return
    days = subject.props.get("backupRetentionPeriod")
    if not isinstance(days, int | float) or days < settings.min_backup_days:
        kept = f"{days:g}" if isinstance(days, int | float) else "unset"
        yield (
            f"RDS {subject.name} keeps backups {kept} day(s); "
            f"at least {settings.min_backup_days} required"
            f"{' in prod' if settings.is_prod else ''}."
        )


def managed_master_password(subject: Subject, _settings: Settings) -> Iterator[str]:
    """The master password is managed by RDS in Secrets Manager, never passed in."""
    if subject.type not in PASSWORD_INPUTS:
        return
    key = PASSWORD_INPUTS[subject.type]
    if subject.props.get(key):
        yield f"RDS {subject.name} sets {key}: a plaintext password ends up in state."
    if _is_replica(subject):
        return
    if not is_true(subject.props.get("manageMasterUserPassword")):
        yield f"RDS {subject.name} does not set manageMasterUserPassword: true."


def prod_deletion_protection(subject: Subject, settings: Settings) -> Iterator[str]:
    """Prod instances and clusters have deletion protection on."""
    if not settings.is_prod or subject.type not in (INSTANCE, CLUSTER):
        return
    if not is_true(subject.props.get("deletionProtection")):
        yield f"RDS {subject.name} in prod stack {settings.stack} lacks deletionProtection: true."


def prod_multi_az(subject: Subject, settings: Settings) -> Iterator[str]:
    """Prod instances run Multi-AZ."""
    if not settings.is_prod or subject.type != INSTANCE or _is_replica(subject):
        return
    if not is_true(subject.props.get("multiAz")):
        yield f"RDS {subject.name} in prod stack {settings.stack} is not multiAz."


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="rds-not-public",
        description="RDS instances and clusters are not publicly accessible.",
        remediation="Set publicly_accessible=False and keep the database in private subnets.",
        why="A database endpoint on the internet is one leaked password from a breach.",
        check=not_public,
    ),
    ResourceRule(
        name="rds-storage-encrypted",
        description="RDS instances and clusters encrypt storage at rest.",
        remediation="Set storage_encrypted=True (it cannot be changed later without a restore).",
        why="Disks, snapshots and backups are unreadable without the key.",
        check=storage_encrypted,
    ),
    ResourceRule(
        name="rds-backup-retention",
        description=(
            "RDS automated backups are kept at least minBackupDays (prodMinBackupDays in prod)."
        ),
        remediation="Raise backup_retention_period (config crosscloud:dbBackupRetentionDays).",
        why="Point-in-time restore only reaches back as far as retained backups.",
        check=backup_retention,
    ),
    ResourceRule(
        name="rds-managed-master-password",
        description=(
            "RDS master passwords are managed by RDS (manage_master_user_password), never passed "
            "in."
        ),
        remediation="Drop password/master_password and set manage_master_user_password=True.",
        why=(
            "A password input is stored in Pulumi state and config; a managed one never leaves AWS."
        ),
        check=managed_master_password,
    ),
    ResourceRule(
        name="rds-prod-deletion-protection",
        description="Prod RDS instances and clusters have deletion protection on.",
        remediation=(
            "Set deletion_protection=True for prod (crosscloud:environment prod does this)."
        ),
        why="A mistaken delete or replace cannot drop the prod database.",
        check=prod_deletion_protection,
    ),
    ResourceRule(
        name="rds-prod-multi-az",
        description="Prod RDS instances run Multi-AZ.",
        remediation="Set multi_az=True for prod (crosscloud:environment prod does this).",
        why="An availability-zone outage fails over instead of taking prod down.",
        check=prod_multi_az,
    ),
)
