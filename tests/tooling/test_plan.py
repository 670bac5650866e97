"""Offline plan: summaries, and diffs between a git ref and the working tree.

The diff tests build a tiny Pulumi program in a temporary git repository (with
a copy of the synth harness, as the real repository has), so they check the
diffing and not whatever the real stacks happen to contain today.
"""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tooling import plan
from tooling.synth import ROOT, SynthResult

PROGRAM = '''\
"""A bucket, and a log group when config asks for one."""
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
bucket = aws.s3.Bucket("data", force_destroy=True, tags={"team": config.require("team")})
if config.get_bool("logs"):
    aws.cloudwatch.LogGroup("logs", retention_in_days=7)
pulumi.export("bucket", bucket.bucket)
'''
PROJECT = "name: planrepo\nruntime: python\n"


def _git(repo: Path, *args: str) -> None:
    """Run git in ``repo`` as a throwaway identity."""
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
    )


def _write_stack(repo: Path, *, team: str = "data", logs: bool = False) -> None:
    """The dev stack file with the given settings."""
    text = f"config:\n  planrepo:team: {team}\n  planrepo:logs: '{str(logs).lower()}'\n"
    (repo / "Pulumi.dev.yaml").write_text(text)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed repository: the program, its dev stack and the synth harness.

    The policy pack is switched off: these tests are about diffs, not its rules.
    """
    monkeypatch.setattr(plan, "policy_violations", lambda _result: None)
    repo = tmp_path / "repo"
    (repo / "tooling").mkdir(parents=True)
    for name in ("__init__.py", "synth.py", "mock_cloud.py"):
        shutil.copy(ROOT / "tooling" / name, repo / "tooling" / name)
    (repo / "__main__.py").write_text(PROGRAM)
    (repo / "Pulumi.yaml").write_text(PROJECT)
    _write_stack(repo)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "base")
    return repo


def _diff(repo: Path) -> plan.PlanDiff:
    """The working tree of ``repo`` against its HEAD commit."""
    base = plan.snapshot_at_ref("dev", "HEAD", repo)
    return plan.diff_snapshots(base, plan.snapshot(plan.synth("dev", root=repo)))


def test_unchanged_tree_is_no_changes(repo: Path) -> None:
    """Synthesizing the same sources twice gives an empty diff and says so."""
    markdown = plan.plan("dev", "HEAD", root=repo)
    assert "**0 to add, 0 to change, 0 to remove**" in markdown
    assert "No changes" in markdown
    assert _diff(repo).empty


def test_changed_setting_is_exactly_that_modification(repo: Path) -> None:
    """Changing one config value modifies one property of one resource and nothing else."""
    _write_stack(repo, team="platform")
    diff = _diff(repo)
    assert diff.added == ()
    assert diff.removed == ()
    assert [(m.type, m.name) for m in diff.modified] == [("aws:s3/bucket:Bucket", "data")]
    assert diff.modified[0].changes == (plan.Change("inputs.tags.team", "data", "platform"),)
    assert diff.outputs == ()
    markdown = plan.plan("dev", "HEAD", root=repo)
    assert "| `inputs.tags.team` | `data` | `platform` |" in markdown
    assert "**0 to add, 1 to change, 0 to remove**" in markdown


def test_added_resource_is_an_addition(repo: Path) -> None:
    """A resource only the working tree registers is listed as added, with its inputs."""
    _write_stack(repo, logs=True)
    diff = _diff(repo)
    assert [(a.type, a.name) for a in diff.added] == [("aws:cloudwatch/logGroup:LogGroup", "logs")]
    assert diff.modified == ()
    assert diff.removed == ()
    markdown = plan.plan("dev", "HEAD", root=repo)
    assert "+ `aws:cloudwatch/logGroup:LogGroup` **logs**" in markdown
    assert "| `retentionInDays` | `7` |" in markdown


def test_removed_resource_is_a_removal(repo: Path) -> None:
    """A resource only the base registers is listed as removed."""
    _write_stack(repo, logs=True)
    _git(repo, "commit", "--quiet", "-am", "logs on")
    _write_stack(repo, logs=False)
    diff = _diff(repo)
    assert [r.name for r in diff.removed] == ["logs"]
    assert diff.removed[0].type == "aws:cloudwatch/logGroup:LogGroup"
    assert diff.added == ()
    assert diff.modified == ()


def test_stack_missing_at_base_is_all_additions(repo: Path) -> None:
    """A stack new in this change diffs against nothing: every resource is added."""
    shutil.copy(repo / "Pulumi.dev.yaml", repo / "Pulumi.qa.yaml")
    base = plan.snapshot_at_ref("qa", "HEAD", repo)
    head = plan.snapshot(plan.synth("qa", root=repo))
    diff = plan.diff_snapshots(base, head)
    assert base["resources"] == []
    assert {a.type for a in diff.added} == {"aws:s3/bucket:Bucket"}


def test_unknown_ref_is_a_plan_error(repo: Path) -> None:
    """A ref git cannot resolve is reported, not silently treated as empty."""
    with pytest.raises(plan.PlanError, match="rev-parse"):
        plan.snapshot_at_ref("dev", "no-such-branch", repo)


def test_worktree_is_removed_after_the_base_synth(repo: Path) -> None:
    """The temporary worktree does not outlive the diff."""
    plan.snapshot_at_ref("dev", "HEAD", repo)
    listed = subprocess.run(
        ["git", "-C", str(repo), "worktree", "list"], capture_output=True, text=True, check=True
    ).stdout
    assert listed.count("\n") == 1, listed


def test_dependency_cache_is_shared_and_survives_the_worktree(repo: Path) -> None:
    """The base sees the working tree's build/.deps, and removing the worktree keeps it."""
    marker = repo / "build" / ".deps" / "marker"
    marker.parent.mkdir(parents=True)
    marker.write_text("kept")
    seen: list[bool] = []
    real_git = plan._git

    def spy(root: Path, *args: str) -> str:
        if args[:1] == ("worktree",) and args[1] == "remove":
            seen.append((Path(args[-1]) / "build" / ".deps" / "marker").is_file())
        return real_git(root, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plan, "_git", spy)
        plan.snapshot_at_ref("dev", "HEAD", repo)
    assert seen == [True]
    assert marker.read_text() == "kept"


