"""The DynamoDB object index table."""

from tooling.synth import SynthResult


def test_table_keys_billing_and_recovery(dev: SynthResult) -> None:
    """Keyed by bucket and object key, on-demand, with PITR and encryption at rest."""
    table = dev.one("aws:dynamodb/table:Table")
    assert table.inputs["hashKey"] == "bucket"
    assert table.inputs["rangeKey"] == "key"
    assert {(a["name"], a["type"]) for a in table.inputs["attributes"]} == {
        ("bucket", "S"),
        ("key", "S"),
    }
    assert table.inputs["billingMode"] == "PAY_PER_REQUEST"
    assert table.inputs["pointInTimeRecovery"] == {"enabled": True}
    assert table.inputs["serverSideEncryption"]["enabled"] is True


def test_deletion_protection_only_in_prod(dev: SynthResult, prod: SynthResult) -> None:
    """Prod tables cannot be deleted; dev tables can (dev must be deletable)."""
    assert dev.one("aws:dynamodb/table:Table").inputs["deletionProtectionEnabled"] is False
    prod_table = prod.one("aws:dynamodb/table:Table")
    assert prod_table.inputs["deletionProtectionEnabled"] is True
    assert prod_table.protect is True


def test_throttle_and_error_alarms(dev: SynthResult) -> None:
    """Read/write throttles and system errors each alarm on this table."""
    table = dev.one("aws:dynamodb/table:Table")
    alarms = [
        a
        for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs["namespace"] == "AWS/DynamoDB"
    ]
    assert sorted(a.inputs["metricName"] for a in alarms) == [
        "ReadThrottleEvents",
        "SystemErrors",
        "WriteThrottleEvents",
    ]
    assert {a.inputs["dimensions"]["TableName"] for a in alarms} == {table.id}
