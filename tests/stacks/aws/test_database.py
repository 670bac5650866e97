"""RDS PostgreSQL: private, encrypted, managed password, durable in prod."""

import ipaddress
import json

import pytest

from tooling.preflight import replacement
from tooling.synth import SynthResult, synth


def test_database_is_private_and_encrypted(dev: SynthResult) -> None:
    """Never publicly accessible, storage encrypted, TLS forced by the parameter group."""
    db = dev.one("aws:rds/instance:Instance")
    assert db.inputs["publiclyAccessible"] is False
    assert db.inputs["storageEncrypted"] is True
    params = dev.one("aws:rds/parameterGroup:ParameterGroup")
    assert db.inputs["parameterGroupName"] == params.state["name"]
    assert {"name": "rds.force_ssl", "value": "1"} in params.inputs["parameters"]


def test_password_is_managed_by_rds(dev: SynthResult) -> None:
    """RDS keeps the password in Secrets Manager; no password input exists anywhere."""
    db = dev.one("aws:rds/instance:Instance")
    assert db.inputs["manageMasterUserPassword"] is True
    assert "password" not in db.inputs
    secret_arn = dev.outputs["aws"]["databaseSecretArn"]
    assert secret_arn == db.state["masterUserSecrets"][0]["secretArn"]
    assert secret_arn.startswith("arn:aws:secretsmanager:")


def test_only_the_functions_security_group_reaches_postgres(dev: SynthResult) -> None:
    """The database security group admits 5432 from the functions' group and nothing else."""
    db = dev.one("aws:rds/instance:Instance")
    groups = {g.name: g for g in dev.of_type("aws:ec2/securityGroup:SecurityGroup")}
    db_group = groups["crosscloud-dev-db-db"]
    functions_group = groups["crosscloud-dev-vpc-functions"]
    assert db.inputs["vpcSecurityGroupIds"] == [db_group.id]
    assert db_group.inputs["ingress"] == [
        {
            "protocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "securityGroups": [functions_group.id],
            "description": "PostgreSQL from the functions security group",
        }
    ]
    assert db_group.inputs["egress"] == []


def test_subnet_group_spans_two_private_zones(dev: SynthResult) -> None:
    """The subnet group holds two private subnets in different zones inside the VPC."""
    group = dev.one("aws:rds/subnetGroup:SubnetGroup")
    subnets = [s for s in dev.of_type("aws:ec2/subnet:Subnet") if s.id in group.inputs["subnetIds"]]
    assert len(subnets) == 2
    assert len({s.inputs["availabilityZone"] for s in subnets}) == 2
    vpc = ipaddress.ip_network(dev.one("aws:ec2/vpc:Vpc").inputs["cidrBlock"])
    for subnet in subnets:
        assert subnet.inputs["mapPublicIpOnLaunch"] is False
        assert ipaddress.ip_network(subnet.inputs["cidrBlock"]).subnet_of(vpc)  # type: ignore[arg-type]
    assert dev.one("aws:rds/instance:Instance").inputs["dbSubnetGroupName"] == group.state["name"]


@pytest.mark.parametrize(
    ("stack", "multi_az", "protection", "skip_snapshot", "retention"),
    [("dev", False, False, True, 1), ("prod", True, True, False, 14)],
)
def test_durability_follows_the_environment(
    synths: dict[str, SynthResult],
    stack: str,
    multi_az: bool,
    protection: bool,
    skip_snapshot: bool,
    retention: int,
) -> None:
    """Prod: Multi-AZ, deletion protection, final snapshot, 14 days of backups; dev: none."""
    db = synths[stack].one("aws:rds/instance:Instance")
    assert db.inputs["multiAz"] is multi_az
    assert db.inputs["deletionProtection"] is protection
    assert db.inputs["skipFinalSnapshot"] is skip_snapshot
    assert db.inputs["backupRetentionPeriod"] == retention
    assert db.protect is protection
    assert ("finalSnapshotIdentifier" in db.inputs) is not skip_snapshot


