"""The pulumi-policy adapters: rules run through pulumi-policy's own argument types.

These call ``policy.validate`` the way pulumi-policy's analyzer does, without
building the PolicyPack (which would start its gRPC server).
"""

import contextvars
import json
from collections.abc import Mapping
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UnknownValueError, unknown_checking_proxy

from policies.crosscloud_policies import pack
from policies.crosscloud_policies.catalog import RULES

TAGS = {"project": "p", "stack": "dev", "environment": "dev", "owner": "o", "cost-centre": "c"}
Reported = list[tuple[str, str | None]]


@pytest.fixture(autouse=True)
def no_stack_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pack reads the stack's config from the Pulumi runtime; tests start without any."""
    monkeypatch.setattr(pack, "stack_config", dict)


def options(protect: bool = False) -> PolicyResourceOptions:
    """Resource options as the analyzer builds them."""
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def urn(type_: str, name: str, stack: str = "dev") -> str:
    """A resource URN in ``stack``."""
    return f"urn:pulumi:{stack}::crosscloud::{type_}::{name}"


def policy_named(name: str) -> Any:
    """The pulumi-policy policy built for the rule ``name``."""
    (rule,) = [r for r in RULES if r.name == name]
    return pack.to_policy(rule)


def validate_resource(
    name: str,
    type_: str,
    props: Mapping[str, Any],
    *,
    stack: str = "dev",
    config: Mapping[str, Any] | None = None,
    provider: PolicyProviderResource | None = None,
    protect: bool = False,
) -> Reported:
    """Run one resource policy over one resource; return what it reported."""
    reported: Reported = []
    args = ResourceValidationArgs(
        type_,
        props,
        urn(type_, "res", stack),
        "res",
        options(protect),
        provider,
        dict(config or {}),
    )
    policy_named(name).validate(args, lambda message, at=None: reported.append((message, at)))
    return reported


def test_every_rule_becomes_a_policy_with_its_metadata() -> None:
    """Names, descriptions, remediation and levels reach pulumi-policy unchanged."""
    policies = pack.policies()
    assert [p.name for p in policies] == [r.name for r in RULES]
    for policy, rule in zip(policies, RULES, strict=True):
        assert policy.description == rule.description
        assert policy.remediation_steps == rule.remediation
        assert policy.enforcement_level == EnforcementLevel(rule.enforcement)
        assert policy.config_schema is not None
        assert "prodStacks" in policy.config_schema.properties


def test_resource_rules_are_resource_policies_and_stack_rules_stack_policies() -> None:
    """Rules that need other resources run as stack validations."""
    assert isinstance(policy_named("s3-no-public-acl"), ResourceValidationPolicy)
    assert isinstance(policy_named("s3-versioning"), StackValidationPolicy)
    assert isinstance(policy_named("lambda-log-group-retention"), StackValidationPolicy)


def test_resource_policy_reports_a_violation() -> None:
    """A public-read bucket is reported through report_violation."""
    reported = validate_resource("s3-no-public-acl", "aws:s3/bucket:Bucket", {"acl": "public-read"})
    assert reported == [("res uses the public canned ACL 'public-read'.", None)]


def test_provider_default_tags_reach_the_rule() -> None:
    """The provider's props (JSON-encoded defaultTags) count towards required tags."""
    provider = PolicyProviderResource(
        "pulumi:providers:aws",
        {"defaultTags": json.dumps({"tags": TAGS})},
        urn("pulumi:providers:aws", "aws"),
        "aws",
    )
    assert (
        validate_resource("aws-required-tags", "aws:s3/bucket:Bucket", {}, provider=provider) == []
    )
    assert len(validate_resource("aws-required-tags", "aws:s3/bucket:Bucket", {})) == 1


def test_protect_option_reaches_the_rule() -> None:
    """opts.protect decides the prod protection rule; the stack comes from the URN."""
    table = "aws:dynamodb/table:Table"
    assert len(validate_resource("prod-stateful-protected", table, {}, stack="prod")) == 1
    assert validate_resource("prod-stateful-protected", table, {}, stack="prod", protect=True) == []
    assert validate_resource("prod-stateful-protected", table, {}, stack="dev") == []


def test_policy_config_names_prod_stacks() -> None:
    """prodStacks in the policy's config makes another stack prod."""
    config = {"prodStacks": ["staging"]}
    table = "aws:dynamodb/table:Table"
    assert (
        len(validate_resource("prod-stateful-protected", table, {}, stack="staging", config=config))
        == 1
    )


def test_unknown_values_are_not_violations() -> None:
    """A preview-unknown input raises UnknownValueError, which the analyzer reports as advisory."""
    props = unknown_checking_proxy({"publiclyAccessible": UNKNOWN_BOOLEAN_VALUE})
    with pytest.raises(UnknownValueError):
        validate_resource("rds-not-public", "aws:rds/instance:Instance", props)


def test_stack_policy_reports_on_the_bucket() -> None:
    """A stack policy reports with the URN of the bucket missing its versioning."""
    bucket = PolicyResource(
        "aws:s3/bucket:Bucket",
        {"bucket": "data-1"},
        urn("aws:s3/bucket:Bucket", "data"),
        "data",
        options(),
        None,
        None,
        [],
        {},
    )
    versioning = PolicyResource(
        "aws:s3/bucketVersioning:BucketVersioning",
        {"bucket": "data-1", "versioningConfiguration": {"status": "Suspended"}},
        urn("aws:s3/bucketVersioning:BucketVersioning", "data"),
        "data",
        options(),
        None,
        None,
        [],
        {"bucket": [bucket]},
    )
    reported: Reported = []
    args = StackValidationArgs([bucket, versioning], {})
    policy_named("s3-versioning").validate(
        args, lambda message, at=None: reported.append((message, at))
    )
    assert reported == [("S3 bucket data does not have versioning Enabled.", bucket.urn)]


def test_stack_config_comes_from_the_pulumi_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI passes the stack config to the pack in PULUMI_CONFIG; the pack reads it there."""
    monkeypatch.undo()  # the real stack_config this time
    monkeypatch.setenv(
        "PULUMI_CONFIG", json.dumps({"crosscloud:environment": "prod", "crosscloud:owner": "x"})
    )
    # A fresh context: no config left behind by a synth earlier in the session.
    assert contextvars.Context().run(pack.stack_config) == {"crosscloud:environment": "prod"}
