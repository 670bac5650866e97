"""Every invoke and resource goes through the stack's explicit providers."""

import dataclasses

from tooling.preflight import explicit_providers
from tooling.synth import Invoke, SynthResult


def test_shipped_stacks_use_explicit_providers(synths: dict[str, SynthResult]) -> None:
    """No invoke or resource of any stack falls back to the default provider."""
    for stack, result in synths.items():
        assert result.invokes, stack  # the harness does record invokes
        assert list(explicit_providers.check(result)) == [], stack


def test_invoke_without_provider_is_a_finding(dev: SynthResult) -> None:
    """The availability-zone lookup as it was: no provider, so ambient credentials."""
    token = "aws:index/getAvailabilityZones:getAvailabilityZones"
    stray = Invoke(token=token, provider="", args={"state": "available"})
    result = dataclasses.replace(dev, invokes=(*dev.invokes, stray))
    (finding,) = explicit_providers.check(result)
    assert finding.subject == token
    assert "default provider" in finding.problem


def test_resource_without_provider_is_a_finding(dev: SynthResult) -> None:
    """A custom resource registered outside the providers' components is reported."""
    vpc = dev.one("aws:ec2/vpc:Vpc")
    orphan = dataclasses.replace(vpc, urn=vpc.urn + "-orphan", provider="")
    result = dataclasses.replace(dev, resources=(*dev.resources, orphan))
    (finding,) = explicit_providers.check(result)
    assert finding.subject == orphan.urn
