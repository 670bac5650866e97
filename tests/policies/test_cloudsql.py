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
)


def instance_props(
    *,
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
