"""Rules for the Google Cloud resource types this program registers, read from the provider sources.

Sources (hashicorp/terraform-provider-google, generated from GoogleCloudPlatform/magic-modules):
  google/verify/validation.go @0937ec5 (ValidateRFC1035Name, RFC1035NameTemplate),
  google/services/resourcemanager/resource_google_service_account.go @0540ffe,
  google/services/iambeta/resource_iam_workload_identity_pool.go @0937ec5,
  google/services/iambeta/resource_iam_workload_identity_pool_provider.go @0937ec5,
  google/services/resourcemanager/resource_google_project_service.go @1658bf8,
  google/tpgiamresource/resource_iam_audit_config.go @0262be6 (log_type: no validator;
  its description lists the values the IAM API accepts);
GoogleCloudPlatform/magic-modules mmv1/products/cloudscheduler/Job.yaml @059355f (with
  google/services/cloudscheduler's validateHttpHeaders), mmv1/products/pubsub/Topic.yaml @0188a8d.
Cloud SQL database flags: the provider checks neither names nor values
(google/services/sql/resource_sql_database_instance.go, database_flags: name and
value are plain strings); the Cloud SQL Admin API refuses an unsupported flag or
value at apply. The values below are PostgreSQL's own (postgresql.org/docs/17
runtime-config-logging.html; pgaudit.log: github.com/pgaudit/pgaudit README),
which Cloud SQL's supported-flags page (cloud.google.com/sql/docs/postgres/flags)
restates; a flag not in the table is reported so it gets read before it ships.
Rules marked CLOUD_API are the API's own limits (documented in the schema
descriptions or the API reference), which fail at apply.
"""

import base64
import binascii
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any

from tooling.preflight.provider_rules.checks import (
    AllOf,
    DoesNotMatch,
    ExactlyOneOf,
    IntRange,
    Length,
    Matches,
    OneOf,
    Predicate,
)
from tooling.preflight.provider_rules.engine import CLOUD_API, AutoName, Rule

TFGOOGLE = "hashicorp/terraform-provider-google google/"
LABELS = (
    "Google Cloud label requirements (API reference of every labels field, e.g. "
    "Instance.labels: keys 1-63 starting with a lowercase letter, values 0-63 of lowercase "
    "letters, digits, _ and -)"
)

# ValidateRFC1035Name(6, 30) = ^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$
SERVICE_ACCOUNT_ID = Matches(
    r"[a-z](?:[-a-z0-9]{4,28}[a-z0-9])",
    "6-30 lowercase letters, digits and hyphens, starting with a letter, not ending with -",
)
# ValidateWorkloadIdentityPoolId / ValidateWorkloadIdentityPoolProviderId
WORKLOAD_IDENTITY_ID = AllOf(
    (
        Matches(r"[0-9a-z-]+", "lowercase letters, digits and hyphens"),
        Length(4, 32),
        DoesNotMatch(r"^gcp-", "not starting with gcp-"),
    )
)
LABEL_KEY = Matches(
    r"[a-z][a-z0-9_-]{0,62}", "1-63 lowercase letters, digits, _ and -, from a letter"
)
LABEL_VALUE = Matches(r"[a-z0-9_-]{0,63}", "0-63 lowercase letters, digits, _ and -")


def _exactly_one_of_aws_oidc(inputs: Any) -> bool:
    """ExactlyOneOf: []string{"aws", "oidc"}."""
    if not isinstance(inputs, Mapping):
        return False
    return sum(inputs.get(key) not in (None, {}, []) for key in ("aws", "oidc")) == 1


# validateProjectServiceService: these are enabled only as a side effect of others, or renamed.
UNSETTABLE_SERVICES = (
    "dataproc-control.googleapis.com",
    "source.googleapis.com",
    "stackdriverprovisioning.googleapis.com",
    "bigquery-json.googleapis.com",
)


