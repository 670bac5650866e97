"""Audit-record rules: flow logs, access logging, the log bucket's policy, RDS logs, pgAudit, PI."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import aws_records
from policies.crosscloud_policies.core import StackRule, Subject
from policies.crosscloud_policies.settings import Settings
from tooling.policy_check import subjects_of
from tooling.synth import SynthResult

MakeSubject = Callable[..., Subject]
URN = "urn:pulumi:dev::crosscloud::{type}::{name}"
VPC_URN = URN.format(type=aws_records.VPC, name="vpc")
DB_URN = URN.format(type=aws_records.INSTANCE, name="db")
GROUP_URN = URN.format(type=aws_records.PARAMETER_GROUP, name="params")
LOGGING = aws_records.BUCKET_LOGGING[0]
BUCKET = "aws:s3/bucket:Bucket"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
DELIVERY: dict[str, Any] = {
    "Sid": "S3ServerAccessLogsPolicy",
    "Effect": "Allow",
    "Principal": {"Service": "logging.s3.amazonaws.com"},
    "Action": ["s3:PutObject"],
    "Resource": ["arn:aws:s3:::logs-1/s3-access/*"],
    "Condition": {
        "ArnLike": {"aws:SourceArn": ["arn:aws:s3:::data-1"]},
        "StringEquals": {"aws:SourceAccount": "123456789012"},
    },
}


def rule(name: str) -> StackRule:
    """The records stack rule called ``name``."""
    (found,) = [r for r in aws_records.RULES if r.name == name]
    assert isinstance(found, StackRule)
    return found


def run(name: str, subjects: list[Subject], settings: Settings) -> list[str]:
    """The messages of one stack rule over ``subjects``."""
    return [f.message for f in rule(name).check(subjects, settings)]


def flow_logged(subject: MakeSubject, traffic: str) -> list[Subject]:
    """A VPC and a flow log on it."""
    return [
        subject(aws_records.VPC, {"cidrBlock": "10.0.0.0/16"}, name="vpc", urn=VPC_URN),
        subject(aws_records.FLOW_LOG, {"trafficType": traffic}, name="fl", dependencies=(VPC_URN,)),
    ]


def test_vpc_with_a_reject_flow_log_passes(subject: MakeSubject, dev_settings: Settings) -> None:
    """A flow log of rejected (or all) traffic satisfies vpc-flow-logs."""
    assert run("vpc-flow-logs", flow_logged(subject, "REJECT"), dev_settings) == []
    assert run("vpc-flow-logs", flow_logged(subject, "ALL"), dev_settings) == []


def test_vpc_without_flow_log_or_rejects_fails(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """No flow log, or one of accepted traffic only, is a violation on the VPC."""
    (vpc, _) = flow_logged(subject, "REJECT")
    assert run("vpc-flow-logs", [vpc], dev_settings) == ["VPC vpc has no flow log."]
    assert run("vpc-flow-logs", flow_logged(subject, "ACCEPT"), dev_settings) == [
        "VPC vpc's flow logs record ACCEPT only, not rejected traffic (REJECT or ALL)."
    ]


def logged_buckets(
    subject: MakeSubject, delivery: dict[str, Any] | None = None, target: str = "logs-1"
) -> list[Subject]:
    """A data bucket logging to a log bucket whose policy holds ``delivery``."""
    statements = [delivery if delivery is not None else DELIVERY]
    return [
        subject(BUCKET, {"bucket": "data-1"}, name="data"),
        subject(
            BUCKET, {"bucket": "logs-1"}, name="logs", urn=URN.format(type=BUCKET, name="logs")
        ),
        subject(LOGGING, {"bucket": "data-1", "targetBucket": target}, name="data-logging"),
        subject(
            POLICY,
            {"bucket": "logs-1", "policy": json.dumps({"Statement": statements})},
            name="logs-policy",
            dependencies=(URN.format(type=BUCKET, name="logs"),),
        ),
    ]


def test_data_bucket_logging_to_a_log_bucket_passes(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """The data bucket logs; the log bucket is exempt as a target; its policy is narrow."""
    subjects = logged_buckets(subject)
    assert run("s3-access-logging", subjects, dev_settings) == []
    assert run("s3-log-bucket-policy", subjects, dev_settings) == []


def test_bucket_without_logging_or_logging_into_itself_fails(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """A bucket with no logging, and a bucket logging into itself, are violations."""
    subjects = logged_buckets(subject)
    assert run("s3-access-logging", [subjects[0]], dev_settings) == [
        "S3 bucket data has no server access logging."
    ]
    # The other bucket, no longer anyone's log target, must then log too.
    assert run("s3-access-logging", logged_buckets(subject, target="data-1"), dev_settings) == [
        "S3 bucket data logs its requests into itself.",
        "S3 bucket logs has no server access logging.",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"Action": ["s3:PutObject", "s3:GetObject"]}, "s3:GetObject, not only s3:PutObject"),
        ({"Resource": ["arn:aws:s3:::logs-1/*"]}, "admits the whole bucket"),
        ({"Condition": {"ArnLike": {"aws:SourceArn": ["arn:aws:s3:::data-1"]}}}, "SourceAccount"),
        ({"Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}, "SourceArn"),
        ({"Principal": {"Service": "logging.s3.amazonaws.com", "AWS": "*"}}, "other principals"),
    ],
)
def test_loose_log_delivery_grant_fails(
    change: dict[str, Any], expected: str, subject: MakeSubject, dev_settings: Settings
) -> None:
    """Extra actions, the whole bucket, a missing source condition or extra principals fail."""
    messages = run(
        "s3-log-bucket-policy", logged_buckets(subject, {**DELIVERY, **change}), dev_settings
    )
    assert len(messages) == 1
    assert messages[0].startswith("Log bucket logs's log-delivery grant")
    assert expected in messages[0]


def test_log_bucket_admitting_others_or_not_the_service_fails(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Another Allow beside the service's, or no service grant at all, is a violation."""
    other = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:*"}
    subjects = logged_buckets(subject)
    policy = subjects[3]
    both = json.dumps({"Statement": [DELIVERY, other]})
    subjects[3] = subject(
        POLICY,
        {"bucket": "logs-1", "policy": both},
        name=policy.name,
        dependencies=policy.dependencies,
    )
    assert run("s3-log-bucket-policy", subjects, dev_settings) == [
        "Log bucket logs's policy allows 1 statement(s) to principals other than "
        "logging.s3.amazonaws.com."
    ]
    assert run("s3-log-bucket-policy", logged_buckets(subject, other), dev_settings)[0].startswith(
        "Log bucket logs has no policy admitting logging.s3.amazonaws.com"
    )


