"""Pack settings: defaults, pack config overrides, stack facts, and config errors naming keys."""

import pytest

from policies.crosscloud_policies.exceptions import PolicyConfigError
from policies.crosscloud_policies.settings import build_settings, split_pack_config


def test_defaults() -> None:
    """Without pack config a dev stack gets the documented defaults."""
    settings = build_settings(None, "dev", {})
    assert settings.is_prod is False
    assert settings.public_api is False
    assert settings.required_tags == ("project", "stack", "environment", "owner", "cost-centre")
    assert settings.min_backup_days == 1
    assert (settings.min_memory_mb, settings.max_memory_mb) == (128, 4096)
    assert (settings.min_timeout_seconds, settings.max_timeout_seconds) == (1, 60)
    assert settings.reserved_concurrency_stacks == ()


@pytest.mark.parametrize(
    ("config", "stack", "stack_config", "is_prod"),
    [
        (None, "prod", {}, True),
        (None, "eu", {"crosscloud:environment": "prod"}, True),
        ({"prodStacks": ["live"]}, "live", {}, True),
        ({"prodStacks": ["live"]}, "prod", {}, False),
        (None, "dev", {"crosscloud:environment": "dev"}, False),
    ],
)
def test_prod_from_pack_config_or_stack_config(
    config: dict[str, list[str]] | None, stack: str, stack_config: dict[str, str], is_prod: bool
) -> None:
    """A stack is prod when prodStacks names it or its environment is prod."""
    assert build_settings(config, stack, stack_config).is_prod is is_prod


def test_prod_uses_the_prod_backup_floor() -> None:
    """prodMinBackupDays applies in prod, minBackupDays elsewhere."""
    config = {"minBackupDays": 2, "prodMinBackupDays": 10}
    assert build_settings(config, "prod", {}).min_backup_days == 10
    assert build_settings(config, "dev", {}).min_backup_days == 2


@pytest.mark.parametrize(
    ("config", "stack", "stack_config", "public"),
    [
        (None, "local", {"crosscloud:publicApi": "true"}, True),
        ({"publicStacks": ["demo"]}, "demo", {}, True),
        (None, "dev", {"crosscloud:publicApi": "false"}, False),
    ],
)
def test_public_api_from_pack_or_stack_config(
    config: dict[str, list[str]] | None, stack: str, stack_config: dict[str, str], public: bool
) -> None:
    """A public API is declared by publicStacks or by crosscloud:publicApi."""
    assert build_settings(config, stack, stack_config).public_api is public


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"requiredTags": "owner"}, "requiredTags"),
        ({"maxMemoryMb": "big"}, "maxMemoryMb"),
        ({"minBackupDays": -1}, "minBackupDays"),
        ({"maxTimeoutSeconds": True}, "maxTimeoutSeconds"),
    ],
)
def test_bad_values_name_their_key(config: dict[str, object], key: str) -> None:
    """A wrong type or an out-of-range value raises an error naming the key."""
    with pytest.raises(PolicyConfigError, match=f"^{key}: "):
        build_settings(config, "dev", {})


def test_pack_config_levels_and_settings() -> None:
    """``all`` sets every level; a policy entry overrides it and carries settings."""
    pack_config = {
        "all": "advisory",
        "rds-backup-retention": {"enforcementLevel": "mandatory", "minBackupDays": 3},
    }
    assert split_pack_config(pack_config, "s3-versioning", "mandatory") == ("advisory", {})
    assert split_pack_config(pack_config, "rds-backup-retention", "mandatory") == (
        "mandatory",
        {"minBackupDays": 3},
    )
    assert split_pack_config(None, "s3-versioning", "mandatory") == ("mandatory", {})


def test_unknown_level_is_an_error() -> None:
    """A misspelt enforcement level is refused, naming the policy."""
    with pytest.raises(PolicyConfigError, match=r"s3-versioning\.enforcementLevel"):
        split_pack_config({"s3-versioning": "mandetory"}, "s3-versioning", "mandatory")
