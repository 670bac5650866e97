"""The weekly report on AWS: schedule, its role and DLQ, the function's grants, the topic."""

import json
from typing import Any

import pytest

from tooling.synth import SynthResult, synth

NAME = "crosscloud-dev-report"


def _policy(result: SynthResult, role_arn: str) -> dict[str, dict[str, Any]]:
    """The inline policy of the role with ``role_arn``, by statement id."""
    role = next(r for r in result.of_type("aws:iam/role:Role") if r.state["arn"] == role_arn)
    policy = next(
        p for p in result.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role.id
    )
    return {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}


def test_the_schedule_invokes_the_function_weekly_with_retries_and_a_dlq(dev: SynthResult) -> None:
    """Monday 06:00 UTC by default, an empty payload, three retries, then the encrypted DLQ."""
    schedule = dev.one("aws:scheduler/schedule:Schedule", f"{NAME}-schedule")
    function = dev.one("aws:lambda/function:Function", NAME)
    dlq = dev.one("aws:sqs/queue:Queue", f"{NAME}-dlq")
    assert schedule.inputs["scheduleExpression"] == "cron(0 6 ? * MON *)"
    assert schedule.inputs["scheduleExpressionTimezone"] == "UTC"
    assert schedule.inputs["flexibleTimeWindow"] == {"mode": "OFF"}
    target = schedule.inputs["target"]
    assert target["arn"] == function.state["arn"]
    assert target["input"] == "{}"
    assert target["retryPolicy"] == {"maximumRetryAttempts": 3, "maximumEventAgeInSeconds": 21600}
    assert target["deadLetterConfig"] == {"arn": dlq.state["arn"]}
    assert dlq.inputs["sqsManagedSseEnabled"] is True


def test_the_schedule_role_may_only_invoke_that_function_and_fill_its_dlq(dev: SynthResult) -> None:
    """Trusts the scheduler of this account only; two statements, no wildcards."""
    schedule = dev.one("aws:scheduler/schedule:Schedule", f"{NAME}-schedule")
    role_arn = schedule.inputs["target"]["roleArn"]
    role = next(r for r in dev.of_type("aws:iam/role:Role") if r.state["arn"] == role_arn)
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    assert role.inputs["permissionsBoundary"].endswith(
        ":policy/github-actions-crosscloud-function-boundary"
    )
    statements = _policy(dev, role_arn)
    assert statements["InvokeReportFunction"]["Action"] == ["lambda:InvokeFunction"]
    assert statements["InvokeReportFunction"]["Resource"] == [
        dev.one("aws:lambda/function:Function", NAME).state["arn"]
    ]
    assert statements["SendDeadLetters"]["Resource"] == [
        dev.one("aws:sqs/queue:Queue", f"{NAME}-dlq").state["arn"]
    ]
    assert sorted(statements) == ["InvokeReportFunction", "SendDeadLetters"]


def test_the_function_reads_the_index_writes_reports_and_publishes_to_its_topic(
    dev: SynthResult,
) -> None:
    """Query on the index, objects under reports/ only, its own topic and key, its DLQ."""
    function = dev.one("aws:lambda/function:Function", NAME)
    statements = _policy(dev, function.inputs["role"])
    reports = dev.one("aws:s3/bucket:Bucket", "crosscloud-dev-reports").state["arn"]
    topic = dev.one("aws:sns/topic:Topic", f"{NAME}-topic")
    assert statements["QueryObjectIndex"]["Action"] == ["dynamodb:Query"]
    assert statements["QueryObjectIndex"]["Resource"] == [
        dev.one("aws:dynamodb/table:Table").state["arn"]
    ]
    assert statements["WriteAndLinkReports"]["Resource"] == [f"{reports}/reports/*"]
    assert statements["ListReports"]["Condition"] == {"StringLike": {"s3:prefix": ["reports/*"]}}
    assert statements["AnnounceReports"] == {
        "Sid": "AnnounceReports",
        "Effect": "Allow",
        "Action": ["sns:Publish"],
        "Resource": [topic.state["arn"]],
    }
    assert statements["EncryptAnnouncements"]["Resource"] == [topic.inputs["kmsMasterKeyId"]]
    for statement in statements.values():
        assert all("*" not in action for action in statement["Action"])
    variables = function.inputs["environment"]["variables"]
    assert variables["REPORTS_URL"] == f"s3://{dev.outputs['aws']['reportsBucket']}"
    assert variables["REPORT_TOPIC"] == topic.state["arn"]
    assert function.inputs["vpcConfig"]["subnetIds"]
    log_group = dev.one("aws:cloudwatch/logGroup:LogGroup", NAME)
    assert log_group.inputs["name"] == f"/aws/lambda/{NAME}"
    assert log_group.inputs["retentionInDays"] == 7


def test_failed_runs_and_the_dlq_alarm(dev: SynthResult) -> None:
    """Lambda's async failures go to the same DLQ, whose depth alarms; errors alarm too."""
    dlq = dev.one("aws:sqs/queue:Queue", f"{NAME}-dlq")
    config = dev.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", NAME)
    assert config.inputs["destinationConfig"] == {"onFailure": {"destination": dlq.state["arn"]}}
    alarms = {a.name: a for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert alarms[f"{NAME}-dead-letters"].inputs["dimensions"] == {"QueueName": dlq.state["name"]}
    for metric in ("errors", "throttles", "duration-p99"):
        assert f"{NAME}-{metric}" in alarms


def test_the_topic_is_encrypted_and_subscribes_each_report_email() -> None:
    """A KMS key of its own with rotation; one e-mail subscription per reportEmails entry."""
    emails = ["ana@corp.dev", "bo@corp.dev"]
    result = synth("dev", overrides={"crosscloud:reportEmails": emails})
    topic = result.one("aws:sns/topic:Topic", f"{NAME}-topic")
    key = next(
        k
        for k in result.of_type("aws:kms/key:Key")
        if k.state["arn"] == topic.inputs["kmsMasterKeyId"]
    )
    assert key.inputs["enableKeyRotation"] is True
    subscriptions = [
        s
        for s in result.of_type("aws:sns/topicSubscription:TopicSubscription")
        if s.inputs["topic"] == topic.state["arn"]
    ]
    assert sorted((s.inputs["protocol"], s.inputs["endpoint"]) for s in subscriptions) == [
        ("email", e) for e in emails
    ]


@pytest.mark.parametrize(
    ("schedule", "zone", "expected"),
    [
        ("30 7 * * 5", "Europe/Paris", "cron(30 7 ? * FRI *)"),
        ("0 23 * * SUN", "UTC", "cron(0 23 ? * SUN *)"),
        # A valid zone without a slash, once refused by a pattern.
        ("0 6 * * 1", "GMT", "cron(0 6 ? * MON *)"),
    ],
)
def test_the_schedule_comes_from_config(schedule: str, zone: str, expected: str) -> None:
    """reportSchedule (unix cron, weekly) and reportTimeZone become the scheduler's own form."""
    result = synth(
        "dev", overrides={"crosscloud:reportSchedule": schedule, "crosscloud:reportTimeZone": zone}
    )
    rule = result.one("aws:scheduler/schedule:Schedule", f"{NAME}-schedule")
    assert rule.inputs["scheduleExpression"] == expected
    assert rule.inputs["scheduleExpressionTimezone"] == zone
