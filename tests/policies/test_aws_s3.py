"""S3 rules: buckets with and without public access block, encryption, versioning, policy."""

import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from policies.crosscloud_policies import aws_s3
from policies.crosscloud_policies.core import Finding, StackRule, Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]

BUCKET_URN = "urn:pulumi:dev::crosscloud::aws:s3/bucket:Bucket::data"
TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:*"],
            "Resource": ["arn:aws:s3:::data-1234", "arn:aws:s3:::data-1234/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}


def rule(name: str) -> StackRule:
    """The S3 stack rule called ``name``."""
    found = [r for r in aws_s3.RULES if r.name == name]
    assert len(found) == 1
    assert isinstance(found[0], StackRule)
    return found[0]


@pytest.fixture
def secure_bucket(subject: MakeSubject) -> list[Subject]:
    """A bucket with every configuration resource SecureBucket creates, linked by dependency."""
    bucket = subject("aws:s3/bucket:Bucket", {"bucket": "data-1234"}, name="data", urn=BUCKET_URN)

    def config(type_: str, name: str, props: dict[str, Any]) -> Subject:
        """A configuration resource of the bucket, depending on it."""
        return subject(
            type_, {"bucket": "data-1234", **props}, name=name, dependencies=(BUCKET_URN,)
        )

    return [
        bucket,
        config(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "data-public-access",
            dict.fromkeys(aws_s3.BLOCK_SWITCHES, True),
        ),
        config(
            aws_s3.ENCRYPTION_CONFIGS[0],
            "data-encryption",
            {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]},
        ),
        config(
            "aws:s3/bucketVersioning:BucketVersioning",
            "data-versioning",
            {"versioningConfiguration": {"status": "Enabled"}},
        ),
        config(
            "aws:s3/bucketPolicy:BucketPolicy", "data-tls-only", {"policy": json.dumps(TLS_ONLY)}
        ),
    ]


def run(name: str, subjects: Sequence[Subject], settings: Settings) -> list[Finding]:
    """Findings of the named stack rule."""
    return list(rule(name).check(subjects, settings))


@pytest.mark.parametrize(
    "name", ["s3-public-access-block", "s3-default-encryption", "s3-versioning", "s3-tls-only"]
)
def test_secure_bucket_passes_every_stack_rule(
    name: str, secure_bucket: list[Subject], dev_settings: Settings
) -> None:
    """A bucket with SecureBucket's configuration satisfies each S3 stack rule."""
    assert run(name, secure_bucket, dev_settings) == []


@pytest.mark.parametrize(
    ("name", "missing_type", "message"),
    [
        ("s3-public-access-block", "bucketPublicAccessBlock", "has no BucketPublicAccessBlock"),
        ("s3-default-encryption", "bucketServerSideEncryption", "has no default encryption"),
        ("s3-versioning", "bucketVersioning", "does not have versioning Enabled"),
        ("s3-tls-only", "bucketPolicy", "has no bucket policy denying s3:*"),
    ],
)
def test_bucket_without_its_configuration_fails(
    name: str, missing_type: str, message: str, secure_bucket: list[Subject], dev_settings: Settings
) -> None:
    """Removing one configuration resource fails exactly that rule, on the bucket."""
    subjects = [s for s in secure_bucket if f"/{missing_type}" not in s.type]
    assert len(subjects) == len(secure_bucket) - 1
    findings = run(name, subjects, dev_settings)
    assert [f.urn for f in findings] == [BUCKET_URN]
    assert message in findings[0].message


def test_public_access_block_with_a_switch_off_names_it(
    secure_bucket: list[Subject], subject: MakeSubject, dev_settings: Settings
) -> None:
    """A block that leaves restrictPublicBuckets off is reported with the switch's name."""
    block = subject(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {**dict.fromkeys(aws_s3.BLOCK_SWITCHES, True), "restrictPublicBuckets": False},
        name="data-public-access",
        dependencies=(BUCKET_URN,),
    )
    subjects = [block if s.name == block.name else s for s in secure_bucket]
    findings = run("s3-public-access-block", subjects, dev_settings)
    assert [f.message for f in findings] == [
        "S3 bucket data: public access block data-public-access does not turn on "
        "restrictPublicBuckets."
    ]


