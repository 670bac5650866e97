"""The GitHub Actions workflows: schema-valid, zizmor-clean offline, and hardened as designed.

actionlint cannot be installed from the registries this project reaches, so
check-jsonschema's vendored GitHub workflow schema and zizmor (offline) stand
in for it; the structural tests pin down the security design itself.
"""

import json
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tooling.synth import ROOT, synth

WORKFLOWS = ROOT / ".github" / "workflows"
# The suite-wide ``run_tool`` fixture (tests/conftest.py).
ToolRunner = Callable[..., subprocess.CompletedProcess[str]]
PIN = re.compile(r"^\s*-?\s*uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")
CLOUD_LOGINS = ("aws-actions/configure-aws-credentials", "google-github-actions/auth")
# Variables the workflows may read besides those the bootstrap exports.
PLAIN_VARIABLES = {"AWS_REGION", "PULUMI_BACKEND_URL"}
MAX_TIMEOUT_MINUTES = 60
# dev's passphrase is a repository secret (any branch's workflow can read it);
# prod's is a secret of the `prod` environment only.
DEV_SECRET = "PULUMI_CONFIG_PASSPHRASE_DEV"
PROD_SECRET = "PULUMI_CONFIG_PASSPHRASE_PROD"
PROD_ENVIRONMENT = "prod"
BACKEND_ENV = {"PULUMI_BACKEND_URL": "${{ vars.PULUMI_BACKEND_URL }}"}
BACKEND_CHECK = "Check the state backend"

Workflow = dict[str, Any]


def _files() -> list[Path]:
    """Every workflow file."""
    return sorted(WORKFLOWS.glob("*.y*ml"))


def _load(path: Path) -> Workflow:
    """A workflow as data; YAML 1.1 reads the ``on`` key as ``True``, so it is renamed back."""
    data = yaml.safe_load(path.read_text())
    if True in data:
        data["on"] = data.pop(True)
    return data


@pytest.fixture(scope="module")
def workflows() -> dict[str, Workflow]:
    """Each workflow by file name."""
    return {path.name: _load(path) for path in _files()}


def _jobs(workflows: dict[str, Workflow]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(file, job id, job) for every job."""
    for name, workflow in workflows.items():
        for job_id, job in workflow["jobs"].items():
            yield name, job_id, job


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """The job's steps that use ``action`` (any version)."""
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(f"{action}@")]


