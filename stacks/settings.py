"""Stack settings: read once from Pulumi config into frozen dataclasses, validated on the way in.

Defaults live in ``Pulumi.yaml`` (``config:``), stacks override them in
``Pulumi.<stack>.yaml``. Every invalid or missing value is reported at once,
naming the key and what is allowed, before any resource is registered.
"""

import ipaddress
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from function_builds.runtime import ARCHITECTURES
from stacks.config_reader import ConfigReader
from stacks.gcp.accounts import stack_account_ids
from stacks.profile import PROFILES, EnvironmentProfile

PROJECT = "crosscloud"

CLOUD_CHOICES = ("aws", "gcp", "both")
ENVIRONMENTS = tuple(PROFILES)
GCP_INGRESS = ("ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB")
# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827)
# What VPC flow logs record: rejected connections only, or every flow (about ten times more).
FLOW_LOG_TRAFFIC = ("REJECT", "ALL")
# RDS enhanced monitoring intervals (terraform-provider-aws rds/instance.go monitoring_interval,
# IntInSlice); 0 turns it off.
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)

_TAG_VALUE = r"[A-Za-z0-9][A-Za-z0-9 ._:/=+@-]{0,62}"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_ORIGIN = re.compile(r"https://[a-z0-9.-]+(:\d{1,5})?|http://(localhost|127\.0\.0\.1)(:\d{1,5})?")
_GCP_MEMBER = re.compile(r"(user|serviceAccount|group|domain|principal|principalSet):\S+")
_SECRET_NAME = re.compile(r"[a-z][a-zA-Z0-9]{2,62}")
# Physical names are "crosscloud-<stack>-...". The tightest are the GCP service account ids
# "crosscloud-<stack>-api", "-build", "-rpt" and "-sched": 6-30 of [a-z]([-a-z0-9]*[a-z0-9])
# (ValidateRFC1035Name(6, 30), terraform-provider-google resource_google_service_account.go);
# RDS identifiers also refuse upper case, "--" and a trailing "-" (validIdentifier,
# terraform-provider-aws rds/validate.go).
STACK_NAME_MAX = 30 - max(len(account_id) for account_id in stack_account_ids(f"{PROJECT}-"))
_STACK_NAME = re.compile(rf"[a-z](?:[a-z0-9]|-(?=[a-z0-9])){{0,{STACK_NAME_MAX - 1}}}")
# Names reserved for documentation and testing (RFC 2606, RFC 6761): no mailbox
# or Google identity exists there, so SNS never delivers and Google IAM refuses
# the member halfway through a deploy. Refused here, before anything registers.
_RESERVED_DOMAIN = re.compile(
    r"(.*\.)?(example\.(com|net|org)|[^.]+\.(example|test|invalid|localhost))", re.IGNORECASE
)
RESERVED_NAMES = "example.com/.net/.org, .example, .test, .invalid and .localhost are reserved"


# The report's weekly schedule, written once for both clouds: "minute hour * * day" (unix
# cron, which Cloud Scheduler takes as is; EventBridge Scheduler gets it as cron(...)).
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_WEEKLY_CRON = re.compile(r"([0-5]?\d) ([01]?\d|2[0-3]) \* \* ([0-6]|SUN|MON|TUE|WED|THU|FRI|SAT)")
# Names of the IANA time zone database, which both schedulers take (EventBridge Scheduler's
# ScheduleExpressionTimezone, Cloud Scheduler's time_zone). A pattern let "Europe/Pariss"
# through to fail at CreateSchedule and refused "GMT"; the database on this machine decides.
# Its file-system form also holds entries that are no zone.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules", "posix", "right"})


# PostgreSQL message levels that still record every ERROR without debug noise:
# info and debug* flood the log; log, fatal and panic drop failing statements.
DB_LOG_LEVELS = ("notice", "warning", "error")
# pgAudit session classes (github.com/pgaudit/pgaudit README, "pgaudit.log"). "ddl" and
# "role" (schema and privilege changes) are rare and always recorded; the rest are a choice.
DB_AUDIT_CLASSES = ("ddl", "role", "write", "read", "function", "misc", "misc_set")
DB_AUDIT_REQUIRED = ("ddl", "role")
# PostgreSQL integer GUCs top out at INT_MAX.
PG_INT_MAX = 2_147_483_647
# log_min_duration_statement below this logs nearly every statement, with its values.
DB_MIN_SLOW_MS = 100


