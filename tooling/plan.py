"""Offline plan: a Markdown summary of one stack, or what a change does to it.

``python -m tooling.plan dev`` synthesizes the working tree (``tooling.synth``)
and writes resources grouped by type with their key settings, the stack
outputs and the policy results. ``--base <git ref>`` also synthesizes that ref
in a temporary ``git worktree`` (a subprocess running that ref's own
``tooling.synth``) and writes what the working tree adds, removes and modifies,
property by property. Neither needs credentials, so the PR workflow can post
the diff for pull requests from forks, which get no secrets.

Usage: ``python -m tooling.plan dev [--base origin/main] [--output build/plan-dev.md]``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from function_builds import archive
from tooling.policy_check import Violation, evaluate
from tooling.preflight.findings import Finding
from tooling.preflight.runner import report_for
from tooling.synth import ROOT, SynthError, SynthResult, synth, to_json

# GitHub rejects comments over 65,536 characters; stay well below it.
MAX_CHARS = 60_000
# Long values (policy documents, archives) would swamp a table cell.
MAX_VALUE_CHARS = 160
# Scalar inputs shown per resource in the summary; the rest are in `make synth`.
MAX_SETTINGS = 8
# Inputs that repeat on every resource and say nothing about it.
NOISY_INPUTS = frozenset({"tags", "tagsAll", "labels", "effectiveLabels", "pulumiLabels"})
MARKER = "<!-- crosscloud-plan:{stack} -->"

Snapshot = Mapping[str, Any]


class PlanError(Exception):
    """The base ref cannot be checked out or synthesized."""


@dataclass(frozen=True)
class Change:
    """One property that differs; ``before``/``after`` is ``ABSENT`` when missing on a side."""

    path: str
    before: Any
    after: Any


class _Absent:
    """Marks a property missing on one side of a change (distinct from ``None``)."""

    def __repr__(self) -> str:
        """Shown in assertion messages."""
        return "(absent)"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class ResourceDiff:
    """One resource's place in the diff."""

    urn: str
    type: str
    name: str
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class PlanDiff:
    """What the working tree adds, removes and modifies relative to the base."""

    added: tuple[ResourceDiff, ...] = ()
    removed: tuple[ResourceDiff, ...] = ()
    modified: tuple[ResourceDiff, ...] = ()
    outputs: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        """True when base and working tree register and export the same things."""
        return not (self.added or self.removed or self.modified or self.outputs)


# ---------------------------------------------------------------- snapshots


def snapshot(result: SynthResult) -> Snapshot:
    """A synth as plain JSON data, normalized the way the ``--json`` subprocess prints it."""
    return json.loads(json.dumps(to_json(result), sort_keys=True, default=str))


