"""Cloud Storage: uniform access, public access prevention, no public IAM or ACLs."""

from collections.abc import Iterator

from .core import ResourceRule, Rule, Subject, is_true
from .gcp_iam import PUBLIC_MEMBERS, grants
from .settings import Settings

BUCKET = "gcp:storage/bucket:Bucket"
STORAGE_ACLS = (
    "gcp:storage/bucketAccessControl:BucketAccessControl",
    "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
    "gcp:storage/objectAccessControl:ObjectAccessControl",
)


def uniform_access(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Buckets use uniform bucket-level access (IAM only, no object ACLs)."""
    if subject.type == BUCKET and not is_true(subject.props.get("uniformBucketLevelAccess")):
        yield f"GCS bucket {subject.name} does not set uniformBucketLevelAccess: true."


def public_access_prevention(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Buckets enforce public access prevention."""
    if subject.type == BUCKET and subject.props.get("publicAccessPrevention") != "enforced":
        got = subject.props.get("publicAccessPrevention") or "unset (inherited)"
        yield f"GCS bucket {subject.name} has publicAccessPrevention {got}, not enforced."


def no_public_bucket_iam(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No bucket IAM grant or ACL to allUsers or allAuthenticatedUsers."""
    if subject.type.startswith("gcp:storage/"):
        for role, member in grants(subject):
            if member in PUBLIC_MEMBERS:
                yield f"{subject.name} grants {role} on a bucket to {member}."
    if subject.type in STORAGE_ACLS and subject.props.get("entity") in PUBLIC_MEMBERS:
        yield f"{subject.name} gives {subject.props.get('entity')} a storage ACL entry."


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="gcs-uniform-bucket-level-access",
        description="Every GCS bucket has uniform bucket-level access on.",
        remediation="Set uniform_bucket_level_access=True on the gcp.storage.Bucket.",
        why="Access is decided by IAM alone; no per-object ACL can open an object.",
        check=uniform_access,
    ),
    ResourceRule(
        name="gcs-public-access-prevention",
        description="Every GCS bucket has public_access_prevention 'enforced'.",
        remediation="Set public_access_prevention='enforced' on the gcp.storage.Bucket.",
        why="No IAM grant or ACL can make the bucket public, even by mistake.",
        check=public_access_prevention,
    ),
    ResourceRule(
        name="gcs-no-public-iam",
        description=(
            "No bucket IAM member/binding/policy or ACL names allUsers or allAuthenticatedUsers."
        ),
        remediation="Grant named members, or serve objects through signed URLs or the API.",
        why="allUsers/allAuthenticatedUsers publish the bucket to the internet.",
        check=no_public_bucket_iam,
    ),
)
