"""Offline policy evaluation over the shipped stacks, and the `make policy` command line."""

import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tooling.policy_check import Violation, evaluate, main
from tooling.synth import Resource, SynthResult, list_stacks

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stack", list_stacks())
def test_shipped_stack_passes_every_mandatory_policy(
    stack: str, synths: dict[str, SynthResult]
) -> None:
    """Every resource of every shipped stack passes every mandatory policy."""
    mandatory = [v for v in evaluate(synths[stack]) if v.enforcement == "mandatory"]
    assert mandatory == []


@pytest.mark.parametrize(
    ("policy", "expected_types"),
    [
        (
            "aws-required-tags",
            {"aws:s3/bucket:Bucket", "aws:rds/instance:Instance", "aws:lambda/function:Function"},
        ),
        (
            "gcp-required-labels",
            {
                "gcp:storage/bucket:Bucket",
                "gcp:sql/databaseInstance:DatabaseInstance",
                "gcp:cloudfunctionsv2/function:Function",
            },
        ),
    ],
)
def test_policies_see_the_real_resources(
    policy: str, expected_types: set[str], dev: SynthResult
) -> None:
    """An extra required tag/label is reported on the real stack's resources of both clouds."""
    violations = [
        v
        for v in evaluate(dev, {policy: {"requiredTags": ["project", "team"]}})
        if v.policy == policy
    ]
    assert expected_types <= {v.resource_type for v in violations}
    assert all(v.message.endswith("(s) team.") for v in violations)


def test_dev_held_to_prod_rules_fails_them(dev: SynthResult) -> None:
    """Declaring dev a prod stack reports its unprotected state and single-AZ database."""
    violations = evaluate(dev, {"all": {"prodStacks": [dev.stack]}})
    policies = {v.policy for v in violations}
    assert {
        "prod-stateful-protected",
        "rds-prod-multi-az",
        "rds-prod-deletion-protection",
    } <= policies
    unprotected = {v.resource_type for v in violations if v.policy == "prod-stateful-protected"}
    assert {
        "aws:s3/bucket:Bucket",
        "aws:dynamodb/table:Table",
        "aws:rds/instance:Instance",
    } <= unprotected


def without(result: SynthResult, type_: str, name: str) -> SynthResult:
    """The synth minus one resource."""
    kept = tuple(r for r in result.resources if not (r.type == type_ and r.name == name))
    assert len(kept) == len(result.resources) - 1
    return replace(result, resources=kept)


def test_bucket_without_public_access_block_is_reported_offline(dev: SynthResult) -> None:
    """Stack rules run offline: dropping a bucket's public access block fails on that bucket."""
    name = f"crosscloud-{dev.stack}-uploads"
    result = without(
        dev, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{name}-public-access"
    )
    bucket = result.one("aws:s3/bucket:Bucket", name)
    assert [v for v in evaluate(result) if v.policy == "s3-public-access-block"] == [
        Violation(
            policy="s3-public-access-block",
            enforcement="mandatory",
            resource_type="aws:s3/bucket:Bucket",
            resource_name=name,
            urn=bucket.urn,
            message=f"S3 bucket {name} has no BucketPublicAccessBlock.",
        )
    ]


def test_lambda_without_log_group_is_reported_offline(dev: SynthResult) -> None:
    """Dropping the API function's log group fails the log group rule on the function."""
    name = f"crosscloud-{dev.stack}-api"
    result = without(dev, "aws:cloudwatch/logGroup:LogGroup", name)
    violations = [v for v in evaluate(result) if v.policy == "lambda-log-group-retention"]
    assert [(v.resource_type, v.resource_name) for v in violations] == [
        ("aws:lambda/function:Function", name)
    ]


def test_disabled_policy_is_not_evaluated(dev: SynthResult) -> None:
    """enforcementLevel disabled turns a policy off, as in the CLI."""
    config = {"aws-required-tags": {"requiredTags": ["team"], "enforcementLevel": "disabled"}}
    assert [v for v in evaluate(dev, config) if v.policy == "aws-required-tags"] == []


def test_default_providers_take_tags_and_labels_from_stack_config() -> None:
    """Resources on default providers see aws:defaultTags / gcp:defaultLabels from config."""
    required = ["project", "owner"]
    values = {"project": "crosscloud", "owner": "platform-team"}

    def resource(type_: str, name: str) -> Resource:
        urn = f"urn:pulumi:dev::crosscloud::{type_}::{name}"
        return Resource(urn, type_, name, True, {}, {}, "", (), "", False, False)

    result = SynthResult(
        stack="dev",
        config={"aws:defaultTags": json.dumps({"tags": values})},
        resources=(
            resource("aws:sqs/queue:Queue", "q"),
            resource("gcp:storage/bucket:Bucket", "b"),
        ),
        outputs={},
    )
    config = {
        name: {"requiredTags": required} for name in ("aws-required-tags", "gcp-required-labels")
    }
    found = [(v.policy, v.resource_name) for v in evaluate(result, config) if v.policy in config]
    assert found == [("gcp-required-labels", "b")]
    labelled = replace(result, config={**result.config, "gcp:defaultLabels": json.dumps(values)})
    assert [v for v in evaluate(labelled, config) if v.policy in config] == []


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m tooling.policy_check ...` as `make policy` runs it."""
    return subprocess.run(
        [sys.executable, "-B", "-m", "tooling.policy_check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_cli_passes_a_clean_stack() -> None:
    """A stack without violations prints so and exits 0."""
    completed = run_cli("dev")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "Policies: no violations.\n"


def test_cli_fails_on_a_mandatory_violation(tmp_path: Path) -> None:
    """Mandatory violations print policy, resource type and name, message; exit 1."""
    config = tmp_path / "pack-config.json"
    config.write_text(json.dumps({"aws-required-tags": {"requiredTags": ["team"]}}))
    completed = run_cli("dev", "--config", str(config))
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "Policy Violations:"
    header = (
        "    [mandatory]  crosscloud v0.1.0  aws-required-tags "
        "(crosscloud-dev-uploads: aws:s3/bucket:Bucket)"
    )
    at = lines.index(header)
    assert lines[at + 1 : at + 3] == [
        "    Every taggable AWS resource has the requiredTags, directly or via the provider's "
        "default_tags.",
        "    Bucket crosscloud-dev-uploads lacks tag(s) team.",
    ]
    assert lines[-1].endswith("mandatory.")


def test_cli_exits_zero_on_advisory_violations(tmp_path: Path) -> None:
    """Advisory violations are printed but do not fail the command."""
    config = tmp_path / "pack-config.json"
    config.write_text(
        json.dumps(
            {"aws-required-tags": {"requiredTags": ["team"], "enforcementLevel": "advisory"}}
        )
    )
    out = io.StringIO()
    assert main(["dev", "--config", str(config)], out=out) == 0
    headers = [line for line in out.getvalue().splitlines() if line.startswith("    [")]
    assert headers
    assert all(
        h.startswith("    [advisory]  crosscloud v0.1.0  aws-required-tags (") for h in headers
    )


def test_cli_reports_an_unknown_stack() -> None:
    """A stack without a Pulumi.<stack>.yaml exits 2 with the reason."""
    out = io.StringIO()
    assert main(["nosuchstack"], out=out) == 2
    assert out.getvalue() == ""