def test_configuration_is_matched_by_bucket_name_without_dependencies(
    secure_bucket: list[Subject], dev_settings: Settings
) -> None:
    """Without dependency links, the ``bucket`` input ties configuration to its bucket."""
    unlinked = [Subject(s.type, s.name, s.urn, s.props) for s in secure_bucket]
    assert run("s3-versioning", unlinked, dev_settings) == []


def test_suspended_versioning_fails(
    secure_bucket: list[Subject], subject: MakeSubject, dev_settings: Settings
) -> None:
    """Versioning must be Enabled, not Suspended."""
    suspended = subject(
        "aws:s3/bucketVersioning:BucketVersioning",
        {"bucket": "data-1234", "versioningConfiguration": {"status": "Suspended"}},
        name="data-versioning",
        dependencies=(BUCKET_URN,),
    )
    subjects = [suspended if s.name == suspended.name else s for s in secure_bucket]
    assert len(run("s3-versioning", subjects, dev_settings)) == 1


def test_a_policy_that_only_allows_is_not_tls_only(
    secure_bucket: list[Subject], subject: MakeSubject, dev_settings: Settings
) -> None:
    """A Deny on s3:GetObject only, or an Allow, does not count as the TLS-only policy."""
    partial = json.loads(json.dumps(TLS_ONLY))
    partial["Statement"][0]["Action"] = ["s3:GetObject"]
    policy = subject(
        "aws:s3/bucketPolicy:BucketPolicy",
        {"bucket": "data-1234", "policy": partial},
        name="data-tls-only",
        dependencies=(BUCKET_URN,),
    )
    subjects = [policy if s.name == policy.name else s for s in secure_bucket]
    assert len(run("s3-tls-only", subjects, dev_settings)) == 1


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        ("aws:s3/bucket:Bucket", {}, []),
        ("aws:s3/bucketAcl:BucketAcl", {"acl": "private"}, []),
        (
            "aws:s3/bucket:Bucket",
            {"acl": "public-read"},
            ["res uses the public canned ACL 'public-read'."],
        ),
        (
            "aws:s3/bucketObjectv2:BucketObjectv2",
            {"acl": "authenticated-read"},
            ["res uses the public canned ACL 'authenticated-read'."],
        ),
        (
            "aws:s3/bucketAclV2:BucketAclV2",
            {
                "accessControlPolicy": {
                    "grants": [
                        {
                            "permission": "READ",
                            "grantee": {"type": "Group", "uri": aws_s3.PUBLIC_GRANTEE_URIS[0]},
                        }
                    ]
                }
            },
            [f"res grants READ to {aws_s3.PUBLIC_GRANTEE_URIS[0]}."],
        ),
    ],
)
def test_no_public_acl(
    type_: str,
    props: dict[str, Any],
    expected: list[str],
    subject: MakeSubject,
    dev_settings: Settings,
) -> None:
    """Public canned ACLs and grants to the global groups fail; private ones pass."""
    assert list(aws_s3.no_public_acl(subject(type_, props), dev_settings)) == expected


def _policy(statement: dict[str, Any]) -> str:
    """A bucket policy document with one statement."""
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.parametrize(
    ("statement", "violations"),
    [
        (TLS_ONLY["Statement"][0], 0),
        (
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
            },
            0,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}},
            },
            0,
        ),
        ({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}, 1),
        ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:PutObject"]}, 1),
        (
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:GetObject"],
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            },
            1,
        ),
    ],
)
def test_no_public_policy(
    statement: dict[str, Any], violations: int, subject: MakeSubject, dev_settings: Settings
) -> None:
    """Allow to '*' fails unless a condition narrows it to an org, account, network or source."""
    policy = subject("aws:s3/bucketPolicy:BucketPolicy", {"policy": _policy(statement)})
    assert len(list(aws_s3.no_public_policy(policy, dev_settings))) == violations


def test_public_policy_message_names_statement_and_actions(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """The message says which statement grants what."""
    statement = {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    policy = subject("aws:s3/bucketPolicy:BucketPolicy", {"policy": _policy(statement)}, name="p")
    assert list(aws_s3.no_public_policy(policy, dev_settings)) == [
        "Bucket policy statement Public of p allows Principal '*' s3:GetObject without an "
        "account, org, network or source condition."
    ]
