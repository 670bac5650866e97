"""The project's CrossGuard pack, run offline, finds nothing mandatory in the GCP resources."""

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
