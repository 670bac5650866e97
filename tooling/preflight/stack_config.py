"""The committed stack config, exactly as it is: would the program accept it?

Offline runs stand in for app secrets and the values each deployment sets
itself; a real `pulumi up` has only what ``Pulumi.<stack>.yaml`` holds. The
program refuses bad config before it registers anything (``ConfigError``);
this check runs it without stand-ins and reports each refused key.
"""

from collections.abc import Iterable
from pathlib import Path

from stacks.exceptions import ConfigError
from tooling.preflight.findings import Finding
from tooling.synth import synth

CHECK = "stack-config"


def check(stack: str, root: Path) -> Iterable[Finding]:
    """One finding per key the program refuses in ``Pulumi.<stack>.yaml`` as committed."""
    try:
        synth(stack, root=root, secrets={}, stand_ins=False)
    except ConfigError as exc:
        return [_finding(stack, problem) for problem in exc.problems]
    return ()


def _finding(stack: str, problem: str) -> Finding:
    key, _, message = problem.partition(": ")
    if ":" not in key:
        # Not a config key (the stack's own name): nothing in the stack file fixes it.
        fix = f"rename the stack (`pulumi stack rename <new-name> --stack {stack}`)"
    elif "--secret" in message:
        fix = (
            f"`pulumi config set --secret {key} <value> --stack {stack}`, then commit "
            f"Pulumi.{stack}.yaml (the value is stored encrypted); see docs/first-deploy.md"
        )
    else:
        fix = (
            f"set {key} in Pulumi.{stack}.yaml (`pulumi config set {key} ... --stack {stack}`, "
            "`--path` for list items); see docs/first-deploy.md"
        )
    return Finding(check=CHECK, subject=key, problem=message, fix=fix)
