"""Cloud SQL: no world-open networks, TLS only, backups on, prod protection, records."""

from collections.abc import Iterator, Mapping
from typing import Any

from .core import ResourceRule, Rule, Subject, dig, is_false, is_true, items
from .settings import Settings

INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
# ssl_mode values that refuse unencrypted connections.
SSL_ONLY_MODES = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
OPEN_NETWORKS = ("0.0.0.0/0", "::/0")
# Server-log flags that must be on: who connected, for how long, and what waited.
LOG_SWITCHES = ("log_connections", "log_disconnections", "log_checkpoints", "log_lock_waits")
# Message levels that record every ERROR without debug noise.
LOG_LEVELS = ("notice", "warning", "error")
LEVEL_FLAGS = ("log_min_error_statement", "log_min_messages")
# log_min_duration_statement: -1 (off) or at least this many ms; below it nearly
# every statement, with its values, lands in the log.
MIN_SLOW_MS = 100
# pgAudit classes that must be recorded: schema and privilege changes.
REQUIRED_AUDIT_CLASSES = ("ddl", "role")


def _is_replica(subject: Subject) -> bool:
    """Replicas take backups and protection from their primary."""
    return bool(subject.props.get("masterInstanceName"))


def no_open_authorized_network(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No authorized network admits the whole internet."""
    if subject.type != INSTANCE:
        return
    networks = items(dig(subject.props, "settings", "ipConfiguration", "authorizedNetworks"))
    for network in networks:
        if dig(network, "value") in OPEN_NETWORKS:
            yield (
                f"Cloud SQL {subject.name} authorizes {dig(network, 'value')} "
                f"({dig(network, 'name') or 'unnamed'})."
            )


def ssl_required(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Connections must use TLS."""
    if subject.type != INSTANCE:
        return
    mode = dig(subject.props, "settings", "ipConfiguration", "sslMode")
    if mode not in SSL_ONLY_MODES:
        yield (
            f"Cloud SQL {subject.name} has sslMode {mode or 'unset'}; "
            f"allowed: {' or '.join(SSL_ONLY_MODES)}."
        )


def backups_enabled(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Automated backups are on."""
    if subject.type != INSTANCE or _is_replica(subject):
        return
    if not is_true(dig(subject.props, "settings", "backupConfiguration", "enabled")):
        yield f"Cloud SQL {subject.name} does not set settings.backupConfiguration.enabled: true."


def prod_deletion_protection(subject: Subject, settings: Settings) -> Iterator[str]:
    """Prod instances are protected both by the provider and by the Cloud SQL API."""
    if not settings.is_prod or subject.type != INSTANCE:
        return
    # deletionProtection (provider-side) defaults to true; only an explicit false turns it off.
    if is_false(subject.props.get("deletionProtection")):
        yield (
            f"Cloud SQL {subject.name} in prod stack {settings.stack} sets deletionProtection: "
            "false."
        )
    if not is_true(dig(subject.props, "settings", "deletionProtectionEnabled")):
        yield (
            f"Cloud SQL {subject.name} in prod stack {settings.stack} lacks "
            "settings.deletionProtectionEnabled: true."
        )


def _flags(subject: Subject) -> dict[str, str]:
    """The instance's database flags as name -> value."""
    flags: list[Any] = items(dig(subject.props, "settings", "databaseFlags"))
    return {
        str(flag.get("name")): str(flag.get("value")) for flag in flags if isinstance(flag, Mapping)
    }


def _as_int(value: str | None) -> int | None:
    """An integer flag value, or None when unset or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def log_flags(subject: Subject, _settings: Settings) -> Iterator[str]:
    """The server log records connections, checkpoints, lock waits, temp files, failures."""
    if subject.type != INSTANCE:
        return
    flags = _flags(subject)
    for name in LOG_SWITCHES:
        if flags.get(name) != "on":
            yield f"Cloud SQL {subject.name} has {name} {flags.get(name, 'unset')}, not on."
    temp_files = _as_int(flags.get("log_temp_files"))
    if temp_files is None or temp_files < 0:
        yield (
            f"Cloud SQL {subject.name} has log_temp_files {flags.get('log_temp_files', 'unset')}; "
            "allowed: 0 or more kB."
        )
    duration = _as_int(flags.get("log_min_duration_statement"))
    if duration is None or (duration != -1 and duration < MIN_SLOW_MS):
        shown = flags.get("log_min_duration_statement", "unset")
        yield (
            f"Cloud SQL {subject.name} has log_min_duration_statement {shown}; "
            f"allowed: -1 or at least {MIN_SLOW_MS} ms."
        )
    for name in LEVEL_FLAGS:
        if flags.get(name) not in LOG_LEVELS:
            yield (
                f"Cloud SQL {subject.name} has {name} {flags.get(name, 'unset')}; "
                f"allowed: {', '.join(LOG_LEVELS)}."
            )


def pgaudit_on(subject: Subject, _settings: Settings) -> Iterator[str]:
    """pgAudit is on and records at least schema and privilege changes."""
    if subject.type != INSTANCE:
        return
    flags = _flags(subject)
    if flags.get("cloudsql.enable_pgaudit") != "on":
        yield f"Cloud SQL {subject.name} does not set cloudsql.enable_pgaudit: on."
    classes = {c.strip().lower() for c in flags.get("pgaudit.log", "").split(",")}
    missing = [c for c in REQUIRED_AUDIT_CLASSES if c not in classes and "all" not in classes]
    if missing:
        yield (
            f"Cloud SQL {subject.name} has pgaudit.log {flags.get('pgaudit.log', 'unset')}, "
            f"without {', '.join(missing)}."
        )


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="cloudsql-no-open-network",
        description="No Cloud SQL authorized network is 0.0.0.0/0 (or ::/0).",
        remediation="Use private IP or the Cloud SQL connector; authorize named ranges only.",
        why="An open authorized network exposes the database port to the internet.",
        check=no_open_authorized_network,
    ),
    ResourceRule(
        name="cloudsql-ssl-required",
        description="Cloud SQL instances accept encrypted connections only (ssl_mode).",
        remediation="Set settings.ip_configuration.ssl_mode='ENCRYPTED_ONLY'.",
        why="Credentials and rows never cross the network in plaintext.",
        check=ssl_required,
    ),
    ResourceRule(
        name="cloudsql-backups-enabled",
        description="Cloud SQL instances have automated backups on.",
        remediation="Set settings.backup_configuration.enabled=True (and point-in-time recovery).",
        why="Without backups a bad migration or deletion is permanent.",
        check=backups_enabled,
    ),
    ResourceRule(
        name="cloudsql-prod-deletion-protection",
        description="Prod Cloud SQL instances have deletion protection on (provider and API).",
        remediation=(
            "Set deletion_protection=True and settings.deletion_protection_enabled=True in prod."
        ),
        why="Neither Pulumi nor the console can drop the prod database by mistake.",
        check=prod_deletion_protection,
    ),
    ResourceRule(
        name="cloudsql-log-flags",
        description=(
            "Cloud SQL PostgreSQL logs connections, disconnections, checkpoints, lock waits and "
            "temp files, errors at notice/warning/error, slow statements off (-1) or >= 100 ms."
        ),
        remediation=(
            "Set the log_* database flags (stacks/gcp/database.py database_flags; the dbLog* "
            "config keys choose the levels and thresholds)."
        ),
        why="Who connected, and which statements failed or waited, is on record.",
        check=log_flags,
    ),
    ResourceRule(
        name="cloudsql-pgaudit",
        description=(
            "Cloud SQL PostgreSQL has cloudsql.enable_pgaudit on and pgaudit.log with ddl and role."
        ),
        remediation=(
            "Set cloudsql.enable_pgaudit=on and pgaudit.log (dbAuditLogClasses), then run "
            "CREATE EXTENSION pgaudit in the database (docs/gcp.md)."
        ),
        why="Schema and privilege changes (and, by default, writes) are audited in the database.",
        check=pgaudit_on,
    ),
)
