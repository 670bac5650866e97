"""S3: private, encrypted, versioned, TLS-only buckets.

A bucket's settings live in separate resources (public access block,
encryption, versioning, policy), so most rules here are stack rules that find
those resources for each bucket.
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import documents
from .core import (
    Finding,
    ResourceRule,
    Rule,
    StackCheck,
    StackRule,
    Subject,
    dig,
    is_true,
    items,
    of_types,
)
from .settings import Settings

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCKS = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
ENCRYPTION_CONFIGS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
VERSIONING_CONFIGS = (
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
)
BUCKET_POLICIES = ("aws:s3/bucketPolicy:BucketPolicy",)
ACLS = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
OBJECTS = ("aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2")

BLOCK_SWITCHES = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)
ENCRYPTION_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
PUBLIC_CANNED_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GRANTEE_URIS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)

BucketCheck = Callable[[Subject, list[Subject]], Iterator[str]]


def configs_by_bucket(
    subjects: Sequence[Subject], config_types: Sequence[str]
) -> dict[str, list[Subject]]:
    """Each bucket's URN mapped to its configuration resources of ``config_types``.

    A configuration resource belongs to the bucket it depends on (its
    ``bucket`` input came from the bucket), or else to the bucket whose name
    its ``bucket`` input names.
    """
    buckets = list(of_types(subjects, BUCKETS))
    by_name = {
        str(name): b.urn for b in buckets for name in (b.props.get("bucket"), b.name) if name
    }
    found: dict[str, list[Subject]] = {b.urn: [] for b in buckets}
    for config in of_types(subjects, config_types):
        owners = [urn for urn in config.dependencies if urn in found]
        if not owners and str(config.props.get("bucket")) in by_name:
            owners = [by_name[str(config.props.get("bucket"))]]
        for urn in owners:
            found[urn].append(config)
    return found


def _per_bucket(config_types: Sequence[str], check: BucketCheck) -> StackCheck:
    """A stack check that runs ``check`` on every bucket with its configuration resources."""

    def run(subjects: Sequence[Subject], _settings: Settings) -> Iterator[Finding]:
        """Findings on every bucket of the stack."""
        buckets = {b.urn: b for b in of_types(subjects, BUCKETS)}
        for urn, configs in configs_by_bucket(subjects, config_types).items():
            for message in check(buckets[urn], configs):
                yield Finding(urn, message)

    return run


def _public_access_block(bucket: Subject, blocks: list[Subject]) -> Iterator[str]:
    """The bucket has a public access block, with every switch on."""
    if not blocks:
        yield f"S3 bucket {bucket.name} has no BucketPublicAccessBlock."
    for block in blocks:
        off = [switch for switch in BLOCK_SWITCHES if not is_true(block.props.get(switch))]
        if off:
            yield (
                f"S3 bucket {bucket.name}: public access block {block.name} "
                f"does not turn on {', '.join(off)}."
            )


def _encryption(bucket: Subject, configs: list[Subject]) -> Iterator[str]:
    """The bucket has default encryption, inline or as a configuration resource."""
    inline = dig(
        bucket.props,
        "serverSideEncryptionConfiguration",
        "rule",
        "applyServerSideEncryptionByDefault",
    )
    algorithms = [dig(inline, "sseAlgorithm")] + [
        dig(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
        for config in configs
        for rule in items(config.props.get("rules"))
    ]
    if not any(a in ENCRYPTION_ALGORITHMS for a in algorithms):
        yield (
            f"S3 bucket {bucket.name} has no default encryption "
            f"({' or '.join(ENCRYPTION_ALGORITHMS)})."
        )


def _versioning(bucket: Subject, configs: list[Subject]) -> Iterator[str]:
    """The bucket has versioning Enabled, inline or as a configuration resource."""
    statuses = [dig(c.props, "versioningConfiguration", "status") for c in configs]
    if not is_true(dig(bucket.props, "versioning", "enabled")) and "Enabled" not in statuses:
        yield f"S3 bucket {bucket.name} does not have versioning Enabled."


def denies_insecure_transport(statement: Any) -> bool:
    """A Deny of every S3 action to everyone when ``aws:SecureTransport`` is false."""
    if documents.is_allow(statement) or "*" not in documents.principal_values(statement):
        return False
    if not {"s3:*", "*"} & set(documents.actions(statement)):
        return False
    secure = dig(statement, "Condition", "Bool", "aws:SecureTransport")
    return str(secure).lower() == "false"


def _tls_only(bucket: Subject, policies: list[Subject]) -> Iterator[str]:
    """A policy of the bucket denies requests without TLS."""
    bodies = [bucket.props.get("policy")] + [p.props.get("policy") for p in policies]
    if not any(denies_insecure_transport(s) for b in bodies for s in documents.statements(b)):
        yield (
            f"S3 bucket {bucket.name} has no bucket policy denying s3:* when "
            "aws:SecureTransport is false."
        )


def no_public_acl(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No canned public ACL and no grant to the AllUsers/AuthenticatedUsers groups."""
    if subject.type not in (*BUCKETS, *ACLS, *OBJECTS):
        return
    acl = subject.props.get("acl")
    if acl in PUBLIC_CANNED_ACLS:
        yield f"{subject.name} uses the public canned ACL {acl!r}."
    grants = items(dig(subject.props, "accessControlPolicy", "grants"))
    for grant in grants:
        uri = dig(grant, "grantee", "uri")
        if uri in PUBLIC_GRANTEE_URIS:
            yield f"{subject.name} grants {dig(grant, 'permission')} to {uri}."


