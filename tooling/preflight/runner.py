"""Run every preflight check over one stack and collect the findings."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tooling.preflight import (
    alarm_metrics,
    aws_deploy_identity,
    event_sources,
    explicit_providers,
    gcp_deploy_identity,
    project_files,
    provider_rules,
    replacement,
    stack_config,
)
from tooling.preflight.findings import Finding
from tooling.synth import ROOT, SynthResult, synth

ResourceCheck = Callable[[SynthResult], Iterable[Finding]]

# Checks over the resources the program registers (with offline stand-ins for
# the values each deployment sets itself, so every resource is seen).
RESOURCE_CHECKS: tuple[ResourceCheck, ...] = (
    provider_rules.check,
    explicit_providers.check,
    replacement.check,
    alarm_metrics.check,
    event_sources.check,
    aws_deploy_identity.check,
    gcp_deploy_identity.check,
)


@dataclass(frozen=True)
class Report:
    """The findings for one stack, sorted by check and subject."""

    stack: str
    resource_count: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """Nothing a real deploy is known to reject."""
        return not self.findings

    def render(self) -> str:
        """Every finding, then a one-line verdict."""
        lines = [finding.render() for finding in self.findings]
        verdict = (
            f"preflight {self.stack}: {len(self.findings)} finding(s) over "
            f"{self.resource_count} resources"
            if self.findings
            else f"preflight {self.stack}: no findings over {self.resource_count} resources"
        )
        return "\n".join([*lines, verdict])


def preflight(stack: str, root: Path = ROOT) -> Report:
    """The committed config as it stands, then every resource check over the synthesized stack."""
    return report_for(synth(stack, root=root), root)


def report_for(result: SynthResult, root: Path = ROOT) -> Report:
    """Every check for a stack already synthesized (``make plan`` reuses its synth)."""
    findings = [*stack_config.check(result.stack, root), *project_files.check(root)]
    for check in RESOURCE_CHECKS:
        findings.extend(check(result))
    return Report(
        stack=result.stack, resource_count=len(result.resources), findings=tuple(sorted(findings))
    )
