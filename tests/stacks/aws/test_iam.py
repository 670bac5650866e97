"""The least-privilege policy helper, and every policy document the stacks build."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from stacks.aws.iam import PolicyError, Statement
from tooling.synth import SynthResult

POLICY_INPUTS = ("policy", "assumeRolePolicy", "inlinePolicies")


@pytest.mark.parametrize("action", ["*", "s3:*", "s3:Get*", "dynamodb:*Item", "GetObject", "s3:"])
def test_wildcard_or_malformed_allow_actions_are_refused(action: str) -> None:
    """An Allow statement may only name whole actions of one service."""
    with pytest.raises(PolicyError, match="action"):
        Statement(actions=[action], resources=["arn:aws:s3:::b"])


def test_wildcard_resource_needs_a_reason() -> None:
    """Resource '*' on an Allow is refused unless a reason is written down."""
    with pytest.raises(PolicyError, match="wildcard_resource_reason"):
        Statement(actions=["logs:CreateLogGroup"], resources=["*"])
    allowed = Statement(
        actions=["xray:PutTraceSegments"], resources=["*"], wildcard_resource_reason="x"
    )
    assert allowed.to_dict()["Resource"] == ["*"]


def test_deny_may_cover_a_whole_service() -> None:
    """A Deny only removes access, so a service-wide action is allowed there."""
    statement = Statement(
        effect="Deny", principal="*", actions=["s3:*"], resources=["arn:aws:s3:::b"]
    )
    assert statement.to_dict() == {
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["s3:*"],
        "Resource": ["arn:aws:s3:::b"],
    }


def test_empty_statements_are_refused() -> None:
    """A statement with no actions or no resources is a mistake, not a no-op."""
    with pytest.raises(PolicyError):
        Statement(actions=[], resources=["arn:aws:s3:::b"])
    with pytest.raises(PolicyError):
        Statement(actions=["s3:GetObject"], resources=[])


def _documents(result: SynthResult) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every IAM-shaped JSON document in the stack's inputs, with its resource name."""
    for resource in result.resources:
        for key in POLICY_INPUTS:
            value = resource.inputs.get(key)
            if isinstance(value, str) and value.startswith("{"):
                yield resource.name, json.loads(value)
            elif isinstance(value, list):
                for inline in value:
                    yield resource.name, json.loads(inline["policy"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_policy_grants_a_wildcard_action(stack: str, synths: dict[str, SynthResult]) -> None:
    """No Allow statement in any policy of the stack names '*' or 'service:*'."""
    documents = list(_documents(synths[stack]))
    assert len(documents) >= 4  # bucket, topic and key policies at least
    for name, document in documents:
        for statement in document["Statement"]:
            if statement["Effect"] != "Allow":
                continue
            actions = statement["Action"]
            for action in [actions] if isinstance(actions, str) else actions:
                assert "*" not in action, (name, action)
