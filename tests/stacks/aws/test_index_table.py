"""The object index table (DynamoDB), component IndexTable."""

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


def test_throttle_alarms_watch_the_table(dev: SynthResult) -> None:
    """Read and write throttles alarm on this table (published per TableName)."""
    table = dev.one("aws:dynamodb/table:Table")
    alarms = [
        a
        for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs.get("namespace") == "AWS/DynamoDB"
    ]
    assert sorted(a.inputs["metricName"] for a in alarms) == [
        "ReadThrottleEvents",
        "WriteThrottleEvents",
    ]
    assert {a.inputs["dimensions"]["TableName"] for a in alarms} == {table.id}


def test_system_errors_alarm_sums_every_operation(dev: SynthResult) -> None:
    """SystemErrors exists only per (TableName, Operation): one query per operation, summed."""
    table = dev.one("aws:dynamodb/table:Table")
    alarm = dev.one(
        "aws:cloudwatch/metricAlarm:MetricAlarm", "crosscloud-dev-object-index-system-errors"
    )
    assert "metricName" not in alarm.inputs
    queries = alarm.inputs["metricQueries"]
    metrics = [q["metric"] for q in queries if "metric" in q]
    assert {m["metricName"] for m in metrics} == {"SystemErrors"}
    assert {m["dimensions"]["TableName"] for m in metrics} == {table.id}
    # The indexer's writes and the report's Query.
    assert sorted(m["dimensions"]["Operation"] for m in metrics) == [
        "DeleteItem",
        "PutItem",
        "Query",
    ]
    (expression,) = [q for q in queries if "expression" in q]
    assert expression["returnData"] is True
    assert expression["expression"] == "SUM([FILL(m0, 0), FILL(m1, 0), FILL(m2, 0)])"
    assert all(q["returnData"] is False for q in queries if "metric" in q)


def test_component_keeps_its_urns_through_the_rename(dev: SynthResult) -> None:
    """IndexTable was ObjectIndex: an alias of the old type keeps the table's URN (and its
    children's), so the protected prod table is not planned for delete and create."""
    [component] = dev.of_type("crosscloud:aws:IndexTable")
    assert component.aliases == ({"type": "crosscloud:aws:ObjectIndex"},)
    assert dev.of_type("crosscloud:aws:ObjectIndex") == []
