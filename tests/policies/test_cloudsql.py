"""Cloud SQL rules: open networks, TLS, backups, prod deletion protection."""

from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import cloudsql
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
ALLOWED = "allowed: ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED."
CHECKS = (
    cloudsql.no_open_authorized_network,
    cloudsql.ssl_required,
    cloudsql.backups_enabled,
    cloudsql.prod_deletion_protection,
    cloudsql.log_flags,
    cloudsql.pgaudit_on,
)


SOUND_FLAGS = {
    "log_connections": "on",
    "log_disconnections": "on",
    "log_checkpoints": "on",
    "log_lock_waits": "on",
    "log_temp_files": "0",
    "log_min_duration_statement": "-1",
    "log_min_error_statement": "error",
    "log_min_messages": "warning",
    "cloudsql.enable_pgaudit": "on",
    "pgaudit.log": "ddl,role,write",
}


def instance_props(
    *,
    flags: dict[str, str] | None = None,
    networks: list[dict[str, str]] | None = None,
    ssl: str | None = "ENCRYPTED_ONLY",
    backups: bool = True,
    protected: bool = True,
    provider_protection: bool | None = None,
) -> dict[str, Any]:
    """A DatabaseInstance's inputs, sound by default."""
    props: dict[str, Any] = {
        "databaseVersion": "POSTGRES_16",
        "settings": {
            "tier": "db-f1-micro",
            "ipConfiguration": {
                "ipv4Enabled": False,
                "sslMode": ssl,
                "authorizedNetworks": networks or [],
            },
            "backupConfiguration": {"enabled": backups, "pointInTimeRecoveryEnabled": backups},
            "deletionProtectionEnabled": protected,
            "databaseFlags": [
                {"name": name, "value": value}
                for name, value in (SOUND_FLAGS if flags is None else flags).items()
            ],
        },
    }
    if provider_protection is not None:
        props["deletionProtection"] = provider_protection
    return props


def messages(props: dict[str, Any], settings: Settings, subject: MakeSubject) -> list[str]:
    """Every Cloud SQL rule's messages for an instance named sql."""
    instance = subject(cloudsql.INSTANCE, props, name="sql")
    return [m for check in CHECKS for m in check(instance, settings)]


def test_sound_instance_passes_in_prod(subject: MakeSubject, prod_settings: Settings) -> None:
    """Private, TLS-only, backed-up and protected passes every rule."""
    assert messages(instance_props(), prod_settings, subject) == []


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (
            instance_props(
                networks=[
                    {"name": "office", "value": "203.0.113.0/24"},
                    {"name": "all", "value": "0.0.0.0/0"},
                ]
            ),
            ["Cloud SQL sql authorizes 0.0.0.0/0 (all)."],
        ),
        (
            instance_props(ssl="ALLOW_UNENCRYPTED_AND_ENCRYPTED"),
            [f"Cloud SQL sql has sslMode ALLOW_UNENCRYPTED_AND_ENCRYPTED; {ALLOWED}"],
        ),
        (
            instance_props(ssl=None),
            [f"Cloud SQL sql has sslMode unset; {ALLOWED}"],
        ),
        (
            instance_props(backups=False),
            ["Cloud SQL sql does not set settings.backupConfiguration.enabled: true."],
        ),
        (
            instance_props(protected=False),
            ["Cloud SQL sql in prod stack prod lacks settings.deletionProtectionEnabled: true."],
        ),
        (
            instance_props(provider_protection=False),
            ["Cloud SQL sql in prod stack prod sets deletionProtection: false."],
        ),
    ],
)
def test_each_weakness_fails_in_prod(
    props: dict[str, Any], expected: list[str], subject: MakeSubject, prod_settings: Settings
) -> None:
    """One weakened setting gives exactly its message."""
    assert messages(props, prod_settings, subject) == expected


def test_dev_may_leave_deletion_protection_off(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Deletion protection is a prod-only requirement."""
    props = instance_props(protected=False, provider_protection=False)
    assert messages(props, dev_settings, subject) == []


def with_flag(name: str, value: str | None) -> dict[str, Any]:
    """Sound instance inputs with one flag changed (or removed, for None)."""
    flags = {k: v for k, v in SOUND_FLAGS.items() if k != name}
    if value is not None:
        flags[name] = value
    return instance_props(flags=flags)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("log_connections", "off", "Cloud SQL sql has log_connections off, not on."),
        ("log_lock_waits", None, "Cloud SQL sql has log_lock_waits unset, not on."),
        ("log_temp_files", "-1", "Cloud SQL sql has log_temp_files -1; allowed: 0 or more kB."),
        (
            "log_min_duration_statement",
            "0",
            "Cloud SQL sql has log_min_duration_statement 0; allowed: -1 or at least 100 ms.",
        ),
        (
            "log_min_duration_statement",
            None,
            "Cloud SQL sql has log_min_duration_statement unset; allowed: -1 or at least 100 ms.",
        ),
        (
            "log_min_error_statement",
            "panic",
            "Cloud SQL sql has log_min_error_statement panic; allowed: notice, warning, error.",
        ),
        (
            "log_min_messages",
            "debug1",
            "Cloud SQL sql has log_min_messages debug1; allowed: notice, warning, error.",
        ),
        (
            "cloudsql.enable_pgaudit",
            "off",
            "Cloud SQL sql does not set cloudsql.enable_pgaudit: on.",
        ),
        ("pgaudit.log", "write", "Cloud SQL sql has pgaudit.log write, without ddl, role."),
        ("pgaudit.log", None, "Cloud SQL sql has pgaudit.log unset, without ddl, role."),
    ],
)
def test_each_missing_record_fails(
    name: str, value: str | None, expected: str, subject: MakeSubject, dev_settings: Settings
) -> None:
    """One weakened log or audit flag gives exactly its message, in dev as in prod."""
    assert messages(with_flag(name, value), dev_settings, subject) == [expected]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("log_min_duration_statement", "1000"),
        ("log_temp_files", "10240"),
        ("log_min_messages", "notice"),
        ("pgaudit.log", "role, ddl"),
        ("pgaudit.log", "all"),
    ],
)
def test_other_sane_record_settings_pass(
    name: str, value: str, subject: MakeSubject, dev_settings: Settings
) -> None:
    """A slow-statement threshold, a temp-file floor, other levels and wider audit pass."""
    assert messages(with_flag(name, value), dev_settings, subject) == []
