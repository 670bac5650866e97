"""The CI deploy role, as the bootstrap creates it, may call everything a stack's AWS types need.

Mocks accept any resource; a real `pulumi up` under the deploy role fails
with AccessDenied on the first action its policies do not allow. The actions
each pulumi-aws type needs are in ``stacks/bootstrap/required_actions.py``
(derived from pike's mapping and the provider's source). This check
synthesizes the bootstrap project once, reads the deploy role's attached
policy documents, and reports each type of the stack whose required actions
are not all allowed, or that the table does not know at all. Actions are
compared by name: resource scoping is tested in tests/stacks/bootstrap.
"""

import functools
import json
from collections.abc import Iterable
from pathlib import Path

from stacks.bootstrap.required_actions import REQUIRED
from tooling.preflight.findings import Finding
from tooling.synth import ROOT, SynthResult, synth

CHECK = "aws-deploy-identity"
DEPLOY_ROLE = "github-aws-deploy"


@functools.cache
def deploy_role_actions(root: Path = ROOT) -> frozenset[str]:
    """The actions the deploy role's attached policies allow (the bootstrap synthesized once)."""
    boot = synth("main", root=root / "bootstrap")
    role_name = boot.one("aws:iam/role:Role", DEPLOY_ROLE).inputs["name"]
    attached = {
        a.inputs["policyArn"]
        for a in boot.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["role"] == role_name
    }
    allowed: set[str] = set()
    for policy in boot.of_type("aws:iam/policy:Policy"):
        if policy.state.get("arn") not in attached:
            continue
        for statement in json.loads(policy.inputs["policy"])["Statement"]:
            if statement["Effect"] != "Allow":
                continue
            actions = statement["Action"]
            allowed.update(a.lower() for a in ([actions] if isinstance(actions, str) else actions))
    return frozenset(allowed)


def check(result: SynthResult, allowed: frozenset[str] | None = None) -> Iterable[Finding]:
    """A finding per AWS resource type whose required actions the deploy role does not allow."""
    allowed = deploy_role_actions() if allowed is None else allowed
    types = sorted(
        {
            r.type
            for r in result.resources
            if r.custom and r.type.startswith("aws:") and not r.type.startswith("pulumi:")
        }
    )
    findings: list[Finding] = []
    for type_token in types:
        entry = REQUIRED.get(type_token)
        if entry is None:
            findings.append(
                Finding(
                    check=CHECK,
                    subject=type_token,
                    problem="no required-actions entry: the deploy role's coverage is unknown",
                    fix="add the type to stacks/bootstrap/required_actions.py from its pike "
                    "mapping, then grant the actions in stacks/bootstrap/aws_permissions.py",
                )
            )
            continue
        missing = sorted(a for a in entry.required if a.lower() not in allowed)
        if missing:
            findings.append(
                Finding(
                    check=CHECK,
                    subject=type_token,
                    problem=f"the deploy role does not allow {', '.join(missing)}",
                    fix="grant them (scoped) in stacks/bootstrap/aws_permissions.py and run "
                    "`pulumi up` in bootstrap/ with admin credentials",
                )
            )
    return findings
