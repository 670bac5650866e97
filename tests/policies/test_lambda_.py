"""Lambda rules: log group retention, plaintext secrets, memory/timeout bounds, permissions."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from policies.crosscloud_policies import lambda_
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
FUNCTION_URN = "urn:pulumi:dev::crosscloud::aws:lambda/function:Function::api"


@pytest.fixture
def function(subject: MakeSubject) -> Subject:
    """A function as a stack policy sees it: its outputs carry the physical name."""
    return subject(
        lambda_.FUNCTION,
        {"name": "api-1a2b3c4", "runtime": "python3.12"},
        name="api",
        urn=FUNCTION_URN,
    )


def log_group(subject: MakeSubject, name: str, retention: float | None = 14.0) -> Subject:
    """A CloudWatch log group."""
    return subject(lambda_.LOG_GROUP, {"name": name, "retentionInDays": retention}, name="api-logs")


def test_function_with_its_log_group_passes(
    function: Subject, subject: MakeSubject, dev_settings: Settings
) -> None:
    """/aws/lambda/<name> with a retention period satisfies the rule."""
    subjects = [function, log_group(subject, "/aws/lambda/api-1a2b3c4")]
    assert list(lambda_.log_group_with_retention(subjects, dev_settings)) == []


def test_logging_config_names_the_log_group(subject: MakeSubject, dev_settings: Settings) -> None:
    """A function that logs to a custom group is matched by its loggingConfig."""
    function = subject(
        lambda_.FUNCTION,
        {"name": "api", "loggingConfig": {"logGroup": "/crosscloud/api", "logFormat": "JSON"}},
    )
    subjects = [function, log_group(subject, "/crosscloud/api")]
    assert list(lambda_.log_group_with_retention(subjects, dev_settings)) == []


def test_function_without_log_group_fails(
    function: Subject, subject: MakeSubject, dev_settings: Settings
) -> None:
    """A log group for another function does not count."""
    findings = list(
        lambda_.log_group_with_retention(
            [function, log_group(subject, "/aws/lambda/other")], dev_settings
        )
    )
    assert [f.urn for f in findings] == [FUNCTION_URN]
    assert "has no log group /aws/lambda/api-1a2b3c4" in findings[0].message


def test_log_group_without_retention_fails(
    function: Subject, subject: MakeSubject, dev_settings: Settings
) -> None:
    """A log group that keeps logs forever fails on the function."""
    subjects = [function, log_group(subject, "/aws/lambda/api-1a2b3c4", retention=None)]
    findings = list(lambda_.log_group_with_retention(subjects, dev_settings))
    assert [f.message for f in findings] == [
        "Lambda api's log group api-logs sets no retentionInDays."
    ]


@pytest.mark.parametrize(
    ("variables", "flagged"),
    [
        (
            {
                "TABLE_NAME": "index",
                "API_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:t",
            },
            [],
        ),
        ({"KMS_KEY_ID": "k", "OBJECT_KEY_PREFIX": "uploads/"}, []),
        ({"DB_PASSWORD": "hunter2"}, ["DB_PASSWORD"]),
        ({"apiToken": "abc", "STRIPE_SECRET_KEY": "sk_live_x"}, ["apiToken", "STRIPE_SECRET_KEY"]),
        # A secret named as such but holding an ARN is a reference, not the secret.
        ({"API_TOKEN": "arn:aws:secretsmanager:eu-west-1:1:secret:t"}, []),
    ],
)
def test_no_plaintext_secrets(
    variables: dict[str, str], flagged: list[str], subject: MakeSubject, dev_settings: Settings
) -> None:
    """Variables named like credentials fail unless their value is a reference."""
    function = subject(lambda_.FUNCTION, {"environment": {"variables": variables}})
    messages = list(lambda_.no_plaintext_secrets(function, dev_settings))
    assert [m.split(" environment variable ")[1].split(" ")[0] for m in messages] == flagged


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"memorySize": 512.0, "timeout": 15.0}, []),
        ({}, []),  # Lambda's defaults (128 MB, 3 s) are within bounds
        (
            {"memorySize": 10240.0, "timeout": 15.0},
            ["Lambda f memorySize 10240 MB is outside 128-4096 MB."],
        ),
        ({"memorySize": 512.0, "timeout": 900.0}, ["Lambda f timeout 900 s is outside 1-60 s."]),
    ],
)
def test_memory_and_timeout_bounds(
    props: dict[str, Any], expected: list[str], subject: MakeSubject, dev_settings: Settings
) -> None:
    """Memory and timeout outside the pack's default bounds fail."""
    function = subject(lambda_.FUNCTION, props, name="f")
    assert list(lambda_.memory_and_timeout(function, dev_settings)) == expected


def test_bounds_come_from_settings(subject: MakeSubject, dev_settings: Settings) -> None:
    """A tighter maxTimeoutSeconds turns a passing timeout into a violation."""
    function = subject(lambda_.FUNCTION, {"timeout": 29.0}, name="f")
    tight = replace(dev_settings, max_timeout_seconds=20)
    assert list(lambda_.memory_and_timeout(function, tight)) == [
        "Lambda f timeout 29 s is outside 1-20 s."
    ]


