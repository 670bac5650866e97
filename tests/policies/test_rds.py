"""RDS rules: public access, encryption, backups, managed password, prod durability."""

from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import rds
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
# The shape PostgresDatabase registers in prod.
SOUND: dict[str, Any] = {
    "engine": "postgres",
    "publiclyAccessible": False,
    "storageEncrypted": True,
    "backupRetentionPeriod": 14.0,
    "manageMasterUserPassword": True,
    "username": "crosscloud_admin",
    "deletionProtection": True,
    "multiAz": True,
}
CHECKS = (
    rds.not_public,
    rds.storage_encrypted,
    rds.backup_retention,
    rds.managed_master_password,
    rds.prod_deletion_protection,
    rds.prod_multi_az,
)


def messages(props: dict[str, Any], settings: Settings, subject: MakeSubject) -> list[str]:
    """Every RDS rule's messages for one instance named db."""
    instance = subject(rds.INSTANCE, props, name="db")
    return [m for check in CHECKS for m in check(instance, settings)]


def test_sound_instance_passes_in_prod(subject: MakeSubject, prod_settings: Settings) -> None:
    """The database component's prod shape passes every RDS rule."""
    assert messages(SOUND, prod_settings, subject) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"publiclyAccessible": True}, "RDS db sets publiclyAccessible: true."),
        ({"storageEncrypted": False}, "RDS db does not set storageEncrypted: true."),
        (
            {"backupRetentionPeriod": 3.0},
            "RDS db keeps backups 3 day(s); at least 7 required in prod.",
        ),
        (
            {"backupRetentionPeriod": None},
            "RDS db keeps backups unset day(s); at least 7 required in prod.",
        ),
        ({"password": "hunter2"}, "RDS db sets password: a plaintext password ends up in state."),
        ({"manageMasterUserPassword": None}, "RDS db does not set manageMasterUserPassword: true."),
        (
            {"deletionProtection": False},
            "RDS db in prod stack prod lacks deletionProtection: true.",
        ),
        ({"multiAz": False}, "RDS db in prod stack prod is not multiAz."),
    ],
)
def test_each_weakness_fails_in_prod(
    change: dict[str, Any], expected: str, subject: MakeSubject, prod_settings: Settings
) -> None:
    """One weakened input gives exactly its own message."""
    assert messages({**SOUND, **change}, prod_settings, subject) == [expected]


def test_dev_needs_neither_multi_az_nor_deletion_protection(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Dev keeps a day of backups without Multi-AZ or deletion protection."""
    dev = {**SOUND, "multiAz": False, "deletionProtection": False, "backupRetentionPeriod": 1.0}
    assert messages(dev, dev_settings, subject) == []


def test_backup_days_come_from_pack_config(subject: MakeSubject, subject_settings: Any) -> None:
    """minBackupDays raises the dev floor."""
    settings = subject_settings({"rds-backup-retention": {"minBackupDays": 5}}, "dev")
    instance = subject(rds.INSTANCE, {**SOUND, "backupRetentionPeriod": 3.0}, name="db")
    assert list(rds.backup_retention(instance, settings)) == [
        "RDS db keeps backups 3 day(s); at least 5 required."
    ]


def test_cluster_password_is_master_password(subject: MakeSubject, dev_settings: Settings) -> None:
    """Clusters take masterPassword; it fails the same way."""
    cluster = subject(
        rds.CLUSTER, {"masterPassword": "x", "manageMasterUserPassword": None}, name="c"
    )
    assert list(rds.managed_master_password(cluster, dev_settings)) == [
        "RDS c sets masterPassword: a plaintext password ends up in state.",
        "RDS c does not set manageMasterUserPassword: true.",
    ]


def test_read_replica_inherits_password_and_encryption(
    subject: MakeSubject, prod_settings: Settings
) -> None:
    """A replica sets neither a password nor encryption nor backups of its own."""
    replica = subject(
        rds.INSTANCE,
        {"replicateSourceDb": "db", "deletionProtection": True, "publiclyAccessible": False},
    )
    assert [m for check in CHECKS for m in check(replica, prod_settings)] == []