@dataclass(frozen=True)
class DatabaseLogSettings:
    """What the PostgreSQL server log and pgAudit record, the same on RDS and Cloud SQL.

    Connections, disconnections, checkpoints and lock waits are always logged;
    these are the levels and thresholds a stack may choose.
    """

    # log_min_duration_statement: -1 off (Query Insights / Performance Insights
    # still record slow queries, without literal values), else the threshold.
    min_duration_ms: int = -1
    # log_temp_files: 0 logs every temporary file, -1 none, else the size floor.
    temp_files_kb: int = 0
    min_error_statement: str = "error"
    min_messages: str = "warning"
    # pgaudit.log, in this order.
    audit_classes: tuple[str, ...] = ("ddl", "role", "write")


@dataclass(frozen=True)
class DatabaseSettings:
    """The channels database (RDS PostgreSQL on AWS, Cloud SQL on GCP)."""

    instance_class: str
    gcp_tier: str
    allocated_storage_gb: int
    max_allocated_storage_gb: int
    backup_retention_days: int
    logging: DatabaseLogSettings = field(default_factory=DatabaseLogSettings)
    # RDS enhanced monitoring, seconds between OS samples; 0 is off (it costs per instance).
    monitoring_interval_seconds: int = 0


@dataclass(frozen=True)
class FunctionSettings:
    """Limits shared by the API functions on both clouds."""

    memory_mb: int
    timeout_seconds: int
    # None: no reservation (the function draws on the account's shared pool).
    reserved_concurrency: int | None
    # The same, for the S3-triggered indexer (a burst of uploads is a burst of invokes).
    indexer_reserved_concurrency: int | None
    max_instances: int
    architecture: str
    log_retention_days: int


@dataclass(frozen=True)
class ReportSettings:
    """The weekly uploads report: when it runs and who is told."""

    minute: int
    hour: int
    # SUN..SAT.
    weekday: str
    time_zone: str
    emails: tuple[str, ...]

    @property
    def unix_cron(self) -> str:
        """Cloud Scheduler's form: ``0 6 * * 1``."""
        return f"{self.minute} {self.hour} * * {WEEKDAYS.index(self.weekday)}"

    @property
    def aws_cron(self) -> str:
        """EventBridge Scheduler's form: ``cron(0 6 ? * MON *)``."""
        return f"cron({self.minute} {self.hour} ? * {self.weekday} *)"


@dataclass(frozen=True)
class AwsSettings:
    """AWS-only settings."""

    region: str
    vpc_cidr: str
    nat_gateway: bool
    # VPC flow logs: REJECT (connections refused by a security group) or ALL.
    flow_log_traffic: str = "REJECT"
    # Only for the local stack: every AWS API call goes to this emulator.
    endpoint_url: str = ""


@dataclass(frozen=True)
class GcpSettings:
    """Google Cloud-only settings."""

    project: str
    region: str
    ingress: str
    invokers: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    """Everything the program reads from config, validated."""

    stack: str
    environment: str
    # Every dev-versus-prod difference, decided by ``environment``.
    profile: EnvironmentProfile
    owner: str
    cost_centre: str
    alarm_emails: tuple[str, ...]
    public_api: bool
    cors_origins: tuple[str, ...]
    database: DatabaseSettings
    functions: FunctionSettings
    # Days audit records are kept: VPC flow logs, S3 access logs, the database's log.
    audit_log_retention_days: int
    app_secrets: Mapping[str, pulumi.Output[str]] = field(repr=False)
    report: ReportSettings = field(default_factory=lambda: ReportSettings(0, 6, "MON", "UTC", ()))
    aws: AwsSettings | None = None
    gcp: GcpSettings | None = None

    @property
    def tags(self) -> dict[str, str]:
        """Tags every taggable AWS resource carries (through the provider's default tags)."""
        return {
            "project": PROJECT,
            "stack": self.stack,
            "environment": self.environment,
            "owner": self.owner,
            "cost-centre": self.cost_centre,
        }

    @property
    def labels(self) -> dict[str, str]:
        """The same as GCP labels, which allow only lowercase letters, digits, ``_`` and ``-``."""
        return {key: _to_label(value) for key, value in self.tags.items()}

    def resource_prefix(self) -> str:
        """Prefix of physical names, so two stacks never collide in one account."""
        return f"{PROJECT}-{self.stack}"


def _is_deliverable_email(value: str) -> bool:
    """A syntactically valid address outside the reserved documentation domains."""
    return bool(_EMAIL.fullmatch(value)) and not _RESERVED_DOMAIN.fullmatch(value.rsplit("@", 1)[1])