def test_policy_documents_diff_statement_by_statement() -> None:
    """A JSON string (an IAM policy) is compared by its parsed structure."""
    before = {"policy": '{"Statement": [{"Action": ["s3:GetObject"]}]}'}
    after = {"policy": '{"Statement": [{"Action": ["s3:PutObject"]}]}'}
    assert plan.diff_values(before, after) == (
        plan.Change("policy.Statement[0].Action[0]", "s3:GetObject", "s3:PutObject"),
    )


def test_long_diff_is_truncated_with_a_note() -> None:
    """Past the size budget whole sections are dropped, and the comment says how many."""
    entries = tuple(
        plan.ResourceDiff(f"urn:{i}", "aws:s3/bucket:Bucket", f"b{i}", (plan.Change("x", i, 0),))
        for i in range(1, 201)
    )
    markdown = plan.render_diff("dev", plan.PlanDiff(modified=entries), "`abc`", {}, limit=3000)
    assert len(markdown) <= 3000
    assert "**Truncated:**" in markdown
    assert "**0 to add, 200 to change, 0 to remove**" in markdown


def test_cell_defuses_pipes_backticks_and_length() -> None:
    """Table cells cannot break the table or run on forever."""
    assert plan.cell("a|b`c") == "`a\\|b'c`"
    assert plan.cell(7.0) == "`7`"
    assert plan.cell(plan.ABSENT) == "_(absent)_"
    assert len(plan.cell("x" * 1000)) == plan.MAX_VALUE_CHARS + 2


def test_summary_of_dev_groups_resources_by_type(dev: SynthResult) -> None:
    """The real dev stack's summary has one section per type, with the right counts."""
    markdown = plan.render_summary(dev, violations=[])
    for type_ in {r.type for r in dev.resources}:
        assert f"#### `{type_}` ({len(dev.of_type(type_))})" in markdown
    assert f"{len(dev.resources)} resources" in markdown
    assert "#### Outputs" in markdown
    assert "All policies pass." in markdown
    assert markdown.startswith("<!-- crosscloud-plan:dev -->")


