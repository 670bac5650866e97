"""Preflight gcp-deploy-identity: APIs enabled and waited for, deployer roles, grants, accounts."""

import dataclasses
from typing import Any

import pytest

from tooling.preflight import gcp_deploy_identity
from tooling.preflight.findings import Finding
from tooling.synth import Resource, SynthResult

SERVICE = "gcp:projects/service:Service"
BUCKET = "gcp:storage/bucket:Bucket"
FUNCTION = "gcp:cloudfunctionsv2/function:Function"
PROJECT_IAM = "gcp:projects/iAMMember:IAMMember"


def _without(result: SynthResult, drop: Resource) -> SynthResult:
    """``result`` without one resource."""
    return dataclasses.replace(result, resources=tuple(r for r in result.resources if r != drop))


def _replaced(result: SynthResult, old: Resource, new: Resource) -> SynthResult:
    """``result`` with one resource swapped for an edited copy."""
    return dataclasses.replace(
        result, resources=tuple(new if r == old else r for r in result.resources)
    )


def _service(result: SynthResult, api: str) -> Resource:
    """The stack's enablement of one API."""
    (service,) = [s for s in result.of_type(SERVICE) if s.inputs["service"] == api]
    return service


def _findings(result: SynthResult) -> list[Finding]:
    """The check's findings, as a list."""
    return list(gcp_deploy_identity.check(result))


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_shipped_stacks_have_no_findings(synths: dict[str, SynthResult], name: str) -> None:
    """The stacks as committed enable, wait for and may deploy everything they register."""
    assert _findings(synths[name]) == []


def test_a_stack_without_gcp_has_no_findings(synths: dict[str, SynthResult]) -> None:
    """local registers nothing on Google Cloud, so there is nothing to check."""
    assert not [r for r in synths["local"].resources if r.type.startswith("gcp:")]
    assert _findings(synths["local"]) == []


def test_removed_api_enablement_is_reported_per_resource(dev: SynthResult) -> None:
    """Without storage.googleapis.com each bucket and object is reported, with the fix."""
    findings = _findings(_without(dev, _service(dev, "storage.googleapis.com")))
    storage_urns = {r.urn for r in dev.resources if r.type.startswith("gcp:storage/")}
    reported = {f.subject for f in findings if "storage.googleapis.com" in f.problem}
    assert reported >= storage_urns
    assert len(storage_urns) >= 4
    for finding in findings:
        assert finding.check == "gcp-deploy-identity"
        assert "does not enable" in finding.problem
        assert "stacks/gcp/apis.py" in finding.fix


def test_removed_runtime_api_is_reported_on_the_function(dev: SynthResult) -> None:
    """The function signs URLs through IAM Credentials, so that API's absence names it."""
    findings = _findings(_without(dev, _service(dev, "iamcredentials.googleapis.com")))
    assert sorted(f.subject for f in findings) == sorted(r.urn for r in dev.of_type(FUNCTION))
    assert len(findings) == 2
    assert all("iamcredentials.googleapis.com" in f.problem for f in findings)


def test_resource_that_does_not_wait_for_its_api_is_reported(dev: SynthResult) -> None:
    """A bucket registered without depending on the storage enablement may race it."""
    bucket = dev.of_type(BUCKET)[0]
    service = _service(dev, "storage.googleapis.com")
    racing = dataclasses.replace(
        bucket, dependencies=tuple(d for d in bucket.dependencies if d != service.urn)
    )
    findings = _findings(_replaced(dev, bucket, racing))
    assert [(f.subject, f.problem) for f in findings] == [
        (
            bucket.urn,
            "may be created before storage.googleapis.com is enabled "
            f"(no dependency on {service.name})",
        )
    ]


def test_module_without_a_deploy_role_is_reported(
    dev: SynthResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the deployer held no Cloud SQL role, each Cloud SQL resource would be refused."""
    roles = dict(gcp_deploy_identity.DEPLOY_ROLES_BY_MODULE)
    del roles["sql"]
    monkeypatch.setattr(gcp_deploy_identity, "DEPLOY_ROLES_BY_MODULE", roles)
    findings = _findings(dev)
    sql = {r.urn for r in dev.resources if r.type.startswith("gcp:sql/")}
    assert {f.subject for f in findings} == sql
    assert all("'sql'" in f.problem and "gcp_permissions.py" in f.fix for f in findings)


def test_unknown_module_is_reported(dev: SynthResult) -> None:
    """A resource of a module with no known API cannot be proven deployable."""
    bucket = dev.of_type(BUCKET)[0]
    dataset = dataclasses.replace(bucket, type="gcp:bigquery/dataset:Dataset")
    problems = {f.problem for f in _findings(_replaced(dev, bucket, dataset))}
    assert "no API is known for pulumi-gcp module 'bigquery'" in problems
    assert "the deploy service account holds no role for pulumi-gcp module 'bigquery'" in problems


def test_project_grant_outside_the_deployers_condition_is_reported(dev: SynthResult) -> None:
    """The deployer may grant only GRANTABLE_PROJECT_ROLES; any other project role is refused."""
    grant = dev.of_type(PROJECT_IAM)[0]
    inputs: dict[str, Any] = {**grant.inputs, "role": "roles/editor"}
    findings = _findings(_replaced(dev, grant, dataclasses.replace(grant, inputs=inputs)))
    assert [f.subject for f in findings] == [grant.urn]
    assert "roles/editor" in findings[0].problem


@pytest.mark.parametrize(
    ("config", "key", "kind"),
    [
        ("serviceConfig", "serviceAccountEmail", "runtime"),
        ("buildConfig", "serviceAccount", "build"),
    ],
)
def test_function_on_an_account_the_deployer_cannot_act_as_is_reported(
    dev: SynthResult, config: str, key: str, kind: str
) -> None:
    """Left to the project's default account, deploying the function needs an actAs it lacks."""
    function = dev.one(FUNCTION, "crosscloud-dev-api")
    edited = {k: v for k, v in function.inputs[config].items() if k != key}
    inputs: dict[str, Any] = {**function.inputs, config: edited}
    findings = _findings(_replaced(dev, function, dataclasses.replace(function, inputs=inputs)))
    assert [f.subject for f in findings] == [function.urn]
    assert f"its {kind} account is 'the project default'" in findings[0].problem


def test_scheduler_job_calling_as_another_account_is_reported(dev: SynthResult) -> None:
    """The job's OIDC token must name the bootstrap's scheduler account (the deployer's actAs)."""
    job = dev.one("gcp:cloudscheduler/job:Job")
    assert _findings(dev) == []
    target = {
        **job.inputs["httpTarget"],
        "oidcToken": {"serviceAccountEmail": "someone@crosscloud-dev.iam.gserviceaccount.com"},
    }
    edited = dataclasses.replace(job, inputs={**job.inputs, "httpTarget": target})
    findings = _findings(_replaced(dev, job, edited))
    assert [f.subject for f in findings] == [job.urn]
    assert "someone@" in findings[0].problem
    assert "crosscloud-dev-sched" in findings[0].fix
