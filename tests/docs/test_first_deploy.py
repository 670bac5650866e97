"""docs/first-deploy.md matches what the workflows, the bootstrap and the stacks expect."""

import re
from pathlib import Path

import pytest
import yaml

from tooling.synth import ROOT, SynthResult, synth

DOC = (ROOT / "docs" / "first-deploy.md").read_text()
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.fixture(scope="module")
def boot() -> SynthResult:
    """The bootstrap program as its main stack registers it."""
    return synth("main", root=ROOT / "bootstrap")


def _workflow_names(kind: str) -> set[str]:
    """Every ``vars.X`` or ``secrets.X`` the workflows read (GitHub's own token aside)."""
    found: set[str] = set()
    for workflow in WORKFLOWS:
        found |= set(re.findall(rf"\b{kind}\.([A-Z][A-Z0-9_]+)", workflow.read_text()))
    return found - {"GITHUB_TOKEN"}


def test_every_variable_and_secret_the_workflows_read_is_set_up() -> None:
    """A repository following the doc has every variable and secret a workflow reads."""
    names = _workflow_names("vars") | _workflow_names("secrets")
    assert names
    assert sorted(n for n in names if f"`{n}`" not in DOC) == []


def test_every_environment_the_workflows_use_is_set_up() -> None:
    """Each GitHub environment a job runs in is described."""
    environments: set[str] = set()
    for workflow in WORKFLOWS:
        for job in (yaml.safe_load(workflow.read_text()).get("jobs") or {}).values():
            environment = job.get("environment")
            if environment:
                environments.add(
                    environment if isinstance(environment, str) else environment["name"]
                )
    assert environments
    for name in environments:
        assert f"| environment | `{name}` |" in DOC, name


def test_bootstrap_outputs_are_the_variables_the_doc_lists(boot: SynthResult) -> None:
    """Each repository variable the bootstrap exports is one the doc tells you to copy."""
    variables = boot.outputs["githubVariables"]
    assert variables
    assert sorted(name for name in variables if f"`{name}`" not in DOC) == []


def _declared(project_file: Path) -> set[str]:
    """Config keys a Pulumi.yaml declares."""
    return set(yaml.safe_load(project_file.read_text()).get("config") or {})


def test_config_keys_in_the_doc_exist() -> None:
    """Every ``crosscloud:`` and ``crosscloud-bootstrap:`` key the doc sets is declared."""
    stack_keys = _declared(ROOT / "Pulumi.yaml")
    secrets = set(
        yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]["appSecrets"]["default"]
    )
    secrets |= set(
        yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]["crosscloud:appSecrets"]
    )
    for key in set(re.findall(r"crosscloud:(\w+)", DOC)):
        assert key in stack_keys | secrets, key
    bootstrap_keys = _declared(ROOT / "bootstrap" / "Pulumi.yaml")
    for key in set(re.findall(r"crosscloud-bootstrap:(\w+)", DOC)):
        assert key in bootstrap_keys, key


def test_make_targets_in_the_doc_exist() -> None:
    """Every ``make <target>`` the doc runs is a Makefile target."""
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    used = set(re.findall(r"\bmake ([a-z][a-z-]*)", DOC))
    assert used
    assert used <= targets