def _git(root: Path, *args: str) -> str:
    """Run git in ``root`` and return its stdout; failures become ``PlanError``."""
    result = subprocess.run(  # noqa: S603 - fixed git argv, no shell
        ["git", "-C", str(root), *args],  # noqa: S607 - git from PATH, as a developer runs it
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise PlanError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout.strip()


def resolve_ref(ref: str, root: Path = ROOT) -> str:
    """The full commit SHA ``ref`` names."""
    return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")


def snapshot_at_ref(stack: str, ref: str, root: Path = ROOT) -> Snapshot:
    """Synthesize ``stack`` as it is at ``ref``, in a throwaway worktree and a subprocess.

    The subprocess runs the ref's own ``tooling.synth`` with this interpreter,
    so the base is built by the code that shipped with it, and its imports
    never mix with the working tree's modules in this process. A stack that
    does not exist at the ref is an empty base: everything in it is added.
    """
    commit = resolve_ref(ref, root)
    with tempfile.TemporaryDirectory(prefix="plan-base-") as tmp:
        worktree = Path(tmp) / "base"
        _git(root, "worktree", "add", "--detach", "--quiet", str(worktree), commit)
        try:
            _share_dependency_cache(root, worktree)
            if not (worktree / f"Pulumi.{stack}.yaml").is_file():
                return {"stack": stack, "resources": [], "outputs": {}}
            if not (worktree / "tooling" / "synth.py").is_file():
                raise PlanError(f"{ref} has no tooling/synth.py to synthesize it with")
            # -B and no inherited PYTHONPATH: the ref's own modules, and no bytecode left behind.
            env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
            env.pop("PYTHONPATH", None)
            proc = subprocess.run(  # noqa: S603 - this interpreter, fixed module argv
                [sys.executable, "-B", "-m", "tooling.synth", stack, "--json"],
                cwd=worktree,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise PlanError(f"synth of {stack} at {ref} failed:\n{proc.stderr.strip()}")
            return json.loads(proc.stdout)
        finally:
            _git(root, "worktree", "remove", "--force", str(worktree))


def _share_dependency_cache(root: Path, worktree: Path) -> None:
    """Let the base reuse ``build/.deps``, where function archives keep pip installs.

    That cache is keyed by the requirements' content, so sharing it is safe and
    spares the base synth a second pip run per function.
    """
    cache = archive.DEPS_CACHE.relative_to(archive.ROOT)
    deps = root / cache
    if deps.is_dir():
        (worktree / cache.parent).mkdir(parents=True, exist_ok=True)
        (worktree / cache).symlink_to(deps.resolve(), target_is_directory=True)


# ---------------------------------------------------------------- diffing


def _maybe_json(value: Any) -> Any:
    """Policy documents arrive as JSON strings; parse them so they diff statement by statement."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested data as ``{"a.b[0].c": leaf}``; empty containers stay as leaves."""
    value = _maybe_json(value)
    if isinstance(value, Mapping) and value:
        flat: dict[str, Any] = {}
        for key in sorted(value):
            flat |= flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
        return flat
    if isinstance(value, list) and value:
        flat = {}
        for index, item in enumerate(value):
            flat |= flatten(item, f"{prefix}[{index}]")
        return flat
    return {prefix: value}


def diff_values(before: Any, after: Any) -> tuple[Change, ...]:
    """Every leaf path whose value differs, in path order."""
    old, new = flatten(before), flatten(after)
    return tuple(
        Change(path, old.get(path, ABSENT), new.get(path, ABSENT))
        for path in sorted(old.keys() | new.keys())
        if old.get(path, ABSENT) != new.get(path, ABSENT)
    )


def _comparable(resource: Mapping[str, Any]) -> dict[str, Any]:
    """What an update would change: inputs and the options the engine acts on."""
    return {
        "inputs": resource.get("inputs", {}),
        "options": {
            "protect": resource.get("protect", False),
            "retainOnDelete": resource.get("retainOnDelete", False),
        },
    }


def _entry(resource: Mapping[str, Any], changes: tuple[Change, ...] = ()) -> ResourceDiff:
    """A ``ResourceDiff`` for one snapshot resource."""
    return ResourceDiff(resource["urn"], resource["type"], resource["name"], changes)


def _urn(stack_project: str, qualified_type: str, name: str) -> str:
    """A URN from its ``urn:pulumi:<stack>::<project>`` head, parent-qualified type and name."""
    return f"{stack_project}::{qualified_type}::{name}"


def _parent_type(urn: str) -> str:
    """The type a child's URN is prefixed with, as the synth's mock monitor builds URNs.

    The mock prefixes the parent's own type (the engine the whole ``A$B`` chain);
    both snapshots of a plan come from the mock, and aliases resolve alike.
    """
    return urn.split("::")[2].split("$")[-1]


def former_urns(resources: Sequence[Mapping[str, Any]]) -> dict[str, frozenset[str]]:
    """Every URN each resource may have had, as the engine resolves aliases.

    A resource answers to its URN, to each alias it declares (unset alias fields
    default to its own), and to every URN its parent may have had with its own
    type and name appended: an alias on a component moves its children too.
    """
    by_urn = {r["urn"]: r for r in resources}
    memo: dict[str, frozenset[str]] = {}

    def of(urn: str) -> frozenset[str]:
        if urn in memo:
            return memo[urn]
        resource = by_urn.get(urn)
        if resource is None:  # the stack, or a parent outside the snapshot
            return frozenset({urn})
        head = "::".join(urn.split("::")[:2])
        parent = resource.get("parent") or ""
        parents = of(parent) if parent else frozenset()
        found = {urn}
        # The resource as it is (under each former URN of its parent), then each alias.
        for alias in [{}, *resource.get("aliases", [])]:
            if "urn" in alias:
                found.add(alias["urn"])
                continue
            type_ = alias.get("type", resource["type"])
            name = alias.get("name", resource["name"])
            if alias.get("noParent"):
                found.add(_urn(head, type_, name))
                continue
            for candidate in {alias["parentUrn"]} if "parentUrn" in alias else parents:
                found.add(_urn(head, f"{_parent_type(candidate)}${type_}", name))
        memo[urn] = frozenset(found)
        return memo[urn]

    return {urn: of(urn) for urn in by_urn}


def diff_snapshots(base: Snapshot, head: Snapshot) -> PlanDiff:
    """Resources matched by URN, or by a former URN an alias declares (as Pulumi does):
    a rename without an alias shows as a removal plus an addition."""
    old = {r["urn"]: r for r in base.get("resources", [])}
    new = {r["urn"]: r for r in head.get("resources", [])}
    matched: dict[str, str] = {}  # new URN -> the old URN it continues
    for urn, formers in former_urns(list(new.values())).items():
        previous = urn if urn in old else next((u for u in sorted(formers) if u in old), None)
        if previous is not None and previous not in matched.values():
            matched[urn] = previous

    def ordered(urns: Iterable[str], side: Mapping[str, Mapping[str, Any]]) -> list[str]:
        return sorted(urns, key=lambda u: (side[u]["type"], side[u]["name"], u))

    modified = []
    for urn in ordered(matched, new):
        before, after = _comparable(old[matched[urn]]), _comparable(new[urn])
        if matched[urn] != urn:
            before["urn"], after["urn"] = matched[urn], urn
        changes = diff_values(before, after)
        if changes:
            modified.append(_entry(new[urn], changes))
    return PlanDiff(
        added=tuple(_entry(new[u]) for u in ordered(new.keys() - matched.keys(), new)),
        removed=tuple(_entry(old[u]) for u in ordered(old.keys() - set(matched.values()), old)),
        modified=tuple(modified),
        outputs=diff_values(base.get("outputs", {}), head.get("outputs", {})),
    )


# ---------------------------------------------------------------- rendering


def cell(value: Any) -> str:
    """A value as a Markdown table cell: JSON-ish, bounded, with pipes and backticks defused."""
    if value is ABSENT:
        return "_(absent)_"
    if isinstance(value, float) and value.is_integer():
        # The engine sends every number as a float; 7 reads better than 7.0.
        value = int(value)
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    text = text.replace("`", "'").replace("\n", " ").replace("|", "\\|")
    return f"`{text}`"


def _display_inputs(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's inputs without the tags every resource carries."""
    return {k: v for k, v in resource.get("inputs", {}).items() if k not in NOISY_INPUTS}


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


class _Bounded:
    """Collects Markdown blocks until the size budget is spent, then counts what it dropped."""

    def __init__(self, limit: int) -> None:
        """Keep at most ``limit`` characters (less the truncation note's room)."""
        self.limit = limit - 400
        self.lines: list[str] = []
        self.size = 0
        self.dropped = 0

    def add(self, block: Sequence[str]) -> None:
        """Append a block whole, or drop it whole when it no longer fits."""
        size = sum(len(line) + 1 for line in block)
        if self.dropped or self.size + size > self.limit:
            self.dropped += 1
            return
        self.lines += block
        self.size += size

    def text(self, hint: str) -> str:
        """The collected Markdown, with a note when anything was cut."""
        lines = list(self.lines)
        if self.dropped:
            lines += ["", f"> **Truncated:** {self.dropped} more section(s) not shown. {hint}"]
        return "\n".join(lines) + "\n"


def _resource_label(entry: ResourceDiff) -> str:
    """``type`` and name for a heading."""
    return f"`{entry.type}` **{entry.name}**"


def render_diff(
    stack: str,
    diff: PlanDiff,
    base_label: str,
    head: Snapshot,
    violations: Sequence[Any] | None = None,
    limit: int = MAX_CHARS,
    preflight: Sequence[Any] | None = None,
) -> str:
    """The diff as a PR comment: counts, then added, removed and modified resources."""
    head_by_urn = {r["urn"]: r for r in head.get("resources", [])}
    out = _Bounded(limit)
    out.add(
        [
            MARKER.format(stack=stack),
            f"### Offline plan for `{stack}`: {base_label} → this change",
            "",
            f"**{len(diff.added)} to add, {len(diff.modified)} to change, "
            f"{len(diff.removed)} to remove** (offline synth; no cloud was contacted)",
            "",
        ]
    )
    if diff.empty:
        out.add(["No changes: this change registers and exports exactly what the base does.", ""])
    if diff.added:
        out.add(["#### Added", ""])
    for entry in diff.added:
        inputs = _display_inputs(head_by_urn[entry.urn])
        rows = [(f"`{p}`", cell(v)) for p, v in flatten(inputs).items() if p]
        table = _table(("property", "value"), rows) if rows else ["_(no inputs)_"]
        out.add([f"+ {_resource_label(entry)}", "", *table, ""])
    if diff.removed:
        out.add(["#### Removed", ""])
        out.add([f"- {_resource_label(entry)}" for entry in diff.removed] + [""])
    if diff.modified:
        out.add(["#### Modified", ""])
    for entry in diff.modified:
        rows = [(f"`{c.path}`", cell(c.before), cell(c.after)) for c in entry.changes]
        out.add([f"~ {_resource_label(entry)}", "", *_table(("property", "before", "after"), rows)])
        out.add([""])
    if diff.outputs:
        rows = [(f"`{c.path}`", cell(c.before), cell(c.after)) for c in diff.outputs]
        out.add(["#### Outputs", "", *_table(("output", "before", "after"), rows), ""])
    if preflight is not None:
        out.add(_preflight_block(stack, preflight))
    if violations is not None:
        out.add(_policy_block(violations))
    return out.text(f"Run `make plan STACK={stack} BASE=<base>` for the full diff.")


def render_summary(
    result: SynthResult,
    violations: Sequence[Any] | None = None,
    limit: int = MAX_CHARS,
    preflight: Sequence[Any] | None = None,
) -> str:
    """One stack as Markdown: resources grouped by type with key settings, outputs, policies."""
    data = snapshot(result)
    resources = data["resources"]
    out = _Bounded(limit)
    out.add(
        [
            MARKER.format(stack=result.stack),
            f"### Offline plan for `{result.stack}`: {len(resources)} resources",
            "",
        ]
    )
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for resource in resources:
        by_type.setdefault(resource["type"], []).append(resource)
    for type_ in sorted(by_type, key=lambda t: (t.startswith("crosscloud:"), t)):
        rows = []
        for resource in sorted(by_type[type_], key=lambda r: r["name"]):
            settings = [
                f"{k}={cell(v)}"
                for k, v in sorted(_display_inputs(resource).items())
                if not isinstance(v, dict | list)
            ][:MAX_SETTINGS]
            if resource.get("protect"):
                settings.insert(0, "**protected**")
            rows.append((f"`{resource['name']}`", ", ".join(settings) or "—"))
        out.add([f"#### `{type_}` ({len(rows)})", "", *_table(("name", "key settings"), rows), ""])
    outputs = flatten(data["outputs"])
    rows = [(f"`{path}`", cell(value)) for path, value in outputs.items() if path]
    out.add(["#### Outputs", "", *(_table(("output", "value"), rows) if rows else ["none"]), ""])
    if preflight is not None:
        out.add(_preflight_block(result.stack, preflight))
    if violations is not None:
        out.add(_policy_block(violations))
    return out.text(f"Run `make synth STACK={result.stack}` for every resource.")


def _preflight_block(stack: str, findings: Sequence[Any]) -> list[str]:
    """What a real deploy would reject, as ``make preflight`` reports it."""
    if not findings:
        return ["#### Preflight", "", "No known deploy failure.", ""]
    rows = [(f"`{f.check}`", cell(f.subject), cell(f.problem), cell(f.fix)) for f in findings]
    return [
        "#### Preflight",
        "",
        f"{len(findings)} finding(s) a real deploy would fail on (`make preflight STACK={stack}`).",
        "",
        *_table(("check", "where", "problem", "fix"), rows),
        "",
    ]


def _policy_block(violations: Sequence[Any]) -> list[str]:
    """Policy results as a table (mandatory first)."""
    if not violations:
        return ["#### Policies", "", "All policies pass.", ""]
    ordered = sorted(violations, key=lambda v: (v.enforcement != "mandatory", v.policy))
    mandatory = sum(1 for v in violations if v.enforcement == "mandatory")
    rows = [
        (v.enforcement, f"`{v.policy}`", f"`{v.resource_type}` {v.resource_name}", cell(v.message))
        for v in ordered
    ]
    return [
        "#### Policies",
        "",
        f"{mandatory} mandatory and {len(violations) - mandatory} advisory violation(s).",
        "",
        *_table(("level", "policy", "resource", "message"), rows),
        "",
    ]


def policy_violations(result: SynthResult) -> list[Violation]:
    """The policy pack's findings on the synthesized stack."""
    return list(evaluate(result))


def preflight_findings(result: SynthResult, root: Path) -> list[Finding]:
    """The synthesized stack's preflight findings."""
    return list(report_for(result, root).findings)


# ---------------------------------------------------------------- command line


def plan(stack: str, base: str | None = None, root: Path = ROOT) -> str:
    """The Markdown for ``stack``: a summary, or the diff from ``base`` when given."""
    result = synth(stack, root=root)
    violations = policy_violations(result)
    findings = preflight_findings(result, root)
    if base is None:
        return render_summary(result, violations, preflight=findings)
    commit = resolve_ref(base, root)
    base_snapshot = snapshot_at_ref(stack, commit, root)
    diff = diff_snapshots(base_snapshot, snapshot(result))
    label = f"`{commit[:7]}`" if commit.startswith(base) else f"`{base}` ({commit[:7]})"
    return render_diff(stack, diff, label, snapshot(result), violations, preflight=findings)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the plan to a file and print it."""
    parser = argparse.ArgumentParser(description="Offline plan summary or diff of one stack.")
    parser.add_argument("stack")
    parser.add_argument("--base", help="git ref to diff against (e.g. origin/main)")
    parser.add_argument("--output", type=Path, help="default: build/plan-<stack>.md")
    args = parser.parse_args(argv)
    try:
        markdown = plan(args.stack, args.base, root=ROOT)
    except (PlanError, SynthError, pulumi.RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    output: Path = args.output or ROOT / "build" / f"plan-{args.stack}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(markdown)
    sys.stdout.write(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
