"""GCS buckets: IAM-only, never public, versioned, old versions expire; CORS on uploads only."""

import json

from tooling.synth import Resource, SynthResult

BUCKET = "gcp:storage/bucket:Bucket"


def _bucket(result: SynthResult, role: str) -> Resource:
    """The ``source`` or ``uploads`` bucket."""
    return result.one(BUCKET, f"crosscloud-{result.stack}-{role}")


def test_every_bucket_is_private_and_versioned(stack: SynthResult) -> None:
    """Uniform access, enforced public access prevention and versioning on every bucket."""
    buckets = stack.of_type(BUCKET)
    assert sorted(b.name.rsplit("-", 1)[-1] for b in buckets) == ["reports", "source", "uploads"]
    for bucket in buckets:
        assert bucket.inputs["uniformBucketLevelAccess"] is True
        assert bucket.inputs["publicAccessPrevention"] == "enforced"
        assert bucket.inputs["versioning"] == {"enabled": True}
        assert bucket.inputs["location"] == stack.config["gcp:region"].upper()


def test_old_versions_and_abandoned_uploads_are_deleted(
    dev: SynthResult, prod: SynthResult
) -> None:
    """Noncurrent versions expire (a week in dev, 90 days in prod); stale multipart uploads too."""
    for result, days in ((dev, 7), (prod, 90)):
        for bucket in result.of_type(BUCKET):
            rules = {
                rule["action"]["type"]: rule["condition"]
                for rule in bucket.inputs["lifecycleRules"]
            }
            assert rules == {
                "Delete": {"daysSinceNoncurrentTime": days},
                "AbortIncompleteMultipartUpload": {"age": 7},
            }


def test_only_dev_buckets_can_be_emptied_on_destroy(dev: SynthResult, prod: SynthResult) -> None:
    """force_destroy is on in dev and off in prod."""
    assert {b.inputs["forceDestroy"] for b in dev.of_type(BUCKET)} == {True}
    assert {b.inputs["forceDestroy"] for b in prod.of_type(BUCKET)} == {False}


def test_cors_on_uploads_from_the_configured_origins_only(stack: SynthResult) -> None:
    """Browsers from corsAllowedOrigins may use signed URLs on uploads; source has no CORS."""
    origins = json.loads(stack.config["crosscloud:corsAllowedOrigins"])
    assert origins
    (cors,) = _bucket(stack, "uploads").inputs["cors"]
    assert cors["origins"] == origins
    assert sorted(cors["methods"]) == ["GET", "HEAD", "PUT"]
    assert _bucket(stack, "source").inputs["cors"] == []


def test_no_bucket_grants_anything_public(stack: SynthResult) -> None:
    """No bucket IAM binding names allUsers or allAuthenticatedUsers."""
    for binding in stack.of_type("gcp:storage/bucketIAMMember:BucketIAMMember"):
        assert binding.inputs["member"] not in ("allUsers", "allAuthenticatedUsers")
