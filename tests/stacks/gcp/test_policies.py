"""The project's CrossGuard pack, run offline, finds nothing mandatory in the GCP resources."""

import dataclasses

from tooling.policy_check import evaluate
from tooling.synth import SynthResult


def test_no_mandatory_violation_on_gcp_resources(stack: SynthResult) -> None:
    """Labels, IAM, buckets, Cloud SQL, the function and alerts all pass the pack."""
    violations = [
        f"{v.policy}: {v.message}"
        for v in evaluate(stack)
        if v.enforcement == "mandatory" and v.resource_type.startswith("gcp:")
    ]
    assert violations == []


def test_records_policies_see_a_stack_without_its_records(dev: SynthResult) -> None:
    """Dropping the audit config and pgAudit from dev gives the records policies' violations."""
    weakened = []
    for resource in dev.resources:
        if resource.type == "gcp:projects/iAMAuditConfig:IAMAuditConfig":
            continue
        if resource.type == "gcp:sql/databaseInstance:DatabaseInstance":
            settings = dict(resource.inputs["settings"])
            settings["databaseFlags"] = [
                f for f in settings["databaseFlags"] if f["name"] != "cloudsql.enable_pgaudit"
            ]
            resource = dataclasses.replace(
                resource, inputs={**resource.inputs, "settings": settings}
            )
        weakened.append(resource)
    found = {
        v.policy
        for v in evaluate(dataclasses.replace(dev, resources=tuple(weakened)))
        if v.enforcement == "mandatory"
    }
    assert found == {"gcs-access-records", "cloudsql-pgaudit"}


def test_a_public_report_function_is_caught_even_with_a_public_api(public_dev: SynthResult) -> None:
    """publicApi opens the API; allUsers on the report's service still fails the pack."""
    assert not [v for v in evaluate(public_dev) if v.enforcement == "mandatory"]
    (binding,) = [
        r
        for r in public_dev.of_type("gcp:cloudrunv2/serviceIamMember:ServiceIamMember")
        if r.inputs["name"] == "crosscloud-dev-report"
    ]
    public = dataclasses.replace(binding, inputs={**binding.inputs, "member": "allUsers"})
    weakened = tuple(public if r == binding else r for r in public_dev.resources)
    found = [
        (v.policy, v.urn)
        for v in evaluate(dataclasses.replace(public_dev, resources=weakened))
        if v.enforcement == "mandatory"
    ]
    assert found == [("scheduled-functions-private", binding.urn)]


def test_report_job_and_topic_without_their_defaults_fail(dev: SynthResult) -> None:
    """No OIDC token on the job and no storage policy on the topic are each a violation."""
    weakened = []
    for resource in dev.resources:
        if resource.type == "gcp:cloudscheduler/job:Job":
            target = {k: v for k, v in resource.inputs["httpTarget"].items() if k != "oidcToken"}
            resource = dataclasses.replace(
                resource, inputs={**resource.inputs, "httpTarget": target}
            )
        if resource.type == "gcp:pubsub/topic:Topic":
            inputs = {k: v for k, v in resource.inputs.items() if k != "messageStoragePolicy"}
            resource = dataclasses.replace(resource, inputs=inputs)
        weakened.append(resource)
    found = {
        v.policy
        for v in evaluate(dataclasses.replace(dev, resources=tuple(weakened)))
        if v.enforcement == "mandatory"
    }
    assert found == {"cloud-scheduler-oidc", "pubsub-message-storage-regions"}
