"""Cloud Storage: uniform access, public access prevention, no public IAM or ACLs, records."""

from collections.abc import Iterator, Sequence

from .core import Finding, ResourceRule, Rule, StackRule, Subject, dig, is_true, items, of_types
from .gcp_iam import PUBLIC_MEMBERS, grants
from .settings import Settings

BUCKET = "gcp:storage/bucket:Bucket"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
# An audit config for either of these covers Cloud Storage.
STORAGE_AUDIT_SERVICES = ("storage.googleapis.com", "allServices")
DATA_ACCESS_LOG_TYPES = ("DATA_READ", "DATA_WRITE")
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


def _audited_log_types(subjects: Sequence[Subject]) -> set[str]:
    """The Data Access log types the stack's audit configs turn on for Cloud Storage."""
    return {
        str(dig(config, "logType"))
        for audit in of_types(subjects, (AUDIT_CONFIG,))
        if audit.props.get("service") in STORAGE_AUDIT_SERVICES
        for config in items(audit.props.get("auditLogConfigs"))
    }


def access_records(subjects: Sequence[Subject], _settings: Settings) -> Iterator[Finding]:
    """Every bucket's object reads and writes are recorded: audit logs, or usage logs."""
    missing = [t for t in DATA_ACCESS_LOG_TYPES if t not in _audited_log_types(subjects)]
    if not missing:
        return
    for bucket in of_types(subjects, (BUCKET,)):
        if not dig(bucket.props, "logging", "logBucket"):
            yield Finding(
                bucket.urn,
                f"GCS bucket {bucket.name}: no record of object access (no IAMAuditConfig "
                f"for storage.googleapis.com with {', '.join(missing)}, no usage logs).",
            )


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
    StackRule(
        name="gcs-access-records",
        description=(
            "Every GCS bucket's object reads and writes are recorded: Data Access audit logs "
            "(DATA_READ and DATA_WRITE) for storage.googleapis.com, or usage logs to a log bucket."
        ),
        remediation=(
            "Add a gcp.projects.IAMAuditConfig for storage.googleapis.com with DATA_READ and "
            "DATA_WRITE (stacks/gcp/storage_audit.py), or set logging.log_bucket on the bucket."
        ),
        why="Without it nobody can say who read or changed which object.",
        check=access_records,
    ),
)
