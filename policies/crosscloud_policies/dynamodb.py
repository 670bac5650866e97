"""DynamoDB: point-in-time recovery always, deletion protection in prod."""

from collections.abc import Iterator

from .core import ResourceRule, Rule, Subject, dig, is_true
from .settings import Settings

TABLE = "aws:dynamodb/table:Table"


def point_in_time_recovery(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Tables have point-in-time recovery on."""
    if subject.type == TABLE and not is_true(dig(subject.props, "pointInTimeRecovery", "enabled")):
        yield f"DynamoDB table {subject.name} does not enable pointInTimeRecovery."


def prod_deletion_protection(subject: Subject, settings: Settings) -> Iterator[str]:
    """Prod tables have deletion protection on."""
    protected = is_true(subject.props.get("deletionProtectionEnabled"))
    if settings.is_prod and subject.type == TABLE and not protected:
        yield (
            f"DynamoDB table {subject.name} in prod stack {settings.stack} lacks "
            "deletionProtectionEnabled: true."
        )


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="dynamodb-point-in-time-recovery",
        description="DynamoDB tables have point-in-time recovery on.",
        remediation="Set point_in_time_recovery={'enabled': True}.",
        why="Any second of the last 35 days can be restored after a bad write.",
        check=point_in_time_recovery,
    ),
    ResourceRule(
        name="dynamodb-prod-deletion-protection",
        description="Prod DynamoDB tables have deletion protection on.",
        remediation="Set deletion_protection_enabled=True in prod (IndexTable does this).",
        why="A mistaken delete or replace cannot drop the prod table.",
        check=prod_deletion_protection,
    ),
)
