"""DynamoDB rules: point-in-time recovery, prod deletion protection."""

from collections.abc import Callable

from policies.crosscloud_policies import dynamodb
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]


def test_table_with_recovery_and_protection_passes_in_prod(
    subject: MakeSubject, prod_settings: Settings
) -> None:
    """IndexTable's prod table passes both rules."""
    table = subject(
        dynamodb.TABLE,
        {"pointInTimeRecovery": {"enabled": True}, "deletionProtectionEnabled": True},
    )
    assert list(dynamodb.point_in_time_recovery(table, prod_settings)) == []
    assert list(dynamodb.prod_deletion_protection(table, prod_settings)) == []


def test_table_without_recovery_fails(subject: MakeSubject, dev_settings: Settings) -> None:
    """No pointInTimeRecovery block (or enabled false) fails."""
    table = subject(dynamodb.TABLE, {"pointInTimeRecovery": {"enabled": False}}, name="t")
    assert list(dynamodb.point_in_time_recovery(table, dev_settings)) == [
        "DynamoDB table t does not enable pointInTimeRecovery."
    ]


def test_unprotected_table_fails_only_in_prod(
    subject: MakeSubject, dev_settings: Settings, prod_settings: Settings
) -> None:
    """Deletion protection is required in prod, not in dev."""
    table = subject(dynamodb.TABLE, {"pointInTimeRecovery": {"enabled": True}}, name="t")
    assert list(dynamodb.prod_deletion_protection(table, dev_settings)) == []
    assert list(dynamodb.prod_deletion_protection(table, prod_settings)) == [
        "DynamoDB table t in prod stack prod lacks deletionProtectionEnabled: true."
    ]