def test_postgres_log_export_and_performance_insights(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Exporting the postgresql log and PI on pass; their absence fails."""
    sound = {
        "engine": "postgres",
        "enabledCloudwatchLogsExports": ["postgresql", "upgrade"],
        "performanceInsightsEnabled": True,
    }
    instance = subject(aws_records.INSTANCE, sound, name="db")
    assert list(aws_records.rds_logs_exported(instance, dev_settings)) == []
    assert list(aws_records.rds_performance_insights(instance, dev_settings)) == []
    bare = subject(aws_records.INSTANCE, {"engine": "postgres"}, name="db")
    assert list(aws_records.rds_logs_exported(bare, dev_settings)) == [
        "RDS db does not export its postgresql log to CloudWatch Logs."
    ]
    assert list(aws_records.rds_performance_insights(bare, dev_settings)) == [
        "RDS db does not set performanceInsightsEnabled: true."
    ]


def audited(subject: MakeSubject, parameters: list[dict[str, str]]) -> list[Subject]:
    """A PostgreSQL instance depending on a parameter group with ``parameters``."""
    return [
        subject(
            aws_records.PARAMETER_GROUP, {"parameters": parameters}, name="params", urn=GROUP_URN
        ),
        subject(
            aws_records.INSTANCE,
            {"engine": "postgres"},
            name="db",
            urn=DB_URN,
            dependencies=(GROUP_URN,),
        ),
    ]


def test_pgaudit_preloaded_with_a_scope_passes(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """pgaudit in shared_preload_libraries and pgaudit.log set: no violation."""
    parameters = [
        {"name": "shared_preload_libraries", "value": "pg_stat_statements,pgaudit"},
        {"name": "pgaudit.log", "value": "write,ddl,role"},
    ]
    assert run("rds-pgaudit", audited(subject, parameters), dev_settings) == []


def test_pgaudit_missing_or_without_scope_fails(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Not preloaded, or pgaudit.log none/unset, is a violation on the instance."""
    assert run("rds-pgaudit", audited(subject, []), dev_settings) == [
        "RDS db: parameter group params does not preload pgaudit.",
        "RDS db: parameter group params sets no pgaudit.log classes.",
    ]
    preloaded = [
        {"name": "shared_preload_libraries", "value": "pgaudit"},
        {"name": "pgaudit.log", "value": "none"},
    ]
    assert run("rds-pgaudit", audited(subject, preloaded), dev_settings) == [
        "RDS db: parameter group params sets no pgaudit.log classes."
    ]
    (_, instance) = audited(subject, [])
    assert run("rds-pgaudit", [instance], dev_settings) == [
        "RDS db has no parameter group of the stack."
    ]


@pytest.mark.parametrize(
    ("rule_name", "drop"),
    [
        ("vpc-flow-logs", aws_records.FLOW_LOG),
        ("s3-access-logging", LOGGING),
        ("rds-pgaudit", aws_records.PARAMETER_GROUP),
    ],
)
def test_each_stack_rule_sees_the_real_stack(
    rule_name: str, drop: str, dev: SynthResult, dev_settings: Settings
) -> None:
    """On the synthesized dev stack the rule passes, and fails once its record is removed."""
    subjects = subjects_of(dev, with_outputs=True)
    assert run(rule_name, subjects, dev_settings) == []
    assert run(rule_name, [s for s in subjects if s.type != drop], dev_settings) != []
