"""Preflight's project-files check: pinned backends and stacks sharing one secrets key."""

import shutil
from pathlib import Path

import pytest
import yaml

from tooling.preflight import project_files
from tooling.preflight.findings import Finding
from tooling.synth import ROOT

# What Pulumi.yaml said before the backend choice moved to `pulumi login` / PULUMI_BACKEND_URL.
OLD_BACKEND = "backend:\n  url: file://~\n"
# encryptionsalt lines as `pulumi stack init` writes them (v1:<salt>:<check value>).
DEV_SALT = "v1:c2FsdC1kZXY=:v1:bm9uY2UtZGV2:Y2hlY2stZGV2"
PROD_SALT = "v1:c2FsdC1wcm9k:v1:bm9uY2UtcHJvZA==:Y2hlY2stcHJvZA=="


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's project and stack files, free to edit."""
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.local.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "bootstrap").mkdir()
    for name in ("Pulumi.yaml", "Pulumi.main.yaml"):
        shutil.copy(ROOT / "bootstrap" / name, tmp_path / "bootstrap" / name)
    return tmp_path


def _set(path: Path, **keys: str) -> None:
    """Add top-level keys to a stack file, as `pulumi stack init` / change-secrets-provider do."""
    data = yaml.safe_load(path.read_text())
    data.update(keys)
    path.write_text(yaml.safe_dump(data))


def test_the_repository_as_committed_has_no_findings() -> None:
    """Neither Pulumi.yaml pins a backend and no two environments share a key."""
    assert list(project_files.check(ROOT)) == []


def test_the_old_pinned_local_backend_is_reported(project: Path) -> None:
    """`backend: url: file://~` in Pulumi.yaml is one finding naming the file, URL and fix."""
    pulumi_yaml = project / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text() + OLD_BACKEND)
    findings = list(project_files.check(project))
    assert [(f.check, f.subject) for f in findings] == [("project-files", "Pulumi.yaml")]
    assert "`backend: url: file://~`" in findings[0].problem
    assert "delete the `backend:` block" in findings[0].fix
    assert "PULUMI_BACKEND_URL" in findings[0].fix


def test_a_backend_in_the_bootstrap_project_is_reported(project: Path) -> None:
    """The bootstrap project must follow the same login: its backend block is reported too."""
    bootstrap = project / "bootstrap" / "Pulumi.yaml"
    bootstrap.write_text(bootstrap.read_text() + "backend:\n  url: s3://someone-elses-bucket\n")
    findings = list(project_files.check(project))
    assert [f.subject for f in findings] == ["bootstrap/Pulumi.yaml"]
    assert "s3://someone-elses-bucket" in findings[0].problem


def test_prod_sharing_devs_passphrase_is_reported(project: Path) -> None:
    """A prod stack file with dev's encryptionsalt (a copied file) is reported against prod."""
    _set(project / "Pulumi.dev.yaml", encryptionsalt=DEV_SALT)
    _set(project / "Pulumi.prod.yaml", encryptionsalt=DEV_SALT)
    findings = list(project_files.check(project))
    assert findings == [
        Finding(
            check="project-files",
            subject="Pulumi.prod.yaml",
            problem=findings[0].problem,
            fix=findings[0].fix,
        )
    ]
    assert "Pulumi.dev.yaml" in findings[0].problem
    assert "identical encryptionsalt" in findings[0].problem
    assert "change-secrets-provider passphrase --stack prod`" in findings[0].fix


def test_own_passphrases_and_same_environment_sharing_pass(project: Path) -> None:
    """Different salts pass; dev and local (both environment dev) may share one passphrase."""
    _set(project / "Pulumi.dev.yaml", encryptionsalt=DEV_SALT)
    _set(project / "Pulumi.local.yaml", encryptionsalt=DEV_SALT)
    _set(project / "Pulumi.prod.yaml", encryptionsalt=PROD_SALT)
    assert list(project_files.check(project)) == []


def test_one_kms_key_for_dev_and_prod_is_reported(project: Path) -> None:
    """The same cloud KMS secrets provider on dev and prod is reported; two keys pass."""
    key = "awskms://alias/crosscloud-state?region=eu-west-1"
    _set(project / "Pulumi.dev.yaml", secretsprovider=key, encryptedkey="ZGV2")
    _set(project / "Pulumi.prod.yaml", secretsprovider=key, encryptedkey="cHJvZA==")
    findings = list(project_files.check(project))
    assert [f.subject for f in findings] == ["Pulumi.prod.yaml"]
    assert key in findings[0].problem

    _set(project / "Pulumi.prod.yaml", secretsprovider=key.replace("state", "prod-state"))
    assert list(project_files.check(project)) == []