def no_public_policy(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No bucket policy statement that allows everyone without a narrowing condition."""
    if subject.type not in (*BUCKETS, *BUCKET_POLICIES):
        return
    for statement in documents.statements(subject.props.get("policy")):
        if documents.is_public_grant(statement):
            sid = statement.get("Sid") or "(no Sid)"
            yield (
                f"Bucket policy statement {sid} of {subject.name} allows Principal '*' "
                f"{', '.join(documents.actions(statement))} without an account, org, "
                "network or source condition."
            )


RULES: tuple[Rule, ...] = (
    StackRule(
        name="s3-public-access-block",
        description="Every S3 bucket has a public access block with all four switches on.",
        remediation=(
            "Add an aws.s3.BucketPublicAccessBlock for the bucket with block_public_acls, "
            "block_public_policy, ignore_public_acls and restrict_public_buckets all True "
            "(SecureBucket does this)."
        ),
        why="A single ACL or policy change cannot make the bucket public.",
        check=_per_bucket(PUBLIC_ACCESS_BLOCKS, _public_access_block),
    ),
    StackRule(
        name="s3-default-encryption",
        description="Every S3 bucket has default server-side encryption (SSE-S3 or SSE-KMS).",
        remediation=(
            "Add an aws.s3.BucketServerSideEncryptionConfiguration with an "
            "apply_server_side_encryption_by_default rule (AES256 or aws:kms)."
        ),
        why="Objects are encrypted at rest whatever the uploader asks for.",
        check=_per_bucket(ENCRYPTION_CONFIGS, _encryption),
    ),
    StackRule(
        name="s3-versioning",
        description="Every S3 bucket has versioning Enabled.",
        remediation="Add an aws.s3.BucketVersioning with versioning_configuration status Enabled.",
        why="Overwritten or deleted objects can be restored.",
        check=_per_bucket(VERSIONING_CONFIGS, _versioning),
    ),
    StackRule(
        name="s3-tls-only",
        description=(
            "Every S3 bucket has a policy denying s3:* to '*' when aws:SecureTransport is false."
        ),
        remediation=(
            "Add an aws.s3.BucketPolicy with a Deny statement for Principal '*', Action "
            "s3:*, Condition Bool aws:SecureTransport false (SecureBucket does this)."
        ),
        why="Data never crosses the network unencrypted (Security Hub S3.5).",
        check=_per_bucket(BUCKET_POLICIES, _tls_only),
    ),
    ResourceRule(
        name="s3-no-public-acl",
        description=(
            "No bucket or object uses a public canned ACL or grants to AllUsers/AuthenticatedUsers."
        ),
        remediation=(
            "Remove the ACL (ownership BucketOwnerEnforced disables ACLs) and share objects "
            "through presigned URLs or an API instead."
        ),
        why="Public ACLs are the classic way buckets leak.",
        check=no_public_acl,
    ),
    ResourceRule(
        name="s3-no-public-policy",
        description=(
            "No bucket policy allows Principal '*' without an account, org, network or source "
            "condition."
        ),
        remediation=(
            "Name the principals (roles, services) or add a condition such as "
            "aws:SourceAccount or aws:PrincipalOrgID."
        ),
        why="A policy open to '*' publishes the bucket to the internet.",
        check=no_public_policy,
    ),
)
