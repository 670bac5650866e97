"""GCS rules: uniform access, public access prevention, no public IAM or ACLs."""

from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import gcs
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
SECURE = {"uniformBucketLevelAccess": True, "publicAccessPrevention": "enforced"}


def test_secure_bucket_passes(subject: MakeSubject, dev_settings: Settings) -> None:
    """A bucket with uniform access and enforced prevention passes both bucket rules."""
    bucket = subject(gcs.BUCKET, SECURE)
    assert list(gcs.uniform_access(bucket, dev_settings)) == []
    assert list(gcs.public_access_prevention(bucket, dev_settings)) == []


def test_bucket_without_uniform_access_fails(subject: MakeSubject, dev_settings: Settings) -> None:
    """Leaving uniform bucket-level access off (or unset) fails."""
    bucket = subject(gcs.BUCKET, {**SECURE, "uniformBucketLevelAccess": False}, name="b")
    assert list(gcs.uniform_access(bucket, dev_settings)) == [
        "GCS bucket b does not set uniformBucketLevelAccess: true."
    ]


@pytest.mark.parametrize(
    ("value", "shown"), [("inherited", "inherited"), (None, "unset (inherited)")]
)
def test_bucket_without_enforced_prevention_fails(
    value: str | None, shown: str, subject: MakeSubject, dev_settings: Settings
) -> None:
    """Only 'enforced' passes."""
    bucket = subject(gcs.BUCKET, {**SECURE, "publicAccessPrevention": value}, name="b")
    assert list(gcs.public_access_prevention(bucket, dev_settings)) == [
        f"GCS bucket b has publicAccessPrevention {shown}, not enforced."
    ]


@pytest.mark.parametrize(
    ("type_", "props", "violations"),
    [
        (
            "gcp:storage/bucketIAMMember:BucketIAMMember",
            {
                "role": "roles/storage.objectViewer",
                "member": "serviceAccount:a@p.iam.gserviceaccount.com",
            },
            0,
        ),
        (
            "gcp:storage/bucketIAMMember:BucketIAMMember",
            {"role": "roles/storage.objectViewer", "member": "allUsers"},
            1,
        ),
        (
            "gcp:storage/bucketIAMBinding:BucketIAMBinding",
            {
                "role": "roles/storage.objectViewer",
                "members": ["user:a@b.c", "allAuthenticatedUsers"],
            },
            1,
        ),
        (
            "gcp:storage/bucketAccessControl:BucketAccessControl",
            {"entity": "allUsers", "role": "READER"},
            1,
        ),
        (
            "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
            {"entity": "user-a@b.c"},
            0,
        ),
    ],
)
def test_no_public_bucket_iam(
    type_: str, props: dict[str, Any], violations: int, subject: MakeSubject, dev_settings: Settings
) -> None:
    """Grants and ACL entries to allUsers/allAuthenticatedUsers fail; named members pass."""
    assert len(list(gcs.no_public_bucket_iam(subject(type_, props), dev_settings))) == violations


def audit_config(
    subject: MakeSubject, log_types: tuple[str, ...], service: str = "storage.googleapis.com"
) -> Subject:
    """An IAMAuditConfig turning on ``log_types`` for ``service``."""
    configs = [{"logType": t} for t in log_types]
    return subject(gcs.AUDIT_CONFIG, {"service": service, "auditLogConfigs": configs}, name="a")


def record_messages(subjects: list[Subject], settings: Settings) -> list[str]:
    """The gcs-access-records stack rule's messages."""
    return [finding.message for finding in gcs.access_records(subjects, settings)]


@pytest.mark.parametrize("service", ["storage.googleapis.com", "allServices"])
def test_buckets_with_data_access_audit_logs_pass(
    service: str, subject: MakeSubject, dev_settings: Settings
) -> None:
    """DATA_READ and DATA_WRITE for Cloud Storage (or all services) record every bucket."""
    subjects = [
        subject(gcs.BUCKET, SECURE, name="b"),
        audit_config(subject, ("DATA_READ", "DATA_WRITE"), service),
    ]
    assert record_messages(subjects, dev_settings) == []


def test_bucket_with_usage_logs_passes(subject: MakeSubject, dev_settings: Settings) -> None:
    """Usage logs to a log bucket are the other accepted record."""
    bucket = subject(gcs.BUCKET, {**SECURE, "logging": {"logBucket": "logs"}}, name="b")
    assert record_messages([bucket], dev_settings) == []


@pytest.mark.parametrize(
    ("others", "missing"),
    [
        ([], "DATA_READ, DATA_WRITE"),
        ([("DATA_WRITE",)], "DATA_READ"),
        ([("DATA_READ",), ("DATA_WRITE",)], ""),
    ],
)
def test_bucket_without_a_record_of_access_fails(
    others: list[tuple[str, ...]], missing: str, subject: MakeSubject, dev_settings: Settings
) -> None:
    """Each bucket is reported, naming the log types no audit config turns on."""
    subjects = [subject(gcs.BUCKET, SECURE, name="b")]
    subjects += [audit_config(subject, types) for types in others]
    expected = (
        [
            "GCS bucket b: no record of object access (no IAMAuditConfig for "
            f"storage.googleapis.com with {missing}, no usage logs)."
        ]
        if missing
        else []
    )
    assert record_messages(subjects, dev_settings) == expected


def test_audit_config_for_another_service_does_not_count(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Data Access logs of Cloud SQL say nothing about objects."""
    subjects = [
        subject(gcs.BUCKET, SECURE, name="b"),
        audit_config(subject, ("DATA_READ", "DATA_WRITE"), "sqladmin.googleapis.com"),
    ]
    assert len(record_messages(subjects, dev_settings)) == 1
