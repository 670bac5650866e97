"""An S3 bucket with the defaults a caller cannot forget."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.aws.iam import Statement, deny_insecure_transport, policy_document


@dataclass(frozen=True)
class LogDelivery:
    """S3 server access logs this bucket receives: from which buckets, under which prefix.

    Delivery is policy-based ("Permissions for log delivery", S3 user guide):
    with BucketOwnerEnforced no ACL grant to the log-delivery group is possible.
    """

    account_id: pulumi.Input[str]
    source_bucket_arns: Sequence[pulumi.Input[str]]
    # Every source writes under this prefix (each in its own sub-prefix).
    prefix: str


@dataclass(frozen=True)
class SecureBucketArgs:
    """What may differ between buckets; everything else is fixed secure behaviour."""

    # Days a replaced or deleted object version is kept before expiring.
    noncurrent_version_days: int = 30
    # Browser origins that may GET/PUT objects directly (presigned URLs); none by default.
    cors_origins: Sequence[str] = field(default_factory=tuple)
    # Dev buckets may be emptied by `pulumi destroy`; prod buckets never.
    force_destroy: bool = False
    # KMS key for SSE-KMS; SSE-S3 (AES256) when not given.
    kms_key_arn: pulumi.Input[str] | None = None
    # Days after which current objects expire; never when not given.
    expiration_days: int | None = None
    # A log bucket: the S3 logging service may put access logs from these sources.
    log_delivery: LogDelivery | None = None
    # Prod: Pulumi refuses to delete or replace the bucket itself (its
    # settings, policies and alarms stay free to change).
    protect: bool = False


class SecureBucket(pulumi.ComponentResource):
    """Private, encrypted, versioned, TLS-only S3 bucket with lifecycle clean-up.

    Public access is blocked at all four switches, ACLs are disabled
    (bucket-owner-enforced), and the bucket policy denies any request not
    made over TLS.
    """

    bucket: aws.s3.Bucket
    policy: aws.s3.BucketPolicy
    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(
        self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the bucket and its configuration resources as children."""
        super().__init__("crosscloud:aws:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.bucket = aws.s3.Bucket(
            name,
            force_destroy=args.force_destroy,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        bucket_id = self.bucket.id

        # Both the account-level and bucket-level public switches: nothing in
        # this bucket can be made public by an ACL or a policy.
        access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child,
        )
        encryption_rule: aws.s3.BucketServerSideEncryptionConfigurationRuleArgsDict = {
            "apply_server_side_encryption_by_default": (
                {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn}
                if args.kms_key_arn is not None
                else {"sse_algorithm": "AES256"}
            ),
            # S3 Bucket Keys cut KMS request costs; harmless with SSE-S3.
            "bucket_key_enabled": True,
        }
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket_id, rules=[encryption_rule], opts=child
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            rules=[
                {
                    "id": "abort-incomplete-multipart-uploads",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                },
                {
                    "id": "expire-noncurrent-versions",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "noncurrent_version_expiration": {
                        "noncurrent_days": args.noncurrent_version_days
                    },
                },
                *(
                    [
                        {
                            "id": "expire-objects",
                            "status": "Enabled",
                            "filter": {"prefix": ""},
                            "expiration": {"days": args.expiration_days},
                        }
                    ]
                    if args.expiration_days is not None
                    else []
                ),
            ],
            # Lifecycle rules on a bucket require versioning to be settled first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        statements = [
            deny_insecure_transport(
                ["s3:*"], [self.bucket.arn, self.bucket.arn.apply(lambda a: f"{a}/*")]
            )
        ]
        if args.log_delivery is not None:
            statements.append(_log_delivery_statement(self.bucket.arn, args.log_delivery))
        self.policy = aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket_id,
            policy=policy_document(statements),
            # A policy put before the public access block could be judged public.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access_block]),
        )
        if args.cors_origins:
            aws.s3.BucketCorsConfiguration(
                f"{name}-cors",
                bucket=bucket_id,
                cors_rules=[
                    {
                        "allowed_methods": ["GET", "PUT", "HEAD"],
                        "allowed_origins": list(args.cors_origins),
                        "allowed_headers": ["content-type", "content-md5"],
                        "expose_headers": ["etag"],
                        "max_age_seconds": 3600,
                    }
                ],
                opts=child,
            )

        self.arn = self.bucket.arn
        self.name = self.bucket.bucket
        self.register_outputs({"arn": self.arn, "name": self.name})


def _log_delivery_statement(bucket_arn: pulumi.Output[str], delivery: LogDelivery) -> Statement:
    """The S3 user guide's log-delivery grant: the logging service, for these sources only.

    ``s3:PutObject`` under the log prefix only, and only when the request is
    made for one of the source buckets of this account (``aws:SourceArn``,
    ``aws:SourceAccount``), so no other bucket can log into this one.
    """
    return Statement(
        sid="S3ServerAccessLogsPolicy",
        principal={"Service": "logging.s3.amazonaws.com"},
        actions=["s3:PutObject"],
        resources=[bucket_arn.apply(lambda arn: f"{arn}/{delivery.prefix}*")],
        conditions={
            "ArnLike": {"aws:SourceArn": list(delivery.source_bucket_arns)},
            "StringEquals": {"aws:SourceAccount": delivery.account_id},
        },
    )
