"""Pack settings: the pack config's values with defaults, plus what the stack says about itself.

Each policy's config (``pulumi preview --policy-pack-config``) may set any
key of ``SCHEMA``; missing keys take the defaults below. Whether a stack is
prod or public comes from the pack config (``prodStacks``, ``publicStacks``)
or from the stack's own config (``crosscloud:environment``,
``crosscloud:publicApi``), whichever says so.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .exceptions import PolicyConfigError

PROJECT = "crosscloud"
ENFORCEMENT_LEVELS = ("mandatory", "advisory", "disabled")

# Actions AWS cannot scope to a resource ARN, so they may use Resource "*"
# (Lambda's VPC networking, metrics and traces).
UNSCOPABLE_ACTIONS = (
    "cloudwatch:PutMetricData",
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:UnassignPrivateIpAddresses",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
)

_STRINGS = {"type": "array", "items": {"type": "string"}}

# JSON schema of every setting, with its default; pack.py gives each policy this schema.
SCHEMA: dict[str, dict[str, Any]] = {
    "prodStacks": {
        **_STRINGS,
        "default": ["prod"],
        "description": "Stacks held to prod rules (also any stack whose environment is prod).",
    },
    "publicStacks": {
        **_STRINGS,
        "default": [],
        "description": "Stacks whose API may be public (also any stack with publicApi: true).",
    },
    "requiredTags": {
        **_STRINGS,
        "default": ["project", "stack", "environment", "owner", "cost-centre"],
        "description": "Tag (AWS) and label (GCP) keys every taggable resource must carry.",
    },
    "minBackupDays": {
        "type": "integer",
        "minimum": 0,
        "default": 1,
        "description": "Minimum automated backup retention of a database, in days.",
    },
    "prodMinBackupDays": {
        "type": "integer",
        "minimum": 0,
        "default": 7,
        "description": "Minimum automated backup retention of a prod database, in days.",
    },
    "minMemoryMb": {"type": "integer", "minimum": 128, "default": 128},
    "maxMemoryMb": {"type": "integer", "minimum": 128, "default": 4096},
    "minTimeoutSeconds": {"type": "integer", "minimum": 1, "default": 1},
    "maxTimeoutSeconds": {"type": "integer", "minimum": 1, "default": 60},
    "reservedConcurrencyStacks": {
        **_STRINGS,
        "default": [],
        "description": "Stacks whose every Lambda function must reserve concurrency (a cap).",
    },
    "unscopableActions": {
        **_STRINGS,
        "default": list(UNSCOPABLE_ACTIONS),
        "description": "IAM actions that may be granted on Resource '*'.",
    },
}


@dataclass(frozen=True)
class Settings:
    """Everything a rule may ask about the pack config and the stack."""

    stack: str
    is_prod: bool
    public_api: bool
    required_tags: tuple[str, ...]
    min_backup_days: int
    min_memory_mb: int
    max_memory_mb: int
    min_timeout_seconds: int
    max_timeout_seconds: int
    unscopable_actions: frozenset[str]
    reserved_concurrency_stacks: tuple[str, ...] = ()


def build_settings(
    policy_config: Mapping[str, Any] | None, stack: str, stack_config: Mapping[str, Any]
) -> Settings:
    """Settings for one policy from its pack config and the stack's name and config."""
    config = policy_config or {}
    prod_stacks = _strings(config, "prodStacks")
    public_stacks = _strings(config, "publicStacks")
    is_prod = stack in prod_stacks or str(stack_config.get(f"{PROJECT}:environment")) == "prod"
    public_api = stack in public_stacks or str(
        stack_config.get(f"{PROJECT}:publicApi", "false")
    ).lower() in ("true", "1")
    return Settings(
        stack=stack,
        is_prod=is_prod,
        public_api=public_api,
        required_tags=_strings(config, "requiredTags"),
        min_backup_days=_integer(config, "prodMinBackupDays" if is_prod else "minBackupDays"),
        min_memory_mb=_integer(config, "minMemoryMb"),
        max_memory_mb=_integer(config, "maxMemoryMb"),
        min_timeout_seconds=_integer(config, "minTimeoutSeconds"),
        max_timeout_seconds=_integer(config, "maxTimeoutSeconds"),
        unscopable_actions=frozenset(_strings(config, "unscopableActions")),
        reserved_concurrency_stacks=_strings(config, "reservedConcurrencyStacks"),
    )


def split_pack_config(
    pack_config: Mapping[str, Any] | None, policy: str, default_level: str
) -> tuple[str, Mapping[str, Any]]:
    """A policy's enforcement level and its own settings, read as the CLI reads a config file.

    The file maps ``all`` or a policy name to a level (``"advisory"``) or to an
    object of settings that may hold ``enforcementLevel``.
    """
    level = default_level
    settings: dict[str, Any] = {}
    for key in ("all", policy):
        entry = (pack_config or {}).get(key)
        if isinstance(entry, str):
            level = entry
        elif isinstance(entry, Mapping):
            level = str(entry.get("enforcementLevel", level))
            settings |= {k: v for k, v in entry.items() if k != "enforcementLevel"}
        elif entry is not None:
            raise PolicyConfigError(f"{key}: expected a level or an object, got {entry!r}")
    if level not in ENFORCEMENT_LEVELS:
        raise PolicyConfigError(
            f"{policy}.enforcementLevel: got {level!r}; allowed: {', '.join(ENFORCEMENT_LEVELS)}"
        )
    return level, settings


def _strings(config: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list-of-strings setting, or its default."""
    value = config.get(key, SCHEMA[key]["default"])
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise PolicyConfigError(f"{key}: expected a list of strings, got {value!r}")
    return tuple(value)


def _integer(config: Mapping[str, Any], key: str) -> int:
    """An integer setting at or above its minimum, or its default."""
    value = config.get(key, SCHEMA[key]["default"])
    # JSON config may carry whole numbers as floats (the engine's numbers are doubles).
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyConfigError(f"{key}: expected an integer, got {value!r}")
    if value < SCHEMA[key]["minimum"]:
        raise PolicyConfigError(f"{key}: got {value}; allowed: at least {SCHEMA[key]['minimum']}")
    return value
