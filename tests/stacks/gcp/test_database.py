"""Cloud SQL for PostgreSQL: connector-only, TLS with client certificates, backups, protection."""

import pytest

from stacks.gcp.database import backup_windows
from tooling.synth import SynthResult, synth

INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"


def test_reachable_only_through_the_connector(stack: SynthResult) -> None:
    """No authorized networks, connector enforced, client certificates required."""
    ip = stack.one(INSTANCE).inputs["settings"]["ipConfiguration"]
    assert ip["authorizedNetworks"] == []
    assert ip["sslMode"] == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    assert stack.one(INSTANCE).inputs["settings"]["connectorEnforcement"] == "REQUIRED"


def flags_of(result: SynthResult) -> dict[str, str]:
    """The instance's database flags as a name -> value map (each name once)."""
    flags = result.one(INSTANCE).inputs["settings"]["databaseFlags"]
    names = [flag["name"] for flag in flags]
    assert len(names) == len(set(names))
    return {flag["name"]: flag["value"] for flag in flags}


def test_iam_authentication_is_on(stack: SynthResult) -> None:
    """The flag IAM database users need."""
    assert flags_of(stack)["cloudsql.iam_authentication"] == "on"


def test_server_log_records_connections_and_failing_statements(stack: SynthResult) -> None:
    """Connections, checkpoints and lock waits always; levels and thresholds from config."""
    assert flags_of(stack) == {
        "cloudsql.iam_authentication": "on",
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


def test_log_flags_follow_the_db_log_keys() -> None:
    """Each dbLog* key and dbAuditLogClasses reaches its flag, as PostgreSQL spells it."""
    result = synth(
        "dev",
        overrides={
            "crosscloud:dbLogMinDurationMs": "1000",
            "crosscloud:dbLogTempFilesKb": "-1",
            "crosscloud:dbLogMinErrorStatement": "warning",
            "crosscloud:dbLogMinMessages": "error",
            "crosscloud:dbAuditLogClasses": ["role", "ddl"],
        },
    )
    flags = flags_of(result)
    assert flags["log_min_duration_statement"] == "1000"
    assert flags["log_temp_files"] == "-1"
    assert flags["log_min_error_statement"] == "warning"
    assert flags["log_min_messages"] == "error"
    assert flags["pgaudit.log"] == "role,ddl"
    assert flags["cloudsql.enable_pgaudit"] == "on"


def test_postgres_and_size_from_config(stack: SynthResult) -> None:
    """PostgreSQL, the configured tier, disk size and autoresize limit, Enterprise edition."""
    instance = stack.one(INSTANCE)
    settings = instance.inputs["settings"]
    assert instance.inputs["databaseVersion"].startswith("POSTGRES_")
    assert instance.inputs["region"] == stack.config["gcp:region"]
    assert settings["tier"] == stack.config["crosscloud:dbGcpTier"]
    assert settings["edition"] == "ENTERPRISE"
    assert settings["diskSize"] == int(stack.config["crosscloud:dbAllocatedStorageGb"])
    assert settings["diskAutoresizeLimit"] == int(
        stack.config["crosscloud:dbMaxAllocatedStorageGb"]
    )


def test_backups_and_point_in_time_recovery(dev: SynthResult, prod: SynthResult) -> None:
    """Daily backups kept per dbBackupRetentionDays (at least 2), PITR on with the log it needs."""
    dev_backup = dev.one(INSTANCE).inputs["settings"]["backupConfiguration"]
    prod_backup = prod.one(INSTANCE).inputs["settings"]["backupConfiguration"]
    for backup in (dev_backup, prod_backup):
        assert backup["enabled"] is True
        assert backup["pointInTimeRecoveryEnabled"] is True
        assert backup["backupRetentionSettings"]["retentionUnit"] == "COUNT"
    assert prod_backup["backupRetentionSettings"]["retainedBackups"] == 14
    assert prod_backup["transactionLogRetentionDays"] == 7
    assert dev_backup["backupRetentionSettings"]["retainedBackups"] == 2
    assert dev_backup["transactionLogRetentionDays"] == 1


@pytest.mark.parametrize(
    ("days", "expected"), [(1, (2, 1)), (2, (2, 1)), (7, (7, 6)), (8, (8, 7)), (35, (35, 7))]
)
def test_backup_windows_satisfy_cloud_sql(days: int, expected: tuple[int, int]) -> None:
    """More backups than log days, 1-7 days of log, never fewer backups than configured."""
    retained, log_days = backup_windows(days)
    assert (retained, log_days) == expected
    assert retained > log_days >= 1
    assert retained >= days


def test_prod_is_regional_and_deletion_protected(dev: SynthResult, prod: SynthResult) -> None:
    """Prod: a standby zone and deletion protection in both Pulumi and the Cloud SQL API."""
    for result, is_prod in ((dev, False), (prod, True)):
        instance = result.one(INSTANCE)
        assert instance.inputs["settings"]["availabilityType"] == (
            "REGIONAL" if is_prod else "ZONAL"
        )
        assert instance.inputs["deletionProtection"] is is_prod
        assert instance.inputs["settings"]["deletionProtectionEnabled"] is is_prod


def test_instance_carries_the_stack_labels(stack: SynthResult) -> None:
    """user_labels are set explicitly: the provider's default labels do not reach them."""
    labels = stack.one(INSTANCE).inputs["settings"]["userLabels"]
    assert labels["stack"] == stack.stack
    assert set(labels) == {"project", "stack", "environment", "owner", "cost-centre"}


def test_channels_database_on_the_instance(stack: SynthResult) -> None:
    """The function's database lives on this instance."""
    database = stack.one("gcp:sql/database:Database")
    assert database.inputs["instance"] == stack.one(INSTANCE).state["name"]
    assert database.inputs["name"] == "channels"


def test_destroy_is_not_blocked_by_postgres_ownership(stack: SynthResult) -> None:
    """The database and IAM user are abandoned on delete; deleting the instance removes them."""
    assert stack.one("gcp:sql/database:Database").inputs["deletionPolicy"] == "ABANDON"
    assert {u.inputs["deletionPolicy"] for u in stack.of_type("gcp:sql/user:User")} == {"ABANDON"}
