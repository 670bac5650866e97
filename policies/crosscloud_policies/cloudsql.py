"""Cloud SQL: no world-open networks, TLS only, backups on, deletion protection in prod."""

from collections.abc import Iterator

from .core import ResourceRule, Rule, Subject, dig, is_false, is_true, items
from .settings import Settings

INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
# ssl_mode values that refuse unencrypted connections.
SSL_ONLY_MODES = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
OPEN_NETWORKS = ("0.0.0.0/0", "::/0")


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
)
