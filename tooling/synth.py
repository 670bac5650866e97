"""Offline synth: run the real ``__main__.py`` under Pulumi's mock monitor for one stack.

There is no Pulumi CLI, provider plugin or cloud account where this project is
built and tested, so this module is how the program is checked: it loads a
stack's config the way the CLI would (``Pulumi.yaml`` defaults, then
``Pulumi.<stack>.yaml``), runs the program, and records every registered
resource with its type, name, inputs, parent, dependencies and options.
Policies (``tooling.policy_check``) and plan diffs (``tooling.plan``) reuse it.

Usage: ``python -m tooling.synth dev [--json]``.
"""

import argparse
import dataclasses
import hashlib
import json
import runpy
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from tooling.mock_cloud import CloudMocks

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "crosscloud"
SECRET_PLACEHOLDER = "[secret]"  # noqa: S105 - the mask shown instead of a secret
# Values each deployment must set itself, which the committed stack files leave
# unset on purpose (a placeholder would fail mid-deploy). Offline runs use these
# stand-ins only when the program refuses the stack without them, and say so.
OFFLINE_STAND_INS: Mapping[str, str] = {
    f"{PROJECT}:alarmEmails": json.dumps(["offline-stand-in@crosscloud.offline"]),
    f"{PROJECT}:reportEmails": json.dumps(["offline-stand-in@crosscloud.offline"]),
}


class SynthError(Exception):
    """The stack files are missing or malformed."""