@dataclass(frozen=True)
class FakeViolation:
    """The fields of ``tooling.policy_check.Violation`` that the plan shows."""

    policy: str
    enforcement: str
    resource_type: str
    resource_name: str
    message: str


def test_policy_results_list_mandatory_first(dev: SynthResult) -> None:
    """Violations are counted by level and listed mandatory first."""
    violations = [
        FakeViolation("tags", "advisory", "aws:s3/bucket:Bucket", "a", "no owner tag"),
        FakeViolation("encryption", "mandatory", "aws:s3/bucket:Bucket", "b", "not encrypted"),
    ]
    markdown = plan.render_summary(dev, violations=violations)
    assert "1 mandatory and 1 advisory violation(s)." in markdown
    assert markdown.index("`encryption`") < markdown.index("`tags`")


def test_plan_shows_the_preflight_findings(dev: SynthResult) -> None:
    """The plan carries what `make preflight` reports: dev as committed lacks its apiToken."""
    findings = plan.preflight_findings(dev, ROOT)
    assert findings is not None
    markdown = plan.render_summary(dev, violations=[], preflight=findings)
    block = markdown[markdown.index("#### Preflight") :]
    assert "1 finding(s) a real deploy would fail on" in block
    assert "`crosscloud:apiToken`" in block
    clean = plan.render_summary(dev, violations=[], preflight=[])
    assert "No known deploy failure." in clean


def test_command_line_writes_the_file_it_prints(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``python -m tooling.plan`` prints the Markdown and writes the same to ``--output``."""
    monkeypatch.setattr(plan, "ROOT", repo)
    output = tmp_path / "out" / "plan.md"
    assert plan.main(["dev", "--base", "HEAD", "--output", str(output)]) == 0
    assert output.read_text() == capsys.readouterr().out
    assert "No changes" in output.read_text()


COMPONENT_PROGRAM = '''\
"""A component holding a bucket, under a type token that a change renames."""
import pulumi
import pulumi_aws as aws


class Store(pulumi.ComponentResource):
    """The bucket's component."""

    def __init__(self, name: str) -> None:
        opts = pulumi.ResourceOptions(aliases=[{aliases}])
        super().__init__("planrepo:store:{type_}", name, None, opts)
        aws.s3.Bucket(name, force_destroy=True, opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({{}})


Store("store")
'''


def _component_program(type_: str, aliases: str = "") -> str:
    """The component program with a type token and alias list."""
    return COMPONENT_PROGRAM.format(type_=type_, aliases=aliases)


def test_renamed_component_with_an_alias_keeps_itself_and_its_children(repo: Path) -> None:
    """An alias of the old type matches the component and, through it, its bucket: each is
    modified (its URN), nothing is added or removed, as `pulumi preview` would show."""
    (repo / "__main__.py").write_text(_component_program("ObjectStore"))
    _git(repo, "commit", "--quiet", "-am", "component")
    aliases = 'pulumi.Alias(type_="planrepo:store:ObjectStore")'
    (repo / "__main__.py").write_text(_component_program("Store", aliases))
    diff = _diff(repo)
    assert (diff.added, diff.removed) == ((), ())
    moved = {entry.type: entry.changes for entry in diff.modified}
    assert sorted(moved) == ["aws:s3/bucket:Bucket", "planrepo:store:Store"]
    [bucket_urn] = moved["aws:s3/bucket:Bucket"]
    assert bucket_urn.path == "urn"
    assert "planrepo:store:ObjectStore$aws:s3/bucket:Bucket" in bucket_urn.before
    assert "planrepo:store:Store$aws:s3/bucket:Bucket" in bucket_urn.after


def test_renamed_component_without_an_alias_is_a_replacement(repo: Path) -> None:
    """Without the alias the same rename deletes and recreates both, bucket included."""
    (repo / "__main__.py").write_text(_component_program("ObjectStore"))
    _git(repo, "commit", "--quiet", "-am", "component")
    (repo / "__main__.py").write_text(_component_program("Store"))
    diff = _diff(repo)
    assert sorted(e.type for e in diff.added) == ["aws:s3/bucket:Bucket", "planrepo:store:Store"]
    assert sorted(e.type for e in diff.removed) == [
        "aws:s3/bucket:Bucket",
        "planrepo:store:ObjectStore",
    ]
