"""S3 server access logs: every request to the data buckets, kept in a log bucket of the stack."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.bucket import LogDelivery, SecureBucket, SecureBucketArgs

# Every source logs under "s3-access/<key>/"; the log bucket's policy admits
# the logging service under "s3-access/" only.
PREFIX = "s3-access/"


@dataclass(frozen=True)
class LoggedBucket:
    """A bucket whose requests are logged, and the sub-prefix its logs go under."""

    key: str
    name: pulumi.Input[str]
    arn: pulumi.Input[str]


@dataclass(frozen=True)
class AccessLogsArgs:
    """Which buckets to log, for how long, and whether the log bucket is protected."""

    sources: Sequence[LoggedBucket]
    account_id: pulumi.Input[str]
    # Days a log object is kept (lifecycle expiration); any whole number S3 accepts.
    retention_days: int
    force_destroy: bool = False
    # Prod: Pulumi refuses to delete or replace the log bucket itself.
    protect: bool = False


class AccessLogs(pulumi.ComponentResource):
    """A log bucket with SecureBucket's defaults, and server access logging on each source.

    The log bucket uses SSE-S3: S3 server access logs cannot be delivered to a
    bucket whose default encryption is SSE-KMS (S3 user guide, "Enabling Amazon
    S3 server access logging"). It does not log its own requests, which would
    log the log deliveries themselves without end.
    """

    def __init__(
        self, name: str, args: AccessLogsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the log bucket, then point each source bucket's logging at it."""
        super().__init__("crosscloud:aws:AccessLogs", name, None, opts)

        self.bucket = SecureBucket(
            name,
            SecureBucketArgs(
                force_destroy=args.force_destroy,
                noncurrent_version_days=7,
                expiration_days=args.retention_days,
                log_delivery=LogDelivery(
                    account_id=args.account_id,
                    source_bucket_arns=[source.arn for source in args.sources],
                    prefix=PREFIX,
                ),
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for source in args.sources:
            aws.s3.BucketLogging(
                f"{name}-{source.key}",
                bucket=source.name,
                target_bucket=self.bucket.name,
                target_prefix=f"{PREFIX}{source.key}/",
                # Delivery starts at once: the policy that admits it must be in place.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.bucket.policy]),
            )

        self.name = self.bucket.name
        self.arn = self.bucket.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
