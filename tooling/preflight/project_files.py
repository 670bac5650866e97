"""Project files that would send state, or the key to it, somewhere other than intended.

Two classes of failure, both invisible to the offline synth:

- A ``backend:`` in a ``Pulumi.yaml`` wins over ``pulumi login`` and over
  pulumi/actions' ``cloud-url``; only ``PULUMI_BACKEND_URL`` beats it
  (pulumi/pulumi ``GetCurrentCloudURLWithSource``: env, then the project's
  ``backend.url``, then the stored login). A committed ``file://~`` makes CI
  look for stacks on the runner's empty disk ("no stack named dev") and
  silently ignores a team's bucket.
- Stacks of different environments sharing their encryption. A passphrase
  stack's ``encryptionsalt`` is ``v1:<salt>:<"pulumi" encrypted with the key
  derived from passphrase and salt>`` (pulumi/pulumi
  ``pkg/secrets/passphrase``); the same line in two stack files means one was
  copied from the other and one passphrase opens both. A cloud KMS provider
  (``secretsprovider: awskms://...``) shared by two stacks does the same. PR
  previews hold dev's passphrase, so prod must have its own.
"""

from collections.abc import Iterable, Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

from tooling.preflight.findings import Finding

CHECK = "project-files"
# The two Pulumi projects of this repository, relative to its root.
PROJECT_FILES = ("Pulumi.yaml", "bootstrap/Pulumi.yaml")
# The stack setting that tells dev from prod (stacks/settings.py; default dev).
ENVIRONMENT_KEY = "environment"
STATE_DOCS = "README.md (State) and docs/delivery.md"


def check(root: Path) -> Iterable[Finding]:
    """A finding per pinned backend and per pair of environments sharing one secrets key."""
    findings: list[Finding] = []
    for relative in PROJECT_FILES:
        path = root / relative
        if not path.is_file():
            continue
        project = _load(path)
        findings.extend(_pinned_backend(relative, project))
        findings.extend(_shared_encryption(path.parent, root, str(project.get("name", ""))))
    return findings


def _load(path: Path) -> dict[str, Any]:
    """A YAML mapping, or an empty one for an empty file."""
    data = yaml.safe_load(path.read_text())
    return data if isinstance(data, dict) else {}


def _pinned_backend(relative: str, project: dict[str, Any]) -> Iterator[Finding]:
    """The ``backend:`` block, if the project file has one."""
    if "backend" not in project:
        return
    url = (project["backend"] or {}).get("url", "") if isinstance(project["backend"], dict) else ""
    yield Finding(
        check=CHECK,
        subject=relative,
        problem=(
            f"`backend: url: {url or '?'}` pins the state backend: it wins over `pulumi login` "
            "and the workflows' backend choice, so CI and teammates look for stacks elsewhere "
            "(on a runner, an empty disk: 'no stack named dev')"
        ),
        fix=(
            f"delete the `backend:` block from {relative}; people choose with `pulumi login "
            "--local | s3://<bucket> | gs://<bucket>`, CI with PULUMI_BACKEND_URL; see "
            f"{STATE_DOCS}"
        ),
    )


def _shared_encryption(directory: Path, root: Path, project: str) -> Iterator[Finding]:
    """Pairs of stacks of different environments whose secrets one key decrypts."""
    stacks = {
        path.relative_to(root).as_posix(): _load(path)
        for path in sorted(directory.glob("Pulumi.*.yaml"))
    }
    for (first, a), (second, b) in combinations(stacks.items(), 2):
        env_a, env_b = _environment(a, project), _environment(b, project)
        if env_a == env_b:
            continue
        shared = _shared_key(a, b)
        if shared:
            yield Finding(
                check=CHECK,
                subject=second,
                problem=(
                    f"shares its {shared} with {first} ({env_b} and {env_a}): whoever can "
                    f"decrypt {first} (pull-request previews can, for dev) decrypts this stack"
                ),
                fix=(
                    "give the stack its own key: `pulumi stack change-secrets-provider "
                    f"passphrase --stack {_stack_name(second)}` with a new passphrase kept "
                    "only in that stack's GitHub environment (or its own KMS key), then "
                    "commit the stack file; see docs/delivery.md"
                ),
            )


def _stack_name(stack_file: str) -> str:
    """``prod`` from ``Pulumi.prod.yaml`` (or ``bootstrap/Pulumi.main.yaml``)."""
    return Path(stack_file).name.removeprefix("Pulumi.").removesuffix(".yaml")


def _environment(stack: dict[str, Any], project: str) -> str:
    """The stack's ``<project>:environment`` setting (the program's default is dev)."""
    config = stack.get("config") or {}
    return str(config.get(f"{project}:{ENVIRONMENT_KEY}", "dev"))


def _shared_key(a: dict[str, Any], b: dict[str, Any]) -> str:
    """What the two stack files share that decrypts both, or an empty string."""
    salt = a.get("encryptionsalt")
    if salt and salt == b.get("encryptionsalt"):
        return "passphrase (identical encryptionsalt)"
    provider = a.get("secretsprovider")
    if provider and provider != "passphrase" and provider == b.get("secretsprovider"):
        return f"secrets provider {provider}"
    return ""
