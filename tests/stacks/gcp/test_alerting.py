"""Cloud Monitoring: email channels from config, alerts on the function's 5xx ratio and latency."""

import json
from typing import Any

import pytest

from tooling.synth import Resource, SynthResult, synth

CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"
POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"


@pytest.fixture(scope="module", params=["prod", "dev"])
def alerted(request: pytest.FixtureRequest, synths: dict[str, SynthResult]) -> SynthResult:
    """prod as shipped, and dev with two alarm emails set."""
    if request.param == "prod":
        return synths["prod"]
    emails = ["ops@crosscloud.offline", "dev@crosscloud.offline"]
    return synth("dev", overrides={"crosscloud:alarmEmails": emails})


def _service(result: SynthResult) -> str:
    """The Cloud Run service behind the function."""
    function = result.one(
        "gcp:cloudfunctionsv2/function:Function", f"crosscloud-{result.stack}-api"
    )
    return function.state["serviceConfig"]["service"].rsplit("/", 1)[-1]


def _threshold(policy: Resource) -> dict[str, Any]:
    """The single threshold condition of a policy."""
    (condition,) = policy.inputs["conditions"]
    return condition["conditionThreshold"]


def test_one_email_channel_per_alarm_email(prod: SynthResult) -> None:
    """Prod notifies each of its alarmEmails through its own email channel."""
    emails = json.loads(prod.config["crosscloud:alarmEmails"])
    assert emails
    channels = prod.of_type(CHANNEL)
    assert [c.inputs["labels"] for c in channels] == [{"email_address": e} for e in emails]
    assert {c.inputs["type"] for c in channels} == {"email"}


def test_policies_notify_every_channel(alerted: SynthResult) -> None:
    """The API's two policies and the report's two send to all channels (their resolved names)."""
    names = sorted(c.state["name"] for c in alerted.of_type(CHANNEL))
    assert names
    policies = alerted.of_type(POLICY)
    assert sorted(p.name for p in policies) == [
        f"crosscloud-{alerted.stack}-{kind}-{alert}"
        for kind in ("alerts", "report-alerts")
        for alert in ("5xx", "latency")
    ]
    for policy in policies:
        assert sorted(policy.inputs["notificationChannels"]) == names


def test_no_alerts_without_anyone_to_tell(dev: SynthResult) -> None:
    """dev without alarmEmails registers no channels and no unheard policies."""
    assert json.loads(dev.config["crosscloud:alarmEmails"]) == []
    assert dev.of_type(CHANNEL) == []
    assert dev.of_type(POLICY) == []


def test_5xx_ratio_alert_on_the_function(alerted: SynthResult) -> None:
    """5xx responses over all responses of this function's service, above 5%."""
    condition = _threshold(alerted.one(POLICY, f"crosscloud-{alerted.stack}-alerts-5xx"))
    service = f'resource.labels.service_name = "{_service(alerted)}"'
    assert "run.googleapis.com/request_count" in str(condition["filter"])
    assert 'metric.labels.response_code_class = "5xx"' in str(condition["filter"])
    assert service in str(condition["filter"])
    assert "run.googleapis.com/request_count" in str(condition["denominatorFilter"])
    assert "response_code_class" not in str(condition["denominatorFilter"])
    assert service in str(condition["denominatorFilter"])
    assert condition["comparison"] == "COMPARISON_GT"
    assert condition["thresholdValue"] == 0.05


def test_latency_alert_near_the_timeout(alerted: SynthResult) -> None:
    """p99 request latency above 80% of the function's timeout."""
    condition = _threshold(alerted.one(POLICY, f"crosscloud-{alerted.stack}-alerts-latency"))
    assert "run.googleapis.com/request_latencies" in str(condition["filter"])
    assert f'resource.labels.service_name = "{_service(alerted)}"' in str(condition["filter"])
    (aggregation,) = condition["aggregations"]
    assert aggregation["perSeriesAligner"] == "ALIGN_PERCENTILE_99"
    timeout_ms = int(alerted.config["crosscloud:functionTimeoutSeconds"]) * 1000
    assert condition["thresholdValue"] == timeout_ms * 0.8


def test_report_alerts_watch_the_report_service(alerted: SynthResult) -> None:
    """The report's 5xx policy filters on the report function's own Cloud Run service."""
    report = alerted.one(
        "gcp:cloudfunctionsv2/function:Function", f"crosscloud-{alerted.stack}-report"
    )
    service = report.state["serviceConfig"]["service"].rsplit("/", 1)[-1]
    condition = _threshold(alerted.one(POLICY, f"crosscloud-{alerted.stack}-report-alerts-5xx"))
    assert f'resource.labels.service_name = "{service}"' in condition["filter"]
    latency = alerted.one(POLICY, f"crosscloud-{alerted.stack}-report-alerts-latency")
    assert _threshold(latency)["thresholdValue"] == 300 * 1000 * 0.8