def _pulumi_jobs(workflows: dict[str, Workflow]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(file, job id, job) for every job that runs the Pulumi CLI."""
    for name, job_id, job in _jobs(workflows):
        if _uses(job, "pulumi/actions"):
            yield name, job_id, job


def _stacks(job: dict[str, Any], value: str) -> list[str]:
    """The stack names ``value`` takes in the job, a ``${{ matrix.stack }}`` expanded."""
    if value == "${{ matrix.stack }}":
        return list(job["strategy"]["matrix"]["stack"])
    return [value]


def _reachable_from_pull_requests(workflows: dict[str, Workflow]) -> list[tuple[str, str]]:
    """Jobs a pull request starts: its own workflow's, and workflow_run followers of it."""
    pr_names = {w["name"] for w in workflows.values() if "pull_request" in w["on"]}
    return [
        (name, job_id)
        for name, job_id, _ in _jobs(workflows)
        if "pull_request" in workflows[name]["on"]
        or set(workflows[name]["on"].get("workflow_run", {}).get("workflows", [])) & pr_names
    ]


def _secrets(job: dict[str, Any]) -> set[str]:
    """Every ``secrets.X`` the job reads."""
    return set(re.findall(r"secrets\.(\w+)", yaml.safe_dump(job)))


def test_the_three_workflows_exist() -> None:
    """PR checks, deploys and the fork-safe plan comment."""
    assert [p.name for p in _files()] == [
        "deploy.yml",
        "offline-plan-comment.yml",
        "pull-request.yml",
    ]


def test_workflows_match_the_github_workflow_schema(run_tool: ToolRunner) -> None:
    """check-jsonschema's vendored GitHub workflow schema accepts every file (no network)."""
    result = run_tool(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, _files())
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_at_medium_or_above(run_tool: ToolRunner) -> None:
    """zizmor offline, default persona: no finding of medium severity or higher."""
    result = run_tool(
        "zizmor", "--offline", "--format", "json", "--min-severity", "medium", str(WORKFLOWS)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_the_only_zizmor_ignore_is_the_workflow_run_trigger(run_tool: ToolRunner) -> None:
    """With ignores off, the one finding is the justified workflow_run trigger."""
    result = run_tool(
        "zizmor", "--offline", "--no-ignores", "--format", "json", "--min-severity", "medium",
        str(WORKFLOWS),
    )  # fmt: skip
    findings = json.loads(result.stdout)
    places = {
        (f["ident"], Path(location["symbolic"]["key"]["Local"]["verbatim_path"]).name)
        for f in findings
        for location in f["locations"]
    }
    assert places == {("dangerous-triggers", "offline-plan-comment.yml")}


def test_actions_are_pinned_to_full_shas_with_their_version() -> None:
    """Every ``uses:`` names a 40-hex commit and a ``# vX.Y.Z`` comment; one SHA per action."""
    shas: dict[str, set[str]] = {}
    for path in _files():
        for line in path.read_text().splitlines():
            if re.match(r"^\s*-?\s*uses:", line):
                match = PIN.match(line)
                assert match, f"{path.name}: {line.strip()}"
                shas.setdefault(match.group(1), set()).add(match.group(2))
    assert {action: len(pins) for action, pins in shas.items()} == dict.fromkeys(shas, 1)
    assert "pulumi/actions" in shas


def test_no_default_permissions_and_every_job_declares_its_own(
    workflows: dict[str, Workflow],
) -> None:
    """Workflows grant nothing; each job lists exactly what it needs, never contents: write."""
    for name, workflow in workflows.items():
        assert workflow["permissions"] == {}, name
    for name, job_id, job in _jobs(workflows):
        permissions = job["permissions"]
        assert permissions.get("contents", "read") == "read", (name, job_id)
        writes = {scope for scope, level in permissions.items() if level == "write"}
        assert writes <= {"id-token", "pull-requests"}, (name, job_id, writes)


def test_id_token_only_where_a_cloud_login_happens(workflows: dict[str, Workflow]) -> None:
    """``id-token: write`` exactly in the jobs that log in to AWS and GCP, by role, not keys."""
    login_jobs = set()
    for name, job_id, job in _jobs(workflows):
        logins = [s for action in CLOUD_LOGINS for s in _uses(job, action)]
        has_token = job["permissions"].get("id-token") == "write"
        assert has_token == bool(logins), (name, job_id)
        if logins:
            login_jobs.add(job_id)
            aws = _uses(job, CLOUD_LOGINS[0])[0]["with"]
            gcp = _uses(job, CLOUD_LOGINS[1])[0]["with"]
            assert set(aws) == {"role-to-assume", "role-session-name", "aws-region"}
            assert set(gcp) == {"workload_identity_provider", "service_account"}
    assert login_jobs == {"preview", "up-dev", "preview-prod", "up-prod"}


def test_pull_requests_write_only_where_a_comment_is_posted(
    workflows: dict[str, Workflow],
) -> None:
    """Only the preview (pulumi/actions comment-on-pr) and the plan comment may write PRs."""
    writers = {
        (name, job_id)
        for name, job_id, job in _jobs(workflows)
        if job["permissions"].get("pull-requests") == "write"
    }
    assert writers == {("pull-request.yml", "preview"), ("offline-plan-comment.yml", "comment")}
    preview = workflows["pull-request.yml"]["jobs"]["preview"]
    assert _uses(preview, "pulumi/actions")[0]["with"]["comment-on-pr"] is True


def test_no_long_lived_cloud_keys_and_only_the_two_passphrase_secrets() -> None:
    """OIDC only: no access keys, key files or Pulumi Cloud token; one passphrase per stack."""
    text = "\n".join(p.read_text() for p in _files())
    for forbidden in (
        "aws-access-key-id", "aws-secret-access-key", "credentials_json", "PULUMI_ACCESS_TOKEN",
    ):  # fmt: skip
        assert forbidden not in text
    assert set(re.findall(r"secrets\.(\w+)", text)) == {DEV_SECRET, PROD_SECRET}


def test_variables_are_what_the_bootstrap_exports() -> None:
    """Every identity variable the workflows read is one the bootstrap project outputs."""
    text = "\n".join(p.read_text() for p in _files())
    used = set(re.findall(r"vars\.(\w+)", text))
    exported = synth("main", root=ROOT / "bootstrap").outputs["githubVariables"]
    assert used - PLAIN_VARIABLES == set(exported)


def test_every_job_has_a_timeout_and_checkouts_drop_credentials(
    workflows: dict[str, Workflow],
) -> None:
    """Bounded jobs; no token left in .git for later steps to leak."""
    for name, job_id, job in _jobs(workflows):
        assert 0 < job["timeout-minutes"] <= MAX_TIMEOUT_MINUTES, (name, job_id)
        for step in _uses(job, "actions/checkout"):
            assert step["with"]["persist-credentials"] is False, (name, job_id)


def test_python_jobs_cache_pip_and_uv_and_write_no_bytecode(
    workflows: dict[str, Workflow],
) -> None:
    """setup-python caches pip (which installs uv) and uv's own cache is kept, both keyed on
    the pinned requirement files; bytecode is off everywhere."""
    for name, job_id, job in _jobs(workflows):
        for step in _uses(job, "actions/setup-python"):
            assert step["with"]["python-version"] == "3.11", (name, job_id)
            assert step["with"]["cache"] == "pip", (name, job_id)
            assert "constraints.txt" in step["with"]["cache-dependency-path"], (name, job_id)
            assert workflows[name]["env"]["PYTHONDONTWRITEBYTECODE"] == "1", name
            uv_caches = [
                s for s in _uses(job, "actions/cache") if s["with"]["path"] == "~/.cache/uv"
            ]
            assert len(uv_caches) == 1, (name, job_id)
            assert "hashFiles('constraints.txt'" in uv_caches[0]["with"]["key"], (name, job_id)


def test_pull_request_previews_only_after_tests_with_policies(
    workflows: dict[str, Workflow],
) -> None:
    """Preview and offline plan wait for the tests; preview diffs each stack with the pack."""
    pr = workflows["pull-request.yml"]
    assert pr["on"] == {"pull_request": {"branches": ["main"]}}
    assert "make test" in pr["jobs"]["test"]["steps"][-1]["run"]
    preview = pr["jobs"]["preview"]
    assert preview["needs"] == "test"
    assert pr["jobs"]["offline-plan"]["needs"] == "test"
    # Both stacks' offline diffs; a real preview of dev only (prod's is on main).
    assert pr["jobs"]["offline-plan"]["strategy"]["matrix"]["stack"] == ["dev", "prod"]
    assert "strategy" not in preview
    # Forks get no OIDC token; their diff comes from the offline plan.
    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    pulumi = _uses(preview, "pulumi/actions")[0]["with"]
    assert pulumi["command"] == "preview"
    assert pulumi["stack-name"] == "dev"
    assert pulumi["diff"] is True
    assert pulumi["policyPacks"] == "policies"
    assert pulumi["edit-pr-comment"] is True
    assert _uses(preview, CLOUD_LOGINS[0])[0]["with"]["role-to-assume"] == (
        "${{ vars.AWS_PREVIEW_ROLE_ARN }}"
    )


def test_concurrency_per_stack(workflows: dict[str, Workflow]) -> None:
    """Updates of a stack queue and are never cancelled; a newer preview cancels the older."""
    jobs = workflows["deploy.yml"]["jobs"]
    assert jobs["up-dev"]["concurrency"] == {"group": "pulumi-up-dev", "cancel-in-progress": False}
    assert jobs["up-prod"]["concurrency"] == {
        "group": "pulumi-up-prod",
        "cancel-in-progress": False,
    }
    # A prod preview holds the stack lock: never killed mid-run.
    assert jobs["preview-prod"]["concurrency"] == {
        "group": "pulumi-preview-prod",
        "cancel-in-progress": False,
    }
    preview = workflows["pull-request.yml"]["jobs"]["preview"]["concurrency"]
    assert preview["cancel-in-progress"] is True
    assert preview["group"] == "preview-dev-${{ github.event.pull_request.number }}"


def test_push_to_main_deploys_dev_then_previews_and_updates_prod_in_its_environment(
    workflows: dict[str, Workflow],
) -> None:
    """Tests, up dev, preview prod, up prod; prod jobs in ``prod``; all with the deploy role."""
    deploy = workflows["deploy.yml"]
    assert deploy["on"] == {"push": {"branches": ["main"]}}
    jobs = deploy["jobs"]
    assert jobs["up-dev"]["needs"] == "test"
    assert jobs["preview-prod"]["needs"] == "up-dev"
    assert jobs["up-prod"]["needs"] == "preview-prod"
    assert jobs["preview-prod"]["environment"] == PROD_ENVIRONMENT
    assert jobs["up-prod"]["environment"] == PROD_ENVIRONMENT
    # An environment would replace the subject ref:refs/heads/main the deploy role trusts.
    assert "environment" not in jobs["up-dev"]
    for job_id, command, stack in (
        ("up-dev", "up", "dev"), ("preview-prod", "preview", "prod"), ("up-prod", "up", "prod"),
    ):  # fmt: skip
        pulumi = _uses(jobs[job_id], "pulumi/actions")[0]["with"]
        assert (pulumi["command"], pulumi["stack-name"]) == (command, stack)
        assert pulumi["policyPacks"] == "policies"
        assert pulumi["diff"] is True
        role = _uses(jobs[job_id], CLOUD_LOGINS[0])[0]["with"]["role-to-assume"]
        assert role == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"


def test_the_prod_diff_is_in_the_run_summary_before_the_gated_update(
    workflows: dict[str, Workflow],
) -> None:
    """The prod preview writes its diff to the run summary; the update waits for it."""
    jobs = workflows["deploy.yml"]["jobs"]
    preview = _uses(jobs["preview-prod"], "pulumi/actions")[0]["with"]
    assert preview["comment-on-summary"] is True
    assert "preview-prod" in str(jobs["up-prod"]["needs"])
    # On pull requests, prod's diff is the offline plan comment (no credentials, no secrets).
    offline = workflows["pull-request.yml"]["jobs"]["offline-plan"]
    assert "prod" in offline["strategy"]["matrix"]["stack"]
    assert _secrets(offline) == set()


def test_no_pull_request_job_reaches_a_prod_secret_or_the_prod_stack(
    workflows: dict[str, Workflow],
) -> None:
    """Jobs a PR starts: no environment, at most dev's passphrase, read-only roles, dev only."""
    reachable = _reachable_from_pull_requests(workflows)
    assert {job_id for _, job_id in reachable} == {"test", "offline-plan", "preview", "comment"}
    for name, job_id in reachable:
        job = workflows[name]["jobs"][job_id]
        assert "environment" not in job, (name, job_id)
        assert _secrets(job) <= {DEV_SECRET}, (name, job_id)
        for step in _uses(job, "pulumi/actions"):
            assert "prod" not in _stacks(job, step["with"]["stack-name"]), (name, job_id)
        for step in _uses(job, CLOUD_LOGINS[0]):
            assert step["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}"
        for step in _uses(job, CLOUD_LOGINS[1]):
            assert step["with"]["service_account"] == "${{ vars.GCP_PREVIEW_SERVICE_ACCOUNT }}"


def test_prods_passphrase_and_stack_only_in_the_prod_environment(
    workflows: dict[str, Workflow],
) -> None:
    """A job reads prod's passphrase or runs Pulumi on prod exactly when it is in ``prod``."""
    environments = set()
    for name, job_id, job in _jobs(workflows):
        in_prod = job.get("environment") == PROD_ENVIRONMENT
        if "environment" in job:
            environments.add(job["environment"])
        assert (PROD_SECRET in _secrets(job)) == in_prod, (name, job_id)
        stacks = {
            stack
            for step in _uses(job, "pulumi/actions")
            for stack in _stacks(job, step["with"]["stack-name"])
        }
        assert ("prod" in stacks) == in_prod, (name, job_id)
        if stacks:
            # Each stack's own passphrase, never the other's.
            expected = PROD_SECRET if in_prod else DEV_SECRET
            step = _uses(job, "pulumi/actions")[0]
            assert step["env"] == {"PULUMI_CONFIG_PASSPHRASE": f"${{{{ secrets.{expected} }}}}"}
    assert environments == {PROD_ENVIRONMENT}


def test_every_pulumi_job_gets_the_backend_url_and_checks_it_first(
    workflows: dict[str, Workflow],
) -> None:
    """PULUMI_BACKEND_URL (which wins over any login) is job-wide and checked before install."""
    pulumi_jobs = list(_pulumi_jobs(workflows))
    assert {job_id for _, job_id, _ in pulumi_jobs} == {
        "preview", "up-dev", "preview-prod", "up-prod",
    }  # fmt: skip
    for name, job_id, job in pulumi_jobs:
        assert job["env"] == BACKEND_ENV, (name, job_id)
        # One source of truth: no cloud-url login that the variable would override anyway.
        assert "cloud-url" not in _uses(job, "pulumi/actions")[0]["with"], (name, job_id)
        names = [step.get("name") for step in job["steps"]]
        assert names.index(BACKEND_CHECK) < names.index("Install"), (name, job_id)


def _backend_check_scripts(workflows: dict[str, Workflow]) -> set[str]:
    """The backend check's shell script, from every job that has it."""
    return {
        step["run"]
        for _, _, job in _jobs(workflows)
        for step in job.get("steps", [])
        if step.get("name") == BACKEND_CHECK
    }


@pytest.mark.parametrize(
    ("url", "passes"),
    [
        (None, False),
        ("", False),
        ("file://~", False),
        ("s3://", False),
        ("https://api.pulumi.com", False),
        ("s3://crosscloud-pulumi-state?region=eu-west-1&awssdk=v2", True),
        ("gs://crosscloud-pulumi-state", True),
    ],
)
def test_the_backend_check_stops_without_a_bucket_url(
    workflows: dict[str, Workflow], url: str | None, passes: bool
) -> None:
    """The one check script fails with an error annotation unless the URL is an s3/gs bucket."""
    scripts = _backend_check_scripts(workflows)
    assert len(scripts) == 1
    env = {"PATH": "/usr/bin:/bin"} | ({} if url is None else {"PULUMI_BACKEND_URL": url})
    result = subprocess.run(
        ["bash", "-e", "-c", scripts.pop()], env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode == 0) == passes, result.stdout
    if url is not None and passes:
        assert result.stdout == f"State backend: {url.split('?')[0]}\n"
    else:
        assert result.stdout.startswith("::error title=")
        assert "PULUMI_BACKEND_URL" in result.stdout
        assert "docs/delivery.md" in result.stdout


def test_preflight_runs_before_every_pulumi_command_for_its_stack(
    workflows: dict[str, Workflow],
) -> None:
    """``make preflight STACK=<stack>`` precedes each preview/up, and any cloud login."""
    for name, job_id, job in _pulumi_jobs(workflows):
        steps = job["steps"]
        for index, step in enumerate(steps):
            if not str(step.get("uses", "")).startswith("pulumi/actions@"):
                continue
            (stack,) = _stacks(job, step["with"]["stack-name"])
            runs = [s.get("run") for s in steps[:index]]
            assert f"make preflight STACK={stack}" in runs, (name, job_id)
            first_login = min(
                i
                for i, s in enumerate(steps)
                if str(s.get("uses", "")).split("@")[0] in CLOUD_LOGINS
            )
            assert runs.index(f"make preflight STACK={stack}") < first_login, (name, job_id)


def test_delivery_docs_name_every_variable_secret_and_environment(
    workflows: dict[str, Workflow],
) -> None:
    """docs/delivery.md lists each repository variable, secret and environment the workflows use."""
    docs = (ROOT / "docs" / "delivery.md").read_text()
    text = "\n".join(p.read_text() for p in _files())
    names = set(re.findall(r"(?:vars|secrets)\.(\w+)", text)) | {PROD_ENVIRONMENT}
    assert sorted(n for n in names if f"`{n}`" not in docs) == []


def test_fork_plans_are_posted_without_running_pr_code(workflows: dict[str, Workflow]) -> None:
    """The workflow_run poster checks out and runs nothing of the PR; no pull_request_target."""
    for name, workflow in workflows.items():
        assert "pull_request_target" not in workflow["on"], name
    poster = workflows["offline-plan-comment.yml"]
    assert poster["on"]["workflow_run"]["workflows"] == [workflows["pull-request.yml"]["name"]]
    job = poster["jobs"]["comment"]
    assert all("uses" not in step for step in job["steps"])
    scripts = "\n".join(step["run"] for step in job["steps"])
    for word in ("make ", "python", "pip ", "git "):
        assert word not in scripts
    # It downloads exactly what the read-only job uploads.
    upload = _uses(workflows["pull-request.yml"]["jobs"]["offline-plan"], "actions/upload-artifact")
    assert upload[0]["with"]["name"] == "offline-plan-${{ matrix.stack }}"
    assert '--name "offline-plan-$STACK"' in scripts


def test_offline_plan_diffs_against_the_base_commit(workflows: dict[str, Workflow]) -> None:
    """The read-only job runs ``make plan`` with the PR's base SHA, from a full clone."""
    job = workflows["pull-request.yml"]["jobs"]["offline-plan"]
    assert job["permissions"] == {"contents": "read"}
    assert _uses(job, "actions/checkout")[0]["with"]["fetch-depth"] == 0
    step = next(s for s in job["steps"] if "make plan" in s.get("run", ""))
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert 'make plan STACK="$STACK" BASE="$BASE_SHA"' in step["run"]
