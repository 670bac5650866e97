"""Alarms watch metrics with dimension sets their service publishes."""

import dataclasses

from tooling.preflight import alarm_metrics
from tooling.synth import SynthResult

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _with_alarm(result: SynthResult, inputs: dict[str, object]) -> SynthResult:
    """``result`` plus one alarm with these inputs."""
    template = result.of_type(ALARM)[0]
    alarm = dataclasses.replace(template, urn=template.urn + "-extra", inputs=inputs)
    return dataclasses.replace(result, resources=(*result.resources, alarm))


def test_shipped_stacks_alarm_only_on_published_metrics(synths: dict[str, SynthResult]) -> None:
    """Every alarm of every stack can get data."""
    for stack, result in synths.items():
        assert list(alarm_metrics.check(result)) == [], stack


def test_system_errors_on_table_name_alone_never_fires(dev: SynthResult) -> None:
    """The alarm the stacks used to have: SystemErrors by TableName only is a finding."""
    result = _with_alarm(
        dev,
        {
            "namespace": "AWS/DynamoDB",
            "metricName": "SystemErrors",
            "dimensions": {"TableName": "crosscloud-dev-object-index"},
        },
    )
    (finding,) = alarm_metrics.check(result)
    assert finding.subject.endswith("-extra")
    assert "never gets data" in finding.problem
    assert "Operation+TableName" in finding.fix


def test_metric_math_queries_are_checked_too(dev: SynthResult) -> None:
    """A wrong dimension inside a metric-math alarm is found like a plain one."""
    query = {
        "id": "m0",
        "metric": {
            "namespace": "AWS/Lambda",
            "metricName": "Errors",
            "dimensions": {"FunctionName": "f", "Bogus": "x"},
        },
    }
    (finding,) = alarm_metrics.check(_with_alarm(dev, {"metricQueries": [query]}))
    assert "AWS/Lambda Errors" in finding.problem


def test_unknown_metric_asks_for_its_source(dev: SynthResult) -> None:
    """A metric the table does not know is reported, not silently passed."""
    result = _with_alarm(dev, {"namespace": "AWS/Foo", "metricName": "Bar", "dimensions": {}})
    (finding,) = alarm_metrics.check(result)
    assert "not in the table" in finding.problem


def test_table_entries_name_their_source() -> None:
    """Each published-dimensions entry cites the service documentation it comes from."""
    for (namespace, metric), (dimension_sets, source) in alarm_metrics.PUBLISHED.items():
        assert source.startswith("https://docs.aws.amazon.com/"), (namespace, metric)
        assert dimension_sets, (namespace, metric)
