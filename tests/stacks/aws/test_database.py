"""RDS PostgreSQL: private, encrypted, managed password, durable in prod."""

import ipaddress

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
