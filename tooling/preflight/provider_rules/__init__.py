"""Inputs the providers validate at Check time (and the clouds at apply), checked offline.

Mocks accept any value; ``pulumi preview`` runs each bridged provider's
schema validators (``ValidateFunc``, ``ConflictsWith``, ``ExactlyOneOf`` ...)
and stops the whole stack on the first bad input. The rules here are
transcribed from those validators, and from the cloud APIs' documented limits
where the provider does not check, each with the file it was read from. Names
Pulumi generates are checked as the provider would generate them.
"""

from collections.abc import Iterable

from tooling.preflight.findings import Finding
from tooling.preflight.provider_rules import aws, gcp
from tooling.preflight.provider_rules.engine import AutoName, Rule, evaluate
from tooling.synth import SynthResult

RULES: tuple[Rule, ...] = (*aws.RULES, *gcp.RULES)
AUTONAMES: dict[str, AutoName] = {spec.type: spec for spec in (*aws.AUTONAMES, *gcp.AUTONAMES)}


def check(result: SynthResult) -> Iterable[Finding]:
    """A finding per registered input (or generated name) a provider or cloud API would reject."""
    return evaluate(result.resources, RULES, AUTONAMES)