def test_size_comes_from_config() -> None:
    """Instance class and storage follow the stack's config."""
    result = synth(
        "dev",
        overrides={
            "crosscloud:dbInstanceClass": "db.m7g.large",
            "crosscloud:dbAllocatedStorageGb": "100",
            "crosscloud:dbMaxAllocatedStorageGb": "400",
        },
    )
    db = result.one("aws:rds/instance:Instance")
    assert (db.inputs["instanceClass"], db.inputs["allocatedStorage"]) == ("db.m7g.large", 100)
    assert db.inputs["maxAllocatedStorage"] == 400


def test_database_alarms(dev: SynthResult) -> None:
    """CPU, free storage and connections alarm on this instance."""
    db = dev.one("aws:rds/instance:Instance")
    alarms = {
        a.inputs["metricName"]: a
        for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs.get("namespace") == "AWS/RDS"
    }
    assert sorted(alarms) == ["CPUUtilization", "DatabaseConnections", "FreeStorageSpace"]
    for alarm in alarms.values():
        assert alarm.inputs["dimensions"] == {"DBInstanceIdentifier": db.id}
    assert alarms["FreeStorageSpace"].inputs["comparisonOperator"] == "LessThanThreshold"
    assert alarms["FreeStorageSpace"].inputs["threshold"] == 2 * 1024**3


def test_exported_logs_go_to_groups_the_stack_keeps_with_retention(prod: SynthResult) -> None:
    """RDS's own log groups never expire; the stack creates them first, with the audit retention
    (pgAudit's records go to the PostgreSQL log)."""
    db = prod.one("aws:rds/instance:Instance")
    groups = {
        g.inputs["name"]: g
        for g in prod.of_type("aws:cloudwatch/logGroup:LogGroup")
        if g.inputs.get("name", "").startswith("/aws/rds/")
    }
    expected = {
        f"/aws/rds/instance/{db.inputs['identifier']}/{kind}" for kind in ("postgresql", "upgrade")
    }
    assert set(groups) == expected
    assert set(db.inputs["enabledCloudwatchLogsExports"]) == {"postgresql", "upgrade"}
    for group in groups.values():
        assert group.inputs["retentionInDays"] == int(
            prod.config["crosscloud:auditLogRetentionDays"]
        )
        assert group.urn in db.dependencies


def test_final_snapshot_name_is_new_for_each_generation(prod: SynthResult) -> None:
    """The final-snapshot suffix is a RandomId keyed on every input that replaces the instance."""
    db = prod.one("aws:rds/instance:Instance")
    suffix = prod.one("random:index/randomId:RandomId")
    assert suffix.parent == db.parent
    assert (
        db.inputs["finalSnapshotIdentifier"]
        == f"{db.inputs['identifier']}-final-{suffix.state['hex']}"
    )
    replacing = [
        path
        for path in replacement.STATEFUL["aws:rds/instance:Instance"].replace_inputs
        if path in db.inputs
    ]
    assert replacing
    assert suffix.inputs["keepers"] == {path: str(db.inputs[path]).lower() for path in replacing}
    # A fixed identifier can only be replaced by deleting the old instance first.
    assert db.delete_before_replace is True


def test_changes_wait_for_the_window_only_in_prod(dev: SynthResult, prod: SynthResult) -> None:
    """Dev applies a change at once; prod leaves it to the maintenance window."""
    assert dev.one("aws:rds/instance:Instance").inputs["applyImmediately"] is True
    assert prod.one("aws:rds/instance:Instance").inputs["applyImmediately"] is False


