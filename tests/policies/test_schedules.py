"""Schedule rules: retries and a DLQ, OIDC-authenticated jobs, and private scheduled functions."""

import base64
from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import schedules
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
FN_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:crosscloud-dev-report"
DLQ = "arn:aws:sqs:eu-west-1:123456789012:crosscloud-dev-report-dlq"
URL = "https://crosscloud-dev-report-abc-ew.a.run.app"
SCHED = "crosscloud-dev-sched@crosscloud-dev.iam.gserviceaccount.com"


def _schedule(**target: Any) -> dict[str, Any]:
    """A schedule's props with this target."""
    return {"scheduleExpression": "cron(0 6 ? * MON *)", "target": {"arn": FN_ARN, **target}}


@pytest.mark.parametrize(
    ("props", "problems"),
    [
        (
            _schedule(retryPolicy={"maximumRetryAttempts": 3}, deadLetterConfig={"arn": DLQ}),
            [],
        ),
        (_schedule(deadLetterConfig={"arn": DLQ}), ["retry_policy"]),
        (_schedule(retryPolicy={"maximumRetryAttempts": 3}), ["dead_letter_config"]),
        (_schedule(), ["retry_policy", "dead_letter_config"]),
    ],
)
def test_aws_schedule_needs_retries_and_a_dlq(
    props: dict[str, Any], problems: list[str], subject: MakeSubject, dev_settings: Settings
) -> None:
    """Each missing half is named."""
    found = list(
        schedules.aws_schedule_retry_and_dlq(subject(schedules.AWS_SCHEDULE, props), dev_settings)
    )
    assert len(found) == len(problems)
    for message, problem in zip(found, problems, strict=True):
        assert problem in message


def _job(**target: Any) -> dict[str, Any]:
    """A Cloud Scheduler job's props with this HTTP target and three retries."""
    return {
        "schedule": "0 6 * * 1",
        "retryConfig": {"retryCount": 3},
        "httpTarget": {"uri": URL, "body": base64.b64encode(b"{}").decode(), **target},
    }


@pytest.mark.parametrize(
    ("props", "problems"),
    [
        (_job(oidcToken={"serviceAccountEmail": SCHED, "audience": URL}), []),
        (_job(), ["OIDC"]),
        (_job(oauthToken={"serviceAccountEmail": SCHED}), ["OIDC"]),
        (
            _job(uri="http://example.com/report", oidcToken={"serviceAccountEmail": SCHED}),
            ["HTTPS"],
        ),
        (
            {**_job(oidcToken={"serviceAccountEmail": SCHED}), "retryConfig": {}},
            ["retry_count"],
        ),
        ({"pubsubTarget": {"topicName": "projects/p/topics/t"}}, []),
    ],
)
def test_gcp_job_calls_https_with_an_oidc_token_and_retries(
    props: dict[str, Any], problems: list[str], subject: MakeSubject, dev_settings: Settings
) -> None:
    """No token, plain HTTP or no retries each fail; a Pub/Sub target is not an HTTP call."""
    found = list(schedules.gcp_job_authenticated(subject(schedules.GCP_JOB, props), dev_settings))
    assert len(found) == len(problems)
    for message, problem in zip(found, problems, strict=True):
        assert problem in message


def _gcp_stack(subject: MakeSubject, member: str) -> list[Subject]:
    """A job calling the report function, the function, and one invoker binding."""
    return [
        subject(schedules.GCP_JOB, _job(oidcToken={"serviceAccountEmail": SCHED}), name="job"),
        subject(
            schedules.FUNCTION_V2,
            {
                "name": "crosscloud-dev-report",
                "url": URL,
                "serviceConfig": {
                    "service": "projects/p/locations/europe-west1/services/crosscloud-dev-report"
                },
            },
            name="fn",
        ),
        subject(
            "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
            {"name": "crosscloud-dev-report", "role": "roles/run.invoker", "member": member},
            name="invoker",
        ),
        # The API's own public binding is the public API's business, not this rule's.
        subject(
            "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
            {"name": "crosscloud-dev-api", "role": "roles/run.invoker", "member": "allUsers"},
            name="api-invoker",
        ),
    ]


@pytest.mark.parametrize(
    ("member", "violations"), [(f"serviceAccount:{SCHED}", 0), ("allUsers", 1)]
)
def test_scheduled_gcp_function_is_never_public(
    member: str, violations: int, subject: MakeSubject, public_settings: Settings
) -> None:
    """Even with publicApi on, allUsers on the scheduled function's service fails."""
    found = list(schedules.scheduled_targets_private(_gcp_stack(subject, member), public_settings))
    assert [f.urn.rsplit("::", 1)[-1] for f in found] == ["invoker"] * violations


def _aws_stack(subject: MakeSubject, principal: str) -> list[Subject]:
    """A schedule invoking the report Lambda, the Lambda, and one permission on it."""
    return [
        subject(
            schedules.AWS_SCHEDULE,
            _schedule(retryPolicy={"maximumRetryAttempts": 3}, deadLetterConfig={"arn": DLQ}),
            name="schedule",
        ),
        subject(schedules.LAMBDA, {"arn": FN_ARN, "name": "crosscloud-dev-report"}, name="fn"),
        subject(
            schedules.LAMBDA_PERMISSION,
            {"function": "crosscloud-dev-report", "principal": principal, "action": "x"},
            name="permission",
        ),
        subject(
            schedules.LAMBDA_URL,
            {"functionName": "crosscloud-dev-api", "authorizationType": "NONE"},
            name="api-url",
        ),
    ]


@pytest.mark.parametrize(("principal", "violations"), [("scheduler.amazonaws.com", 0), ("*", 1)])
def test_scheduled_lambda_is_never_public(
    principal: str, violations: int, subject: MakeSubject, public_settings: Settings
) -> None:
    """A permission to '*' on the scheduled Lambda fails; the API's public URL is not judged."""
    found = list(
        schedules.scheduled_targets_private(_aws_stack(subject, principal), public_settings)
    )
    assert [f.urn.rsplit("::", 1)[-1] for f in found] == ["permission"] * violations


def test_a_public_function_url_on_the_scheduled_lambda_fails(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """An unauthenticated function URL opens the scheduled Lambda too."""
    stack = [
        *_aws_stack(subject, "scheduler.amazonaws.com"),
        subject(
            schedules.LAMBDA_URL,
            {"functionName": FN_ARN, "authorizationType": "NONE"},
            name="report-url",
        ),
    ]
    found = list(schedules.scheduled_targets_private(stack, dev_settings))
    assert [f.urn.rsplit("::", 1)[-1] for f in found] == ["report-url"]
