"""Offline CrossGuard: run every crosscloud policy over a synthesized stack.

The rules are the pack's own (``policies/crosscloud_policies``); this module
feeds them the resources ``tooling.synth`` recorded instead of what the
engine would send, and applies a pack config file the way
``pulumi preview --policy-pack-config`` does.

Usage: ``python -m tooling.policy_check dev [--config pack-config.json]``;
exits 1 on any mandatory violation, 2 when the stack cannot be synthesized.
"""

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pulumi

from policies.crosscloud_policies.catalog import PACK_NAME, RULES
from policies.crosscloud_policies.core import ResourceRule, StackRule, Subject
from policies.crosscloud_policies.exceptions import PolicyConfigError
from policies.crosscloud_policies.settings import build_settings, split_pack_config
from tooling.synth import Resource, SynthError, SynthResult, list_stacks, synth


@dataclass(frozen=True)
class Violation:
    """One policy violation, as `pulumi preview` would report it."""

    policy: str
    enforcement: str
    resource_type: str
    resource_name: str
    urn: str
    message: str


def _provider_urn(reference: str) -> str:
    """The URN part of a provider reference ``<urn>::<id>``."""
    return reference.rsplit("::", 1)[0] if reference else ""


def subjects_of(result: SynthResult, *, with_outputs: bool = False) -> list[Subject]:
    """Every registered resource as the rules see it.

    ``with_outputs`` adds the mock provider's outputs under the inputs, as the
    engine gives stack policies each resource's outputs rather than its inputs.
    Resources on a default provider see the stack's ``aws:defaultTags`` or
    ``gcp:defaultLabels``, which is where the CLI's default providers read them.
    """
    providers = {
        r.urn: r.inputs for r in result.resources if r.type.startswith("pulumi:providers:")
    }
    defaults = {
        "aws": {"defaultTags": result.config.get("aws:defaultTags", "{}")},
        "gcp": {"defaultLabels": result.config.get("gcp:defaultLabels", "{}")},
    }
    subjects = []
    for resource in result.resources:
        provider = providers.get(_provider_urn(resource.provider))
        if provider is None:
            provider = defaults.get(resource.type.split(":", 1)[0])
        subjects.append(
            Subject(
                type=resource.type,
                name=resource.name,
                urn=resource.urn,
                props=_props(resource, with_outputs),
                protect=resource.protect,
                provider_props=provider or {},
                parent=resource.parent,
                dependencies=resource.dependencies,
            )
        )
    return subjects


def _props(resource: Resource, with_outputs: bool) -> Mapping[str, Any]:
    """A resource's inputs, over its mock outputs when asked."""
    if not with_outputs:
        return resource.inputs
    outputs = {k: v for k, v in resource.state.items() if k != "id"}
    return {**outputs, **resource.inputs}


def evaluate(result: SynthResult, pack_config: Mapping[str, Any] | None = None) -> list[Violation]:
    """Every violation of every enabled policy in ``result``, in catalog then registration order.

    ``pack_config`` has the shape of a ``--policy-pack-config`` file: ``all``
    or a policy name mapped to an enforcement level or to an object of settings.
    """
    resources = subjects_of(result)
    stack_view = subjects_of(result, with_outputs=True)
    by_urn = {s.urn: s for s in resources}
    violations: list[Violation] = []
    for rule in RULES:
        level, policy_config = split_pack_config(pack_config, rule.name, rule.enforcement)
        if level == "disabled":
            continue
        settings = build_settings(policy_config, result.stack, result.config)
        found: list[tuple[Subject, str]] = []
        if isinstance(rule, ResourceRule):
            found = [(s, m) for s in resources for m in rule.check(s, settings)]
        elif isinstance(rule, StackRule):
            found = [(by_urn[f.urn], f.message) for f in rule.check(stack_view, settings)]
        violations.extend(
            Violation(rule.name, level, s.type, s.name, s.urn, message) for s, message in found
        )
    return violations


def report(violations: list[Violation], out: TextIO) -> None:
    """Print violations in `pulumi preview`'s "Policy Violations" shape.

    Each violation is a header (level, pack, policy, resource name and type),
    then the policy's description, then the message.
    """
    if not violations:
        print("Policies: no violations.", file=out)
        return
    descriptions = {rule.name: rule.description for rule in RULES}
    pack = f"{PACK_NAME} v{pack_version()}"
    print("Policy Violations:", file=out)
    for v in violations:
        print(
            f"    [{v.enforcement}]  {pack}  {v.policy} ({v.resource_name}: {v.resource_type})",
            file=out,
        )
        print(f"    {descriptions[v.policy]}", file=out)
        print(f"    {v.message}", file=out)
    mandatory = sum(v.enforcement == "mandatory" for v in violations)
    print(f"{len(violations)} violation(s), {mandatory} mandatory.", file=out)


def pack_version() -> str:
    """The pack's version from ``policies/PulumiPolicy.yaml``."""
    text = (Path(__file__).resolve().parent.parent / "policies" / "PulumiPolicy.yaml").read_text()
    for line in text.splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip()
    return "0.0.0"


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Command line: synthesize a stack, print violations, fail on a mandatory one."""
    parser = argparse.ArgumentParser(description="Run the crosscloud policies offline.")
    parser.add_argument("stack", help=f"stack name ({', '.join(list_stacks())})")
    parser.add_argument("--config", type=Path, help="a --policy-pack-config JSON file")
    args = parser.parse_args(argv)
    try:
        pack_config = json.loads(args.config.read_text()) if args.config else None
        result = synth(args.stack)
        violations = evaluate(result, pack_config)
    except (SynthError, pulumi.RunError, PolicyConfigError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report(violations, out)
    return 1 if any(v.enforcement == "mandatory" for v in violations) else 0


if __name__ == "__main__":
    raise SystemExit(main())
