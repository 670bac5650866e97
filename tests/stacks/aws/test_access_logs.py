"""S3 server access logs: the data buckets log to a dedicated, locked-down log bucket."""

import json

import pytest

from tooling.synth import Resource, SynthResult


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest, synths: dict[str, SynthResult]) -> SynthResult:
    """Each shipped stack in turn."""
    return synths[request.param]


def _buckets(stack: SynthResult) -> dict[str, Resource]:
    """The stack's buckets by role (uploads, reports, access-logs)."""
    prefix = f"crosscloud-{stack.stack}-"
    return {b.name.removeprefix(prefix): b for b in stack.of_type("aws:s3/bucket:Bucket")}


def _for_bucket(stack: SynthResult, type_: str, bucket: Resource) -> Resource:
    """The one configuration resource of a type that names this bucket."""
    (found,) = [r for r in stack.of_type(type_) if r.inputs["bucket"] == bucket.id]
    return found


def test_uploads_and_reports_log_to_the_log_bucket(stack: SynthResult) -> None:
    """Each data bucket logs under s3-access/<key>/ of the log bucket; the log bucket does not."""
    buckets = _buckets(stack)
    assert set(buckets) == {"uploads", "reports", "access-logs"}
    logging = {r.inputs["bucket"]: r for r in stack.of_type("aws:s3/bucketLogging:BucketLogging")}
    assert set(logging) == {buckets["uploads"].id, buckets["reports"].id}
    for key in ("uploads", "reports"):
        config = logging[buckets[key].id]
        assert config.inputs["targetBucket"] == buckets["access-logs"].id
        assert config.inputs["targetPrefix"] == f"s3-access/{key}/"
        assert "targetGrants" not in config.inputs


def test_log_bucket_admits_only_the_logging_service_for_these_sources(stack: SynthResult) -> None:
    """PutObject under s3-access/ for logging.s3.amazonaws.com, this account and the two sources."""
    buckets = _buckets(stack)
    log_bucket = buckets["access-logs"]
    policy = _for_bucket(stack, "aws:s3/bucketPolicy:BucketPolicy", log_bucket)
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert set(statements) == {"DenyInsecureTransport", "S3ServerAccessLogsPolicy"}
    grant = statements["S3ServerAccessLogsPolicy"]
    assert grant["Effect"] == "Allow"
    assert grant["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert grant["Action"] == ["s3:PutObject"]
    assert grant["Resource"] == [f"{log_bucket.state['arn']}/s3-access/*"]
    assert grant["Condition"] == {
        "ArnLike": {
            "aws:SourceArn": [buckets["uploads"].state["arn"], buckets["reports"].state["arn"]]
        },
        "StringEquals": {"aws:SourceAccount": "123456789012"},
    }


def test_log_bucket_has_secure_defaults_and_sse_s3(stack: SynthResult) -> None:
    """ACLs off, public access blocked, SSE-S3 (delivery cannot use SSE-KMS)."""
    log_bucket = _buckets(stack)["access-logs"]
    sse = _for_bucket(
        stack,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        log_bucket,
    )
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "AES256"
    }
    ownership = _for_bucket(
        stack, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", log_bucket
    )
    assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    block = _for_bucket(stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", log_bucket)
    assert block.inputs["blockPublicPolicy"] is True
    assert block.inputs["restrictPublicBuckets"] is True


def test_log_objects_expire_after_the_audit_retention(stack: SynthResult) -> None:
    """Log objects expire after auditLogRetentionDays; the data buckets' objects never do."""
    days = {"dev": 7, "prod": 365}[stack.stack]
    buckets = _buckets(stack)
    lifecycle_type = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    log_rules = {
        r["id"]: r
        for r in _for_bucket(stack, lifecycle_type, buckets["access-logs"]).inputs["rules"]
    }
    assert log_rules["expire-objects"]["expiration"] == {"days": days}
    for key in ("uploads", "reports"):
        rules = _for_bucket(stack, lifecycle_type, buckets[key]).inputs["rules"]
        assert all("expiration" not in rule for rule in rules), key


def test_log_bucket_is_protected_only_in_prod(stack: SynthResult) -> None:
    """Prod's records cannot be deleted by Pulumi; dev's bucket empties on destroy."""
    log_bucket = _buckets(stack)["access-logs"]
    is_prod = stack.stack == "prod"
    assert log_bucket.protect is is_prod
    assert log_bucket.inputs["forceDestroy"] is not is_prod


def test_logging_waits_for_the_log_bucket_policy(dev: SynthResult) -> None:
    """S3 delivers at once, so each BucketLogging depends on the policy that admits it."""
    policy = _for_bucket(dev, "aws:s3/bucketPolicy:BucketPolicy", _buckets(dev)["access-logs"])
    for logging in dev.of_type("aws:s3/bucketLogging:BucketLogging"):
        assert policy.urn in logging.dependencies
