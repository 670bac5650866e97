"""S3 buckets: private, owner-enforced, encrypted, versioned, TLS-only, cleaned up by lifecycle."""

import json

import pytest

from tooling.synth import Resource, SynthResult

STACKS = ["dev", "prod"]


def _config_for(result: SynthResult, type_: str, bucket: Resource) -> list[Resource]:
    """The configuration resources of ``type_`` attached to ``bucket`` (by its id)."""
    return [r for r in result.of_type(type_) if r.inputs.get("bucket") == bucket.id]


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest, synths: dict[str, SynthResult]) -> SynthResult:
    """Each shipped stack in turn."""
    return synths[request.param]


def test_every_bucket_blocks_public_access(stack: SynthResult) -> None:
    """All four public-access switches are on for every bucket."""
    buckets = stack.of_type("aws:s3/bucket:Bucket")
    assert len(buckets) == 3
    for bucket in buckets:
        (block,) = _config_for(
            stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket
        )
        for switch in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        ):
            assert block.inputs[switch] is True, (bucket.name, switch)


def test_every_bucket_disables_acls(stack: SynthResult) -> None:
    """Object ownership is BucketOwnerEnforced, which turns ACLs off."""
    for bucket in stack.of_type("aws:s3/bucket:Bucket"):
        (ownership,) = _config_for(
            stack, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket
        )
        assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def test_every_bucket_is_encrypted_and_versioned(stack: SynthResult) -> None:
    """Default encryption and versioning are on for every bucket."""
    for bucket in stack.of_type("aws:s3/bucket:Bucket"):
        (sse,) = _config_for(
            stack,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            bucket,
        )
        default = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
        assert default["sseAlgorithm"] in ("AES256", "aws:kms")
        (versioning,) = _config_for(stack, "aws:s3/bucketVersioning:BucketVersioning", bucket)
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"


def test_every_bucket_policy_denies_plain_http(stack: SynthResult) -> None:
    """The bucket policy denies every S3 action on the bucket and its objects without TLS."""
    for bucket in stack.of_type("aws:s3/bucket:Bucket"):
        (policy,) = _config_for(stack, "aws:s3/bucketPolicy:BucketPolicy", bucket)
        document = json.loads(policy.inputs["policy"])
        (statement,) = [s for s in document["Statement"] if s["Sid"] == "DenyInsecureTransport"]
        # Only the access-log bucket admits anyone (the logging service) besides.
        others = len(document["Statement"]) - 1
        assert others == (1 if "access-logs" in bucket.name else 0), bucket.name
        assert statement["Effect"] == "Deny"
        assert statement["Principal"] == "*"
        assert statement["Action"] == ["s3:*"]
        arn = bucket.state["arn"]
        assert sorted(statement["Resource"]) == sorted([arn, f"{arn}/*"])
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_lifecycle_aborts_uploads_and_expires_old_versions(stack: SynthResult) -> None:
    """Incomplete multipart uploads are aborted and non-current versions expire."""
    data_days = 90 if stack.stack == "prod" else 7
    for bucket in stack.of_type("aws:s3/bucket:Bucket"):
        # Log objects are never overwritten; a deleted one lingers a week whatever the stack.
        expected_days = 7 if "access-logs" in bucket.name else data_days
        (lifecycle,) = _config_for(
            stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket
        )
        rules = {rule["id"]: rule for rule in lifecycle.inputs["rules"]}
        assert all(rule["status"] == "Enabled" for rule in rules.values())
        abort = rules["abort-incomplete-multipart-uploads"]["abortIncompleteMultipartUpload"]
        assert abort["daysAfterInitiation"] == 7
        expire = rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"]
        assert expire["noncurrentDays"] == expected_days


def test_cors_only_where_configured(stack: SynthResult) -> None:
    """Only the uploads bucket has CORS, with exactly the configured origins."""
    origins = json.loads(stack.config["crosscloud:corsAllowedOrigins"])
    cors = stack.of_type("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")
    (uploads,) = [b for b in stack.of_type("aws:s3/bucket:Bucket") if "uploads" in b.name]
    assert [c.inputs["bucket"] for c in cors] == [uploads.id]
    assert cors[0].inputs["corsRules"][0]["allowedOrigins"] == origins


def test_no_cors_without_origins() -> None:
    """With no configured origins no bucket gets a CORS configuration."""
    from tooling.synth import synth

    result = synth("dev", overrides={"crosscloud:corsAllowedOrigins": []})
    assert result.of_type("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration") == []


def test_only_dev_buckets_can_be_emptied_by_destroy(dev: SynthResult, prod: SynthResult) -> None:
    """force_destroy lets `pulumi destroy` empty dev buckets; prod buckets refuse."""
    assert {b.inputs["forceDestroy"] for b in dev.of_type("aws:s3/bucket:Bucket")} == {True}
    assert {b.inputs["forceDestroy"] for b in prod.of_type("aws:s3/bucket:Bucket")} == {False}
