"""Preflight: the deploy role the bootstrap creates allows every action a stack's AWS types need."""

import pytest

from stacks.bootstrap.required_actions import REQUIRED
from tooling.preflight import aws_deploy_identity
from tooling.synth import SynthResult


@pytest.fixture(scope="module")
def allowed() -> frozenset[str]:
    """The deploy role's allowed actions, lower-cased, from the synthesized bootstrap."""
    return aws_deploy_identity.deploy_role_actions()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_have_no_findings(
    synths: dict[str, SynthResult], allowed: frozenset[str], stack: str
) -> None:
    """dev and prod need nothing the deploy role lacks."""
    assert len(allowed) > 100
    assert list(aws_deploy_identity.check(synths[stack], allowed)) == []


def test_a_removed_action_is_reported_by_type(dev: SynthResult, allowed: frozenset[str]) -> None:
    """Without lambda:CreateEventSourceMapping, the mapping type is named with it."""
    findings = list(aws_deploy_identity.check(dev, allowed - {"lambda:createeventsourcemapping"}))
    assert [(f.subject, f.problem) for f in findings] == [
        (
            "aws:lambda/eventSourceMapping:EventSourceMapping",
            "the deploy role does not allow lambda:CreateEventSourceMapping",
        )
    ]


def test_an_unknown_type_is_reported(
    dev: SynthResult, allowed: frozenset[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A type the required-actions table does not know is a finding, not a silent pass."""
    monkeypatch.delitem(REQUIRED, "aws:sqs/queue:Queue")
    (finding,) = aws_deploy_identity.check(dev, allowed)
    assert finding.subject == "aws:sqs/queue:Queue"
    assert "no required-actions entry" in finding.problem
