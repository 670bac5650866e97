"""Every resource and every invoke goes through the stack's explicit providers.

Mocks answer an invoke whatever provider it names. In a real run, a call or
resource without a provider goes to the *default* provider, configured from
ambient credentials and region: ``--stack local`` would call real AWS, and a
lookup could read another region or account than the stack's.
"""

from collections.abc import Iterable

from tooling.preflight.findings import Finding
from tooling.synth import SynthResult

CHECK = "explicit-providers"
# Providers that configure themselves from ambient credentials and region.
CLOUD_PACKAGES = ("aws", "gcp")


def _package(token: str) -> str:
    return token.split(":", 1)[0]


def check(result: SynthResult) -> Iterable[Finding]:
    """A finding per invoke or custom resource that names no provider."""
    findings = [
        Finding(
            check=CHECK,
            subject=invoke.token,
            problem="invoke goes to the default provider (ambient credentials and region)",
            fix="pass opts=pulumi.InvokeOutputOptions(parent=self) or provider=... to the call",
        )
        for invoke in result.invokes
        if not invoke.provider and _package(invoke.token) in CLOUD_PACKAGES
    ]
    findings.extend(
        Finding(
            check=CHECK,
            subject=resource.urn,
            problem="resource is registered with the default provider",
            fix="create it under a component that has providers=[...], or pass provider=...",
        )
        for resource in result.resources
        if resource.custom and _package(resource.type) in CLOUD_PACKAGES and not resource.provider
    )
    return findings