@dataclass(frozen=True)
class Resource:
    """One resource as the engine would see it at registration."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: Mapping[str, Any]
    state: Mapping[str, Any]
    parent: str
    dependencies: tuple[str, ...]
    provider: str
    protect: bool
    retain_on_delete: bool
    secret_inputs: frozenset[str] = field(default_factory=frozenset)
    # Options that decide what an update does to an existing resource.
    ignore_changes: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()
    delete_before_replace: bool = False
    # Former identities (``pulumi.Alias``), each the fields the program set: ``type``,
    # ``name``, ``parentUrn``, ``noParent``, ``stack``, ``project``, or a whole ``urn``.
    aliases: tuple[Mapping[str, Any], ...] = ()

    @property
    def id(self) -> str:
        """The id the mock provider gave it (empty for components)."""
        return str(self.state.get("id", ""))


@dataclass(frozen=True)
class Invoke:
    """One data-source call (``aws.get_...``) as the engine would route it."""

    token: str
    # The explicit provider reference; empty means the default provider, which in
    # a real run reads ambient credentials and region, not the stack's.
    provider: str
    args: Mapping[str, Any]


@dataclass(frozen=True)
class SynthResult:
    """Everything one offline run of the program registered and exported."""

    stack: str
    config: Mapping[str, str]
    resources: tuple[Resource, ...]
    outputs: Mapping[str, Any]
    invokes: tuple[Invoke, ...] = ()
    # Config keys that got an OFFLINE_STAND_INS value because the stack leaves them unset.
    stand_ins: tuple[str, ...] = ()

    def of_type(self, type_: str) -> list[Resource]:
        """All resources of one type token, in registration order."""
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> Resource:
        """The single resource of ``type_`` (and ``name``); fails loudly otherwise."""
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            raise LookupError(f"expected one {type_} named {name!r}, found {names}")
        return found[0]

    def by_urn(self, urn: str) -> Resource:
        """The resource with this URN."""
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise LookupError(urn)

    def children_of(self, urn: str) -> Iterator[Resource]:
        """Resources whose parent is ``urn``."""
        return (r for r in self.resources if r.parent == urn)


def _unwrap_secrets(value: Any, root: Path) -> tuple[Any, bool]:
    """Strip the engine's secret wrappers; report whether anything inside was secret.

    Assets and archives become plain data naming their file, so they compare
    and print by content location rather than by object identity.
    """
    if isinstance(value, pulumi.FileArchive | pulumi.FileAsset):
        # The content hash stands in for the engine's asset hash, so a plan
        # diff shows a code change even though the path stays the same.
        path = Path(value.path)
        return {type(value).__name__: _relative(value.path, root), "sha256": _hash(path)}, False
    if rpc.is_rpc_secret(value):
        inner, _ = _unwrap_secrets(rpc.unwrap_rpc_secret(value), root)
        return inner, True
    if isinstance(value, dict):
        pairs = {k: _unwrap_secrets(v, root) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        items = [_unwrap_secrets(v, root) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def _hash(path: Path) -> str:
    """SHA-256 of a file, or of a directory's sorted names and file contents."""
    if not path.is_dir():
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        name = file.relative_to(path).as_posix()
        digest.update(name.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _relative(path: str, root: Path) -> str:
    """A path relative to the program's root when inside it, so synths compare across checkouts."""
    resolved = Path(path).resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else path


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that also records parent, dependencies and options of each registration."""

    def __init__(self, mocks: pulumi.runtime.Mocks, root: Path = ROOT) -> None:
        """Record into ``self.recorded`` in registration order."""
        super().__init__(mocks)
        self.root = root
        self.recorded: list[Resource] = []
        self.invokes: list[Invoke] = []

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """Answer as the base monitor does, and remember which provider the call named."""
        if request.tok != "pulumi:pulumi:getResource":
            args = rpc.deserialize_properties(request.args)
            self.invokes.append(Invoke(token=request.tok, provider=request.provider, args=args))
        return super().Invoke(request)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """Register as the base monitor does, then keep what the engine would have received."""
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        raw_inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        inputs: dict[str, Any] = {}
        secret_keys: set[str] = set()
        for key, value in raw_inputs.items():
            plain, secret = _unwrap_secrets(value, self.root)
            inputs[key] = plain
            if secret:
                secret_keys.add(key)
        registration = self.resources[response.urn]
        self.recorded.append(
            Resource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                inputs=inputs,
                state={"id": registration.id or "", **registration.state},
                parent=request.parent,
                dependencies=tuple(request.dependencies),
                provider=request.provider,
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                secret_inputs=frozenset(secret_keys),
                ignore_changes=tuple(request.ignoreChanges),
                replace_on_changes=tuple(request.replaceOnChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
                aliases=tuple(_alias(a) for a in request.aliases),
            )
        )
        return response


def _alias(alias: Any) -> dict[str, Any]:
    """One ``pulumirpc.Alias`` as the fields it sets (a URN, or a partial spec)."""
    if alias.WhichOneof("alias") == "urn":
        return {"urn": alias.urn}
    # An empty parentUrn means "the resource's own parent", as if unset.
    return {field.name: value for field, value in alias.spec.ListFields() if value != ""}


def _config_value(value: Any) -> str:
    """Config as the CLI hands it to programs: strings, with structured values as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def load_stack_config(stack: str, root: Path = ROOT) -> tuple[dict[str, str], set[str]]:
    """Project defaults from ``Pulumi.yaml`` overlaid with ``Pulumi.<stack>.yaml``.

    Returns the flat ``namespace:key -> string`` map and the keys stored as secrets.
    """
    project_file = root / "Pulumi.yaml"
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        raise SynthError(
            f"no stack file {stack_file.name} (stacks: {', '.join(list_stacks(root))})"
        )
    project = yaml.safe_load(project_file.read_text())
    namespace = project["name"]
    config: dict[str, str] = {}
    for key, spec in (project.get("config") or {}).items():
        full = key if ":" in key else f"{namespace}:{key}"
        if isinstance(spec, dict) and "default" in spec:
            config[full] = _config_value(spec["default"])
        elif isinstance(spec, dict) and "value" in spec:
            config[full] = _config_value(spec["value"])
    secret_keys: set[str] = set()
    for key, value in ((yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}).items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            # Encrypted values need the CLI's secrets provider; offline, the
            # value is unknown but the key is known to be a secret.
            config[key] = SECRET_PLACEHOLDER
            secret_keys.add(key)
        else:
            config[key] = _config_value(value)
    return config, secret_keys


def list_stacks(root: Path = ROOT) -> list[str]:
    """Stack names that have a ``Pulumi.<stack>.yaml`` file."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def project_name(root: Path = ROOT) -> str:
    """The ``name:`` of the Pulumi project in ``root`` (also its config namespace)."""
    return str(yaml.safe_load((root / "Pulumi.yaml").read_text())["name"])


def placeholder_secrets(config: Mapping[str, str], project: str = PROJECT) -> dict[str, str]:
    """Stand-in values for every app secret a stack names, for offline runs.

    Real values come from ``pulumi config set --secret``; offline, each is a
    fixed placeholder that is still registered as a secret.
    """
    names = json.loads(config.get(f"{project}:appSecrets", "[]"))
    return {f"{project}:{name}": f"offline-placeholder-{name}" for name in names}


def _resolve(value: Any) -> Any:
    """Await an output value, replacing secrets with a placeholder as state would show them."""
    output = pulumi.Output.from_input(value)
    if _sync_await(output.is_secret()):
        return SECRET_PLACEHOLDER
    return _sync_await(output.future())


def synth(
    stack: str,
    *,
    overrides: Mapping[str, Any] | None = None,
    secrets: Mapping[str, str] | None = None,
    root: Path = ROOT,
    stand_ins: bool = True,
) -> SynthResult:
    """Run ``<root>/__main__.py`` for ``stack`` under mocks and return what it registered.

    ``overrides`` replace config values (``None`` removes a key); ``secrets``
    adds secret config values (defaults: placeholders for the stack's app secrets).
    When the program refuses the config only for keys in ``OFFLINE_STAND_INS``
    (values each deployment sets itself), it runs again with those stand-ins,
    unless ``stand_ins`` is false. Exceptions raised by the program (such as
    ``ConfigError``) propagate.
    """
    project = project_name(root)
    config, secret_keys = load_stack_config(stack, root)
    for key, value in (overrides or {}).items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = _config_value(value)
    for key, value in (
        placeholder_secrets(config, project) if secrets is None else secrets
    ).items():
        config[key] = value
        secret_keys.add(key)
    try:
        return _run(stack, project, config, secret_keys, root)
    except pulumi.RunError as exc:
        # The program's ConfigError lists each refused key as "key: message".
        refused = {str(problem).split(": ", 1)[0] for problem in getattr(exc, "problems", ())}
        # Only when every refused key is a deployment's own value the caller did not set.
        missing = sorted(refused)
        allowed = set(OFFLINE_STAND_INS) - set(overrides or {})
        if not stand_ins or not refused or not refused <= allowed:
            raise
    config |= {key: OFFLINE_STAND_INS[key] for key in missing}
    result = _run(stack, project, config, secret_keys, root)
    return dataclasses.replace(result, stand_ins=tuple(missing))


def _run(
    stack: str, project: str, config: dict[str, str], secret_keys: set[str], root: Path
) -> SynthResult:
    """One run of the program under fresh mocks with exactly this config."""
    mocks = CloudMocks(
        aws_region=config.get("aws:region", "us-east-1"),
        gcp_project=config.get("gcp:project", "offline-project"),
        gcp_region=config.get("gcp:region", "us-central1"),
    )
    monitor = RecordingMonitor(mocks, root.resolve())
    settings.reset_options(project=project, stack=stack)
    settings.set_root_resource(None)  # type: ignore[arg-type]  # a fresh stack per synth
    pulumi.runtime.set_all_config(config, sorted(secret_keys))
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)

    program = str(root / "__main__.py")
    sys_path_entry = str(root)
    sys.path.insert(0, sys_path_entry)
    try:

        def run_program() -> None:
            runpy.run_path(program, run_name="__main__")

        _sync_await(run_pulumi_func(run_program))
        stack_resource = settings.get_root_resource()
        exported = dict(getattr(stack_resource, "outputs", {}))
        outputs = {name: _resolve(value) for name, value in sorted(exported.items())}
    finally:
        sys.path.remove(sys_path_entry)
    return SynthResult(
        stack=stack,
        config=dict(config),
        resources=tuple(monitor.recorded),
        outputs=outputs,
        invokes=tuple(monitor.invokes),
    )


def to_json(result: SynthResult) -> dict[str, Any]:
    """A JSON-ready view of a synth: what ``--json`` prints and plan diffs compare."""
    resources = []
    for r in result.resources:
        inputs = {
            k: (SECRET_PLACEHOLDER if k in r.secret_inputs else v) for k, v in r.inputs.items()
        }
        resources.append(
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "custom": r.custom,
                "parent": r.parent,
                "protect": r.protect,
                "retainOnDelete": r.retain_on_delete,
                "dependencies": list(r.dependencies),
                "inputs": inputs,
                **({"aliases": [dict(a) for a in r.aliases]} if r.aliases else {}),
            }
        )
    return {"stack": result.stack, "resources": resources, "outputs": dict(result.outputs)}


def main(argv: list[str] | None = None) -> int:
    """Command line: synthesize one stack and print a summary (or JSON)."""
    parser = argparse.ArgumentParser(description="Offline synth of one stack.")
    parser.add_argument("stack", help=f"stack name ({', '.join(list_stacks())})")
    parser.add_argument("--json", action="store_true", help="print every resource as JSON")
    args = parser.parse_args(argv)
    try:
        result = synth(args.stack)
    except (SynthError, pulumi.RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(to_json(result), sys.stdout, indent=2, sort_keys=True, default=str)
        print()
        return 0
    counts: dict[str, int] = {}
    for r in result.resources:
        counts[r.type] = counts.get(r.type, 0) + 1
    print(f"stack {result.stack}: {len(result.resources)} resources")
    if result.stand_ins:
        print(f"offline stand-ins for values the stack leaves unset: {', '.join(result.stand_ins)}")
    for type_, count in sorted(counts.items()):
        print(f"  {count:3d}  {type_}")
    print("outputs:")
    for name, value in result.outputs.items():
        print(f"  {name} = {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