def _is_real_member(value: str) -> bool:
    """An IAM member whose email or domain part is not a reserved documentation name."""
    if not _GCP_MEMBER.fullmatch(value):
        return False
    kind, _, ident = value.partition(":")
    if kind in ("user", "serviceAccount", "group"):
        return _is_deliverable_email(ident)
    if kind == "domain":
        return not _RESERVED_DOMAIN.fullmatch(ident)
    return True


def _to_label(value: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "-", value.lower())[:63]


def _is_cidr(value: str) -> bool:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return False
    return network.version == 4 and 16 <= network.prefixlen <= 24


def load_settings() -> Settings:
    """Read and validate the stack's config; raise ``ConfigError`` listing every bad key."""
    cfg = ConfigReader(PROJECT)
    stack = pulumi.get_stack()
    if not _STACK_NAME.fullmatch(stack):
        cfg.problems.append(
            f"stack name: got {stack!r}; allowed: 1-{STACK_NAME_MAX} lowercase letters, digits "
            "and single hyphens, starting with a letter (it prefixes every physical name)"
        )
    clouds = cfg.string("clouds", choices=CLOUD_CHOICES)
    environment = cfg.string("environment", choices=ENVIRONMENTS)
    # An unknown environment is already reported; dev's profile lets the other keys be checked.
    profile = PROFILES.get(environment, PROFILES["dev"])
    owner = cfg.string("owner", pattern=_TAG_VALUE, allowed="1-63 letters, digits, . _ : / = + @ -")
    cost_centre = cfg.string(
        "costCentre", pattern=_TAG_VALUE, allowed="1-63 letters, digits, . _ : / = + @ -"
    )
    alarm_emails = cfg.string_list(
        "alarmEmails",
        item=_is_deliverable_email,
        allowed=f"an email address that receives mail ({RESERVED_NAMES})",
    )
    if (
        profile.alarm_emails_required
        and not alarm_emails
        and not any("alarmEmails" in p for p in cfg.problems)
    ):
        cfg.problem(
            "alarmEmails",
            f"is empty; allowed in {environment}: at least one email address "
            f"(`pulumi config set --path '{cfg.key('alarmEmails')}[0]' oncall@your-domain`)",
        )

    database = DatabaseSettings(
        instance_class=cfg.string(
            "dbInstanceClass",
            pattern=r"db\.[a-z0-9]+\.[a-z0-9]+",
            allowed="an RDS instance class such as db.t4g.micro",
        ),
        gcp_tier=cfg.string(
            "dbGcpTier",
            pattern=r"db-[a-z0-9-]+",
            allowed="a Cloud SQL tier such as db-f1-micro or db-custom-2-7680",
        ),
        allocated_storage_gb=cfg.integer("dbAllocatedStorageGb", minimum=20, maximum=65536),
        max_allocated_storage_gb=cfg.integer("dbMaxAllocatedStorageGb", minimum=20, maximum=65536),
        backup_retention_days=cfg.integer(
            "dbBackupRetentionDays", minimum=profile.min_backup_retention_days, maximum=35
        ),
        logging=_load_db_logging(cfg),
        monitoring_interval_seconds=_monitoring_interval(cfg),
    )
    if database.max_allocated_storage_gb < database.allocated_storage_gb:
        cfg.problem(
            "dbMaxAllocatedStorageGb",
            f"got {database.max_allocated_storage_gb}; allowed: at least "
            f"dbAllocatedStorageGb ({database.allocated_storage_gb})",
        )

    functions = FunctionSettings(
        memory_mb=cfg.integer("functionMemoryMb", minimum=128, maximum=10240),
        # API Gateway HTTP APIs give up on an integration after 30 seconds.
        timeout_seconds=cfg.integer("functionTimeoutSeconds", minimum=1, maximum=30),
        reserved_concurrency=_reserved_concurrency(cfg, "functionReservedConcurrency"),
        indexer_reserved_concurrency=_reserved_concurrency(cfg, "indexerReservedConcurrency"),
        max_instances=cfg.integer("functionMaxInstances", minimum=1, maximum=1000),
        architecture=cfg.string("functionArchitecture", choices=ARCHITECTURES),
        log_retention_days=_log_retention(cfg, "logRetentionDays"),
    )
    if functions.indexer_reserved_concurrency == 1:
        # The SQS event source mapping's maximum concurrency is at least 2 and must
        # not exceed the reservation, or batches are throttled into the dead letters.
        cfg.problem(
            "indexerReservedConcurrency",
            "got 1; allowed: 0 (no reservation) or a whole number from 2 to 1000",
        )
    audit_log_retention_days = _log_retention(cfg, "auditLogRetentionDays")

    public_api = cfg.boolean("publicApi")
    cors_origins = cfg.string_list(
        "corsAllowedOrigins",
        item=lambda v: bool(_ORIGIN.fullmatch(v)),
        allowed="an https:// origin (or http://localhost) without a path",
    )
    secret_names = cfg.string_list(
        "appSecrets",
        item=lambda v: bool(_SECRET_NAME.fullmatch(v)),
        allowed="a camelCase name of 3-63 letters and digits",
    )
    app_secrets = {name: value for name in secret_names if (value := cfg.secret(name)) is not None}

    report = _load_report(cfg, profile)
    aws_settings = _load_aws(cfg) if clouds in ("aws", "both") else None
    gcp_settings = _load_gcp(cfg) if clouds in ("gcp", "both") else None

    cfg.raise_if_problems()
    return Settings(
        stack=stack,
        environment=environment,
        profile=profile,
        owner=owner,
        cost_centre=cost_centre,
        alarm_emails=alarm_emails,
        public_api=public_api,
        cors_origins=cors_origins,
        database=database,
        functions=functions,
        audit_log_retention_days=audit_log_retention_days,
        app_secrets=app_secrets,
        report=report,
        aws=aws_settings,
        gcp=gcp_settings,
    )


