"""The committed stack config, as is: each key the program would refuse is a finding."""

from pathlib import Path

import pytest

from tooling.preflight import stack_config
from tooling.synth import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the program's root files, so a test can edit a stack file."""
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "__main__.py"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "stacks").symlink_to(ROOT / "stacks")
    (tmp_path / "functions").symlink_to(ROOT / "functions")
    return tmp_path


def test_unset_app_secret_is_reported_with_the_command() -> None:
    """dev as committed has no apiToken: the finding names the key and the command to set it."""
    (finding,) = stack_config.check("dev", ROOT)
    assert finding.subject == "crosscloud:apiToken"
    assert "pulumi config set --secret crosscloud:apiToken <value> --stack dev" in finding.fix


def test_prod_needs_its_own_alarm_email() -> None:
    """prod as committed names no alarm recipient: found before anything registers."""
    subjects = sorted(f.subject for f in stack_config.check("prod", ROOT))
    assert subjects == ["crosscloud:alarmEmails", "crosscloud:apiToken", "crosscloud:reportEmails"]


def test_set_secret_and_email_leave_nothing(project: Path) -> None:
    """With a secure apiToken and a real address in the file, prod has no config finding."""
    stack_file = project / "Pulumi.prod.yaml"
    stack_file.write_text(
        stack_file.read_text()
        + "  crosscloud:apiToken:\n    secure: v1:abc:def\n"
        + "  crosscloud:alarmEmails:\n    - oncall@crosscloud.offline\n"
        + "  crosscloud:reportEmails:\n    - reports@crosscloud.offline\n"
    )
    assert list(stack_config.check("prod", project)) == []


def test_placeholder_principal_is_refused(project: Path) -> None:
    """The example.com member prod used to ship is refused before anything registers."""
    stack_file = project / "Pulumi.prod.yaml"
    stack_file.write_text(
        stack_file.read_text()
        + "  crosscloud:apiToken:\n    secure: v1:abc:def\n"
        + "  crosscloud:alarmEmails:\n    - oncall@example.com\n"
        + "  crosscloud:reportEmails:\n    - reports@crosscloud.offline\n"
        + "  crosscloud:gcpInvokers:\n    - group:api-clients@example.com\n"
    )
    findings = {f.subject: f for f in stack_config.check("prod", project)}
    assert sorted(findings) == ["crosscloud:alarmEmails", "crosscloud:gcpInvokers"]
    assert "reserved" in findings["crosscloud:gcpInvokers"].problem


def test_bad_stack_name_is_fixed_by_renaming_the_stack(project: Path) -> None:
    """A stack whose name cannot prefix physical names is told to rename, not to edit config."""
    (project / "Pulumi.Bad_Name.yaml").write_text((project / "Pulumi.dev.yaml").read_text())
    findings = {f.subject: f for f in stack_config.check("Bad_Name", project)}
    assert "pulumi stack rename" in findings["stack name"].fix