def test_permission_needs_source_arn(subject: MakeSubject, dev_settings: Settings) -> None:
    """A permission without sourceArn fails; with one it passes."""
    base = {
        "action": "lambda:InvokeFunction",
        "function": "api",
        "principal": "apigateway.amazonaws.com",
    }
    scoped = subject(
        lambda_.PERMISSION, {**base, "sourceArn": "arn:aws:execute-api:eu-west-1:1:abc/*/*"}
    )
    open_ = subject(lambda_.PERMISSION, base, name="invoke")
    assert list(lambda_.permission_has_source_arn(scoped, dev_settings)) == []
    assert list(lambda_.permission_has_source_arn(open_, dev_settings)) == [
        "Lambda permission invoke for apigateway.amazonaws.com has no sourceArn: any resource "
        "of that principal in any account may invoke."
    ]


def test_unreserved_functions_pass_by_default(subject: MakeSubject, dev_settings: Settings) -> None:
    """No reservation (the committed 0 leaves the input unset) passes outside the pack's list."""
    function = subject(lambda_.FUNCTION, {"name": "api"})
    assert list(lambda_.reserved_concurrency(function, dev_settings)) == []


def test_a_reservation_of_zero_fails(subject: MakeSubject, dev_settings: Settings) -> None:
    """Reserving 0 executions throttles every invoke: refused everywhere."""
    function = subject(lambda_.FUNCTION, {"reservedConcurrentExecutions": 0.0}, name="indexer")
    (message,) = lambda_.reserved_concurrency(function, dev_settings)
    assert message.startswith("Lambda indexer reserves 0 concurrent executions")


@pytest.mark.parametrize(("reserved", "passes"), [(None, False), (-1.0, False), (10.0, True)])
def test_listed_stacks_need_a_cap(
    reserved: float | None, passes: bool, subject: MakeSubject, prod_settings: Settings
) -> None:
    """In reservedConcurrencyStacks every function reserves at least one execution."""
    settings = replace(prod_settings, reserved_concurrency_stacks=("prod",))
    props = {} if reserved is None else {"reservedConcurrentExecutions": reserved}
    found = list(lambda_.reserved_concurrency(subject(lambda_.FUNCTION, props), settings))
    assert (found == []) is passes
    if not passes:
        assert "stack prod is in reservedConcurrencyStacks" in found[0]


@pytest.mark.parametrize(
    ("policies", "passes"),
    [
        ({"untrustedArtifactOnDeployment": "Enforce"}, True),
        ({"untrustedArtifactOnDeployment": "Warn"}, False),
        (None, False),
    ],
)
def test_code_signing_config_must_enforce(
    policies: dict[str, str] | None, passes: bool, subject: MakeSubject, dev_settings: Settings
) -> None:
    """A signing config that only warns (Lambda's default) lets unsigned code deploy."""
    props: dict[str, Any] = {"allowedPublishers": {"signingProfileVersionArns": ["arn:x"]}}
    if policies is not None:
        props["policies"] = policies
    config = subject(lambda_.CODE_SIGNING_CONFIG, props, name="signing")
    found = list(lambda_.code_signing_enforced(config, dev_settings))
    assert (found == []) is passes
    if not passes:
        assert "untrustedArtifactOnDeployment Warn" in found[0]


def test_sqs_mapping_reporting_batch_item_failures_passes(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """The indexer's mapping: an SQS source with ReportBatchItemFailures."""
    mapping = subject(
        lambda_.EVENT_SOURCE_MAPPING,
        {
            "eventSourceArn": "arn:aws:sqs:eu-west-1:123456789012:events",
            "functionResponseTypes": ["ReportBatchItemFailures"],
        },
    )
    assert list(lambda_.sqs_reports_batch_item_failures(mapping, dev_settings)) == []


@pytest.mark.parametrize("source", ["arn:aws:sqs:eu-west-1:123456789012:events", None])
def test_sqs_mapping_without_batch_item_failures_fails(
    subject: MakeSubject, dev_settings: Settings, source: str | None
) -> None:
    """Also when the queue ARN is not known yet (first preview): no stream inputs means SQS."""
    mapping = subject(lambda_.EVENT_SOURCE_MAPPING, {"eventSourceArn": source}, name="m")
    [message] = lambda_.sqs_reports_batch_item_failures(mapping, dev_settings)
    assert message.startswith("SQS event source mapping m does not set functionResponseTypes")


def test_stream_mappings_are_not_held_to_it(subject: MakeSubject, dev_settings: Settings) -> None:
    """A Kinesis or DynamoDB stream mapping is another rule's business."""
    mapping = subject(
        lambda_.EVENT_SOURCE_MAPPING,
        {"eventSourceArn": "arn:aws:kinesis:eu-west-1:123456789012:stream/s"},
    )
    assert list(lambda_.sqs_reports_batch_item_failures(mapping, dev_settings)) == []
    pending = subject(lambda_.EVENT_SOURCE_MAPPING, {"startingPosition": "LATEST"})
    assert list(lambda_.sqs_reports_batch_item_failures(pending, dev_settings)) == []
