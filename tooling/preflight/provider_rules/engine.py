"""Evaluate a table of provider rules over synthesized resources.

A rule names a resource type, a property path in the engine's camelCase
inputs, a validation and the source it was read from. Paths walk nested
inputs: ``ingress[].description`` is the description of every ingress rule,
``tags{}`` every tag value, ``tags{key}`` every tag key; a string met on the
way is decoded as JSON (provider ``defaultTags`` arrive that way).

Names the program leaves to Pulumi are filled in first, the way the bridged
provider's auto-naming would (``AutoName``), so rules on names see the
physical name that would be deployed.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tooling.preflight.findings import Finding
from tooling.preflight.provider_rules.checks import Check
from tooling.synth import SECRET_PLACEHOLDER, Resource

CHECK = "provider-rules"
# Pulumi's auto-name suffix: 7 random hex characters (resource.NewUniqueHex(prefix, 7, maxlen)).
AUTONAME_RANDOM_LENGTH = 7
# A stand-in for the random part; its length and alphabet are what matter.
AUTONAME_STAND_IN = "0a1b2c3"
PROVIDER_CHECK = "provider Check (preview)"
CLOUD_API = "cloud API (apply)"


@dataclass(frozen=True)
class Rule:
    """One validation of one property of one resource type, and where it was read."""

    type: str
    path: str
    check: Check
    source: str
    # Who rejects a bad value: the provider at preview, or only the cloud API at apply.
    stage: str = PROVIDER_CHECK


@dataclass(frozen=True)
class AutoName:
    """How the bridged provider names a resource the program leaves unnamed."""

    type: str
    property: str
    max_length: int
    source: str
    separator: str = "-"
    lowercase: bool = False

    def name_for(self, logical_name: str) -> str:
        """The name Pulumi would generate (with a stand-in for the random part)."""
        prefix = f"{logical_name}{self.separator}"
        if self.lowercase:
            prefix = prefix.lower()
        return prefix + AUTONAME_STAND_IN

    def fits(self, logical_name: str) -> bool:
        """NewUniqueHex refuses at Check when prefix plus the random part exceeds the maximum."""
        return len(logical_name) + len(self.separator) + AUTONAME_RANDOM_LENGTH <= self.max_length


def effective_inputs(resource: Resource, autonames: Mapping[str, AutoName]) -> dict[str, Any]:
    """The resource's inputs with the auto-generated name filled in when the program set none."""
    inputs = dict(resource.inputs)
    spec = autonames.get(resource.type)
    if spec is not None and inputs.get(spec.property) in (None, ""):
        inputs[spec.property] = spec.name_for(resource.name)
    return inputs


def values_at(value: Any, path: str, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every ``(concrete path, value)`` that ``path`` selects inside ``value``."""
    if not path:
        yield prefix, value
        return
    head, _, rest = path.partition(".")
    key, selector = _split_selector(head)
    if isinstance(value, str):
        value = _decoded(value)
    if not isinstance(value, Mapping) or value.get(key) is None:
        return
    inner = value[key]
    here = f"{prefix}.{key}" if prefix else key
    if selector is None:
        yield from values_at(inner, rest, here)
        return
    if isinstance(inner, str):
        inner = _decoded(inner)
    if selector == "[]" and isinstance(inner, list):
        for index, item in enumerate(inner):
            yield from values_at(item, rest, f"{here}[{index}]")
    elif selector == "{}" and isinstance(inner, Mapping):
        for name, item in inner.items():
            yield from values_at(item, rest, f"{here}[{name!r}]")
    elif selector == "{key}" and isinstance(inner, Mapping):
        for name in inner:
            yield f"{here} key", name


def _split_selector(head: str) -> tuple[str, str | None]:
    for selector in ("[]", "{key}", "{}"):
        if head.endswith(selector):
            return head[: -len(selector)], selector
    return head, None


def _decoded(value: str) -> Any:
    """A JSON object or list inside a string (provider config arrives as JSON)."""
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, dict | list) else value


def evaluate(
    resources: Iterable[Resource], rules: Iterable[Rule], autonames: Mapping[str, AutoName]
) -> list[Finding]:
    """A finding per resource property a rule rejects, and per auto-name that cannot fit."""
    by_type: dict[str, list[Rule]] = {}
    for rule in rules:
        by_type.setdefault(rule.type, []).append(rule)
    findings: list[Finding] = []
    for resource in resources:
        findings.extend(_autoname_findings(resource, autonames))
        inputs = effective_inputs(resource, autonames)
        for rule in by_type.get(resource.type, ()):
            for where, value in values_at(inputs, rule.path):
                if rule.check.fails(value, inputs):
                    findings.append(_finding(resource, rule, where, value, autonames))
    return findings


def _autoname_findings(resource: Resource, autonames: Mapping[str, AutoName]) -> list[Finding]:
    spec = autonames.get(resource.type)
    if (
        spec is None
        or resource.inputs.get(spec.property) not in (None, "")
        or spec.fits(resource.name)
    ):
        return []
    return [
        Finding(
            check=CHECK,
            subject=resource.urn,
            problem=(
                f"{spec.property} is auto-named from {resource.name!r} plus "
                f"{len(spec.separator) + AUTONAME_RANDOM_LENGTH} characters, longer than the "
                f"{spec.max_length} the provider allows; rejected by {PROVIDER_CHECK}"
            ),
            fix=(
                f"shorten the logical name or set {spec.property} explicitly "
                f"(source: {spec.source})"
            ),
        )
    ]


def _finding(
    resource: Resource, rule: Rule, where: str, value: Any, autonames: Mapping[str, AutoName]
) -> Finding:
    top = where.split(".")[0].split("[")[0].removesuffix(" key")
    shown = SECRET_PLACEHOLDER if top in resource.secret_inputs else repr(value)
    spec = autonames.get(resource.type)
    if spec is not None and top == spec.property and resource.inputs.get(top) in (None, ""):
        shown += " (auto-named)"
    return Finding(
        check=CHECK,
        subject=resource.urn,
        problem=f"{where} = {shown} is rejected by the {rule.stage}",
        fix=f"allowed: {rule.check.allowed} (source: {rule.source})",
    )