def _reserved_concurrency(cfg: ConfigReader, key: str) -> int | None:
    """A function's reserved concurrency from ``key``; 0 (the committed value) reserves nothing.

    A reservation must leave the account 100 unreserved executions, and new
    accounts have a quota of 10: any reservation fails there, so every
    function's key ships as 0 until the quota is raised (docs/first-deploy.md).
    """
    return cfg.integer(key, minimum=0, maximum=1000) or None


def _log_retention(cfg: ConfigReader, key: str) -> int:
    """A retention period CloudWatch Logs accepts (S3 lifecycle takes any day count)."""
    days = cfg.integer(key, minimum=1, maximum=1827, default=LOG_RETENTION_DAYS[0])
    if days not in LOG_RETENTION_DAYS:
        cfg.problem(key, f"got {days}; allowed: one of {', '.join(map(str, LOG_RETENTION_DAYS))}")
    return days


def _load_db_logging(cfg: ConfigReader) -> DatabaseLogSettings:
    min_duration_ms = cfg.integer("dbLogMinDurationMs", minimum=-1, maximum=PG_INT_MAX, default=-1)
    if 0 <= min_duration_ms < DB_MIN_SLOW_MS:
        cfg.problem(
            "dbLogMinDurationMs",
            f"got {min_duration_ms}; allowed: -1 (off) or {DB_MIN_SLOW_MS} to {PG_INT_MAX} "
            "(lower logs nearly every statement with its values)",
        )
    audit_classes = cfg.string_list(
        "dbAuditLogClasses",
        item=lambda v: v in DB_AUDIT_CLASSES,
        allowed=f"one of {', '.join(DB_AUDIT_CLASSES)}",
    )
    missing = [c for c in DB_AUDIT_REQUIRED if c not in audit_classes]
    if missing and not any("dbAuditLogClasses" in p for p in cfg.problems):
        cfg.problem(
            "dbAuditLogClasses",
            f"lacks {', '.join(missing)}; allowed: a list that includes "
            f"{' and '.join(DB_AUDIT_REQUIRED)} (schema and privilege changes)",
        )
    return DatabaseLogSettings(
        min_duration_ms=min_duration_ms,
        temp_files_kb=cfg.integer("dbLogTempFilesKb", minimum=-1, maximum=PG_INT_MAX, default=0),
        min_error_statement=cfg.string(
            "dbLogMinErrorStatement", choices=DB_LOG_LEVELS, default="error"
        ),
        min_messages=cfg.string("dbLogMinMessages", choices=DB_LOG_LEVELS, default="warning"),
        audit_classes=audit_classes,
    )


def _monitoring_interval(cfg: ConfigReader) -> int:
    """Seconds between RDS enhanced-monitoring samples, 0 for none."""
    seconds = cfg.integer("dbMonitoringIntervalSeconds", minimum=0, maximum=60)
    if seconds not in MONITORING_INTERVALS:
        cfg.problem(
            "dbMonitoringIntervalSeconds",
            f"got {seconds}; allowed: one of {', '.join(map(str, MONITORING_INTERVALS))}",
        )
    return seconds


