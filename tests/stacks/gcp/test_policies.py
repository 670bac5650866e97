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