def _is_settable_service(value: Any) -> bool:
    """A service domain such as serviceusage.googleapis.com, not an ignored or banned one."""
    return isinstance(value, str) and "." in value and value not in UNSETTABLE_SERVICES


_ON_OFF = ("on", "off")
_PG_LEVELS = (
    "debug5", "debug4", "debug3", "debug2", "debug1",
    "info", "notice", "warning", "error", "log", "fatal", "panic",
)  # fmt: skip
_PGAUDIT_CLASSES = ("read", "write", "function", "role", "ddl", "misc", "misc_set", "all")
_PG_INT_MAX = 2_147_483_647


def _pg_int(value: str, low: int) -> bool:
    """A decimal integer from ``low`` to INT_MAX, as PostgreSQL parses an integer GUC."""
    try:
        number = int(value)
    except ValueError:
        return False
    return low <= number <= _PG_INT_MAX


def _pgaudit_log(value: str) -> bool:
    """``none``, or a comma list of pgAudit classes, each optionally excluded with ``-``."""
    if value == "none":
        return True
    parts = [part.strip().lower().removeprefix("-") for part in value.split(",")]
    return all(part in _PGAUDIT_CLASSES for part in parts)


CLOUD_SQL_FLAGS: Mapping[str, Any] = {
    "cloudsql.iam_authentication": lambda v: v in _ON_OFF,
    "cloudsql.enable_pgaudit": lambda v: v in _ON_OFF,
    "log_connections": lambda v: v in _ON_OFF,
    "log_disconnections": lambda v: v in _ON_OFF,
    "log_checkpoints": lambda v: v in _ON_OFF,
    "log_lock_waits": lambda v: v in _ON_OFF,
    "log_temp_files": lambda v: _pg_int(v, -1),
    "log_min_duration_statement": lambda v: _pg_int(v, -1),
    "log_min_error_statement": lambda v: v in _PG_LEVELS,
    "log_min_messages": lambda v: v in _PG_LEVELS,
    "pgaudit.log": _pgaudit_log,
}


def _is_supported_flag(flag: Any) -> bool:
    """A ``{name, value}`` flag whose name is in ``CLOUD_SQL_FLAGS`` and whose value it accepts."""
    if not isinstance(flag, Mapping):
        return False
    accepts = CLOUD_SQL_FLAGS.get(str(flag.get("name")))
    value = flag.get("value")
    return accepts is not None and isinstance(value, str) and bool(accepts(value))


_DURATION = re.compile(r"(\d+)(?:\.\d{1,9})?s")


def _seconds_between(low: int, high: int) -> Predicate:
    """A protobuf Duration string (``"3.5s"``) from ``low`` to ``high`` seconds."""

    def test(value: Any) -> bool:
        match = _DURATION.fullmatch(value) if isinstance(value, str) else None
        return match is not None and low <= float(value[:-1]) <= high

    return Predicate(test, f'a duration such as "{low}s", from {low} s to {high} s')


def _is_base64(value: Any) -> bool:
    """``validateBase64String``: standard base64 that decodes."""
    try:
        base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_time_zone(value: Any) -> bool:
    """A tz database name (Cloud Scheduler refuses any other time zone at create)."""
    return isinstance(value, str) and value in zoneinfo.available_timezones()


AUTONAMES: tuple[AutoName, ...] = ()

_JOB = "gcp:cloudscheduler/job:Job"
_JOB_SOURCE = "GoogleCloudPlatform/magic-modules mmv1/products/cloudscheduler/Job.yaml"
_TOPIC = "gcp:pubsub/topic:Topic"
_TOPIC_SOURCE = "GoogleCloudPlatform/magic-modules mmv1/products/pubsub/Topic.yaml"

_POOL = f"{TFGOOGLE}services/iambeta/resource_iam_workload_identity_pool.go"
_PROVIDER = f"{TFGOOGLE}services/iambeta/resource_iam_workload_identity_pool_provider.go"

