"""A Cloud Storage bucket with the defaults a caller cannot forget."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.apis import child_options

# Days after which an unfinished multipart (XML API) upload is abandoned.
ABORT_INCOMPLETE_UPLOAD_DAYS = 7


@dataclass(frozen=True)
class SecureBucketArgs:
    """What may differ between buckets; everything else is fixed secure behaviour."""

    # A region such as europe-west1: data stays beside the function that uses it.
    location: str
    # Days a replaced or deleted object version is kept before it is deleted.
    noncurrent_version_days: int = 30
    # Browser origins that may GET/PUT objects directly (signed URLs); none by default.
    cors_origins: Sequence[str] = field(default_factory=tuple)
    # Dev buckets may be emptied by `pulumi destroy`; prod buckets never.
    force_destroy: bool = False
    # Prod: Pulumi refuses to delete or replace the bucket itself (its
    # settings, policies and alarms stay free to change).
    protect: bool = False


class SecureBucket(pulumi.ComponentResource):
    """Private, versioned GCS bucket: IAM-only access, public access prevented, old versions expire.

    Uniform bucket-level access turns object ACLs off, so IAM bindings on the
    bucket are the only way in; public access prevention makes even an
    ``allUsers`` binding fail.
    """

    bucket: gcp.storage.Bucket
    name: pulumi.Output[str]
    url: pulumi.Output[str]

    def __init__(
        self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the bucket as a child of this component."""
        super().__init__("crosscloud:gcp:SecureBucket", name, None, opts)
        lifecycle_rules: list[gcp.storage.BucketLifecycleRuleArgsDict] = [
            {
                "action": {"type": "Delete"},
                "condition": {"days_since_noncurrent_time": args.noncurrent_version_days},
            },
            {
                "action": {"type": "AbortIncompleteMultipartUpload"},
                "condition": {"age": ABORT_INCOMPLETE_UPLOAD_DAYS},
            },
        ]
        cors: list[gcp.storage.BucketCorArgsDict] = (
            [
                {
                    "origins": list(args.cors_origins),
                    "methods": ["GET", "PUT", "HEAD"],
                    "response_headers": ["Content-Type", "Content-MD5", "ETag"],
                    "max_age_seconds": 3600,
                }
            ]
            if args.cors_origins
            else []
        )
        self.bucket = gcp.storage.Bucket(
            name,
            location=args.location.upper(),
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning={"enabled": True},
            lifecycle_rules=lifecycle_rules,
            cors=cors,
            force_destroy=args.force_destroy,
            opts=child_options(self, opts, protect=args.protect),
        )
        self.name = self.bucket.name
        self.url = self.bucket.url
        self.register_outputs({"name": self.name, "url": self.url})