def time_zone_problem(value: str, known: frozenset[str] | set[str]) -> str:
    """Why ``value`` is no time zone of the database ``known`` ("" if it is one)."""
    zones = set(known) - _NOT_ZONES
    if not zones:
        return (
            f"got {value!r}, which cannot be checked: this machine has no IANA time zone "
            "database (install the system tzdata package, or pip install tzdata)"
        )
    if value in zones:
        return ""
    return f"got {value!r}; allowed: an IANA time zone such as Europe/Paris, UTC or GMT"


def _load_report(cfg: ConfigReader, profile: EnvironmentProfile) -> ReportSettings:
    """The report's schedule, time zone and recipients."""
    schedule = cfg.string(
        "reportSchedule",
        pattern=_WEEKLY_CRON.pattern,
        allowed="a weekly cron 'minute hour * * day' (day 0-6 or SUN-SAT), e.g. '0 6 * * 1'",
    )
    time_zone = cfg.string("reportTimeZone", allowed="an IANA time zone such as Europe/Paris")
    problem = time_zone_problem(time_zone, zoneinfo.available_timezones())
    if time_zone and problem:
        cfg.problem("reportTimeZone", problem)
        time_zone = ""
    emails = cfg.string_list(
        "reportEmails",
        item=_is_deliverable_email,
        allowed=f"an email address that receives mail ({RESERVED_NAMES})",
    )
    if (
        profile.alarm_emails_required
        and not emails
        and not any("reportEmails" in p for p in cfg.problems)
    ):
        cfg.problem(
            "reportEmails",
            "is empty; allowed where alarmEmails is required: at least one email address "
            f"(`pulumi config set --path '{cfg.key('reportEmails')}[0]' reports@your-domain`)",
        )
    match = _WEEKLY_CRON.fullmatch(schedule or "")
    if match is None:
        return ReportSettings(0, 6, "MON", time_zone or "UTC", emails)
    day = match[3]
    weekday = WEEKDAYS[int(day)] if day.isdigit() else day
    return ReportSettings(int(match[1]), int(match[2]), weekday, time_zone, emails)


def _load_aws(cfg: ConfigReader) -> AwsSettings:
    aws_cfg = ConfigReader("aws")
    region = aws_cfg.string(
        "region",
        pattern=r"[a-z]{2}(-gov)?-[a-z]+-\d",
        allowed="an AWS region such as eu-west-1 (required when clouds includes aws)",
    )
    cfg.problems.extend(aws_cfg.problems)
    vpc_cidr = cfg.string("vpcCidr")
    if vpc_cidr and not _is_cidr(vpc_cidr):
        cfg.problem("vpcCidr", f"got {vpc_cidr!r}; allowed: an IPv4 CIDR block from /16 to /24")
    return AwsSettings(
        region=region,
        vpc_cidr=vpc_cidr,
        nat_gateway=cfg.boolean("natGateway"),
        flow_log_traffic=cfg.string("vpcFlowLogTraffic", choices=FLOW_LOG_TRAFFIC),
        endpoint_url=cfg.string(
            "awsEndpointUrl",
            required=False,
            pattern=r"http://(localhost|127\.0\.0\.1):\d{1,5}",
            allowed="empty, or a local emulator such as http://127.0.0.1:5000",
        ),
    )


def _load_gcp(cfg: ConfigReader) -> GcpSettings:
    gcp_cfg = ConfigReader("gcp")
    project = gcp_cfg.string(
        "project",
        pattern=r"[a-z][a-z0-9-]{4,28}[a-z0-9]",
        allowed="a GCP project id (required when clouds includes gcp)",
    )
    region = gcp_cfg.string(
        "region",
        pattern=r"[a-z]+-[a-z]+\d",
        allowed="a GCP region such as europe-west1 (required when clouds includes gcp)",
    )
    cfg.problems.extend(gcp_cfg.problems)
    return GcpSettings(
        project=project,
        region=region,
        ingress=cfg.string("gcpIngress", choices=GCP_INGRESS),
        invokers=cfg.string_list(
            "gcpInvokers",
            item=_is_real_member,
            allowed="an existing IAM member such as user:ana@your-domain, group:..., "
            f"serviceAccount:... ({RESERVED_NAMES}; allUsers is granted only by publicApi: true)",
        ),
    )
