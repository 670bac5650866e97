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
