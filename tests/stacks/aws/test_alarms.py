"""Alarm topics: every alarm notifies an encrypted topic in its region (billing: bootstrap)."""

import json

from tooling.synth import Resource, SynthResult, synth


def _region_of(result: SynthResult, resource: Resource) -> str:
    """The region of the provider a resource was registered with."""
    provider = result.by_urn(resource.provider.rsplit("::", 1)[0])
    return str(provider.inputs["region"])


def test_every_alarm_notifies_a_topic_in_its_own_region(dev: SynthResult) -> None:
    """Alarm and OK actions are this stack's SNS topics, in the alarm's own region."""
    topics = {t.state["arn"]: t for t in dev.of_type("aws:sns/topic:Topic")}
    alarms = dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert len(alarms) >= 7
    for alarm in alarms:
        assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"]
        (action,) = alarm.inputs["alarmActions"]
        assert action in topics, alarm.name
        assert _region_of(dev, alarm) == _region_of(dev, topics[action]) == action.split(":")[3]


def test_stacks_create_no_billing_alarm(synths: dict[str, SynthResult]) -> None:
    """Estimated charges are account-wide: the bootstrap owns the one billing alarm."""
    for result in synths.values():
        metrics = {
            a.inputs.get("metricName")
            for a in result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        }
        assert "EstimatedCharges" not in metrics
        assert "crosscloud:billingAlarmUsd" not in result.config


def test_topics_are_encrypted_with_a_key_cloudwatch_may_use(dev: SynthResult) -> None:
    """Each alarm topic uses its own KMS key whose policy admits CloudWatch from this account."""
    keys = {k.state["arn"]: k for k in dev.of_type("aws:kms/key:Key")}
    alarm_topics = [t for t in dev.of_type("aws:sns/topic:Topic") if t.name.endswith("-alarms")]
    assert alarm_topics
    for topic in alarm_topics:
        key = keys[topic.inputs["kmsMasterKeyId"]]
        assert key.inputs["enableKeyRotation"] is True
        statements = json.loads(key.inputs["policy"])["Statement"]
        cloudwatch = [
            s for s in statements if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
        ]
        assert cloudwatch[0]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
        assert cloudwatch[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_email_subscriptions_follow_config() -> None:
    """Each alarm email subscribes to the stack's alarm topic, once."""
    emails = ["a@crosscloud.offline", "b@crosscloud.offline"]
    result = synth("dev", overrides={"crosscloud:alarmEmails": emails})
    subscriptions = result.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s.inputs["endpoint"] for s in subscriptions) == sorted(emails)
    assert {s.inputs["protocol"] for s in subscriptions} == {"email"}