RULES: tuple[Rule, ...] = (
    Rule(
        "gcp:serviceaccount/account:Account",
        "accountId",
        SERVICE_ACCOUNT_ID,
        f"{TFGOOGLE}services/resourcemanager/resource_google_service_account.go account_id "
        "ValidateRFC1035Name(6, 30)",
    ),
    Rule(
        "gcp:serviceaccount/account:Account",
        "description",
        Length(0, 256),
        f"{TFGOOGLE}services/resourcemanager/resource_google_service_account.go description",
    ),
    Rule(
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
        "workloadIdentityPoolId",
        WORKLOAD_IDENTITY_ID,
        f"{_POOL} ValidateWorkloadIdentityPoolId",
    ),
    Rule(
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
        "displayName",
        Length(0, 32),
        f"{_POOL} display_name ('Cannot exceed 32 characters')",
        CLOUD_API,
    ),
    Rule(
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
        "description",
        Length(0, 256),
        f"{_POOL} description ('Cannot exceed 256 characters')",
        CLOUD_API,
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "workloadIdentityPoolProviderId",
        WORKLOAD_IDENTITY_ID,
        f"{_PROVIDER} ValidateWorkloadIdentityPoolProviderId",
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "displayName",
        Length(0, 32),
        f"{_PROVIDER} display_name ('Cannot exceed 32 characters')",
        CLOUD_API,
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "attributeCondition",
        Length(0, 4096),
        f"{_PROVIDER} attribute_condition ('maximum length ... is 4096 characters')",
        CLOUD_API,
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "",
        Predicate(_exactly_one_of_aws_oidc, "exactly one of aws and oidc"),
        f"{_PROVIDER} aws/oidc ExactlyOneOf",
    ),
    Rule(
        "gcp:projects/service:Service",
        "service",
        Predicate(
            _is_settable_service,
            "a service domain such as serviceusage.googleapis.com, not one of "
            + ", ".join(UNSETTABLE_SERVICES),
        ),
        f"{TFGOOGLE}services/resourcemanager/resource_google_project_service.go "
        "validateProjectServiceService",
    ),
    Rule(
        "gcp:secretmanager/secret:Secret",
        "secretId",
        AllOf((Length(1, 255), Matches(r"[A-Za-z0-9_-]+", "letters, digits, - and _"))),
        "Secret Manager API projects.secrets.create secretId",
        CLOUD_API,
    ),
    Rule("pulumi:providers:gcp", "defaultLabels{key}", LABEL_KEY, LABELS, CLOUD_API),
    Rule("pulumi:providers:gcp", "defaultLabels{}", LABEL_VALUE, LABELS, CLOUD_API),
    Rule(
        "gcp:sql/databaseInstance:DatabaseInstance",
        "settings.userLabels{key}",
        LABEL_KEY,
        LABELS,
        CLOUD_API,
    ),
    Rule(
        "gcp:sql/databaseInstance:DatabaseInstance",
        "settings.userLabels{}",
        LABEL_VALUE,
        LABELS,
        CLOUD_API,
    ),
    Rule(
        "gcp:sql/databaseInstance:DatabaseInstance",
        "settings.databaseFlags[]",
        Predicate(
            _is_supported_flag,
            "a flag of "
            + ", ".join(CLOUD_SQL_FLAGS)
            + " with a value PostgreSQL accepts (on/off; integers from -1; message levels "
            "debug5..panic; pgaudit.log classes)",
        ),
        "Cloud SQL Admin API database flags (cloud.google.com/sql/docs/postgres/flags); "
        "PostgreSQL 17 runtime-config-logging; pgaudit README",
        CLOUD_API,
    ),
    Rule(
        "gcp:projects/iAMAuditConfig:IAMAuditConfig",
        "auditLogConfigs[].logType",
        OneOf(("DATA_READ", "DATA_WRITE", "ADMIN_READ")),
        f"{TFGOOGLE}tpgiamresource/resource_iam_audit_config.go log_type description "
        "('Must be one of DATA_READ, DATA_WRITE, or ADMIN_READ')",
        CLOUD_API,
    ),
    Rule(
        _JOB,
        "name",
        AllOf((Length(1, 500), Matches(r"[A-Za-z0-9_-]+", "letters, digits, - and _"))),
        "Cloud Scheduler API projects.locations.jobs name (JOB_ID: letters, digits, hyphens "
        "and underscores, at most 500 characters)",
        CLOUD_API,
    ),
    Rule(_JOB, "description", Length(0, 500), f"{_JOB_SOURCE} description", CLOUD_API),
    Rule(
        _JOB,
        "timeZone",
        Predicate(_is_time_zone, "a tz database time zone name such as Europe/Paris"),
        f"{_JOB_SOURCE} timeZone ('must be a time zone name from the tz database')",
        CLOUD_API,
    ),
    Rule(
        _JOB,
        "",
        ExactlyOneOf(("pubsubTarget", "httpTarget", "appEngineHttpTarget")),
        f"{_JOB_SOURCE} pubsubTarget/httpTarget/appEngineHttpTarget exactly_one_of",
    ),
    Rule(
        _JOB,
        "attemptDeadline",
        _seconds_between(15, 1800),
        f"{_JOB_SOURCE} attemptDeadline ('For HTTP targets, between 15 seconds and 30 minutes')",
        CLOUD_API,
    ),
    Rule(
        _JOB,
        "retryConfig.retryCount",
        IntRange(0, 5),
        f"{_JOB_SOURCE} retryConfig.retryCount ('Values greater than 5 and negative values "
        "are not allowed')",
        CLOUD_API,
    ),
    Rule(
        _JOB,
        "httpTarget.body",
        Predicate(_is_base64, "a base64-encoded string"),
        f"{_JOB_SOURCE} httpTarget.body validateBase64String",
    ),
    Rule(
        _JOB,
        "httpTarget.headers{key}",
        AllOf(
            (
                DoesNotMatch(r"^Content-Length$", "not Content-Length"),
                DoesNotMatch(r"(X-Google-|X-AppEngine-)", "no X-Google-* or X-AppEngine-* header"),
            )
        ),
        f"{_JOB_SOURCE} httpTarget.headers validateHttpHeaders()",
    ),
    Rule(
        _TOPIC,
        "name",
        AllOf(
            (
                Length(3, 255),
                Matches(r"[A-Za-z][A-Za-z0-9._~+%-]*", "from a letter: letters, digits, -_.~+%"),
                DoesNotMatch(r"^goog", "not starting with goog"),
            )
        ),
        "Pub/Sub resource names (cloud.google.com/pubsub/docs/pubsub-basics#resource_names: "
        "3-255 characters, starting with a letter, not with goog)",
        CLOUD_API,
    ),
    Rule(
        _TOPIC,
        "messageRetentionDuration",
        _seconds_between(600, 31 * 24 * 3600),
        f"{_TOPIC_SOURCE} messageRetentionDuration ('Cannot be more than 31 days or less "
        "than 10 minutes')",
        CLOUD_API,
    ),
    Rule(
        _TOPIC,
        "messageStoragePolicy.allowedPersistenceRegions",
        Predicate(lambda v: isinstance(v, list) and bool(v), "at least one region"),
        f"{_TOPIC_SOURCE} allowedPersistenceRegions ('An empty list ... is not a valid "
        "configuration')",
        CLOUD_API,
    ),
    Rule(_TOPIC, "labels{key}", LABEL_KEY, LABELS, CLOUD_API),
    Rule(_TOPIC, "labels{}", LABEL_VALUE, LABELS, CLOUD_API),
    Rule("gcp:storage/bucket:Bucket", "labels{key}", LABEL_KEY, LABELS, CLOUD_API),
    Rule("gcp:storage/bucket:Bucket", "labels{}", LABEL_VALUE, LABELS, CLOUD_API),
)