def _parameters(result: SynthResult) -> dict[str, dict[str, str]]:
    """The parameter group's parameters by name."""
    params = result.one("aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]
    return {p["name"]: p for p in params}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_postgresql_records_connections_and_slow_or_failing_statements(
    stack: str, synths: dict[str, SynthResult]
) -> None:
    """The parameter group logs connections, checkpoints, lock waits, temp files, slow and
    failing statements, with the configured values (the defaults in both stacks)."""
    params = _parameters(synths[stack])
    values = {name: p["value"] for name, p in params.items()}
    assert values == {
        "rds.force_ssl": "1",
        "log_connections": "1",
        "log_disconnections": "1",
        "log_checkpoints": "1",
        "log_lock_waits": "1",
        "log_temp_files": "0",
        "log_min_duration_statement": "-1",
        "log_min_error_statement": "error",
        "log_min_messages": "warning",
        "shared_preload_libraries": "pg_stat_statements,pgaudit",
        "pgaudit.log": "ddl,role,write",
    }
    # Dynamic parameters apply at once (the provider's default); only the static
    # preload list waits for a reboot, which RDS demands for it.
    assert {n for n, p in params.items() if "applyMethod" in p} == {"shared_preload_libraries"}
    assert params["shared_preload_libraries"]["applyMethod"] == "pending-reboot"


def test_logging_values_come_from_config() -> None:
    """Each db* logging key reaches its parameter, as on Cloud SQL; connections always log."""
    result = synth(
        "dev",
        overrides={
            "crosscloud:dbLogMinDurationMs": "250",
            "crosscloud:dbLogTempFilesKb": "1024",
            "crosscloud:dbLogMinErrorStatement": "warning",
            "crosscloud:dbLogMinMessages": "notice",
            "crosscloud:dbAuditLogClasses": ["ddl", "role"],
        },
    )
    values = {name: p["value"] for name, p in _parameters(result).items()}
    assert values["log_min_duration_statement"] == "250"
    assert values["log_temp_files"] == "1024"
    assert values["log_connections"] == values["log_disconnections"] == "1"
    assert values["log_min_error_statement"] == "warning"
    assert values["log_min_messages"] == "notice"
    assert values["pgaudit.log"] == "ddl,role"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_performance_insights_on_with_the_free_retention(
    stack: str, synths: dict[str, SynthResult]
) -> None:
    """Performance Insights is on with 7 days on every class, dev's db.t4g.micro included
    (RDS for PostgreSQL has no class restriction)."""
    db = synths[stack].one("aws:rds/instance:Instance")
    assert db.inputs["instanceClass"] == {"dev": "db.t4g.micro", "prod": "db.t4g.medium"}[stack]
    assert db.inputs["performanceInsightsEnabled"] is True
    assert db.inputs["performanceInsightsRetentionPeriod"] == 7
    assert "performanceInsightsKmsKeyId" not in db.inputs


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_enhanced_monitoring_unless_configured(
    stack: str, synths: dict[str, SynthResult]
) -> None:
    """Enhanced monitoring is off in the shipped stacks: no interval, no role, no role ARN."""
    result = synths[stack]
    db = result.one("aws:rds/instance:Instance")
    assert db.inputs["monitoringInterval"] == 0
    assert "monitoringRoleArn" not in db.inputs
    assert [r for r in result.of_type("aws:iam/role:Role") if "monitoring" in r.name] == []


def test_enhanced_monitoring_role_when_configured() -> None:
    """An interval adds a role only RDS monitoring may assume, for this instance, carrying the
    boundary, allowed to write the RDSOSMetrics group only."""
    result = synth("prod", overrides={"crosscloud:dbMonitoringIntervalSeconds": "60"})
    db = result.one("aws:rds/instance:Instance")
    role = result.one("aws:iam/role:Role", "crosscloud-prod-db-monitoring")
    assert db.inputs["monitoringInterval"] == 60
    assert db.inputs["monitoringRoleArn"] == role.state["arn"]
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:rds:eu-west-1:123456789012:db:crosscloud-prod-db"},
    }
    assert role.inputs["permissionsBoundary"].endswith(
        "github-actions-crosscloud-function-boundary"
    )
    policy = result.one("aws:iam/rolePolicy:RolePolicy", "crosscloud-prod-db-monitoring")
    resources = {r for s in json.loads(policy.inputs["policy"])["Statement"] for r in s["Resource"]}
    group = "arn:aws:logs:eu-west-1:123456789012:log-group:RDSOSMetrics"
    assert resources == {group, f"{group}:log-stream:*"}
