"""The report function's own service account and every permission it holds, in one place."""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.accounts import bootstrap_account
from stacks.gcp.apis import child_options
from stacks.gcp.runtime_identity import cloud_sql_login

# storage.buckets.get and storage.objects.list: a listing carries every object's
# size, content type and update time, which is all the report reads. The
# "legacy" bucket roles stay grantable under uniform bucket-level access (only
# the legacy *object* roles are refused); no other predefined role lists
# without also reading object bytes (roles/storage.objectViewer).
LIST_UPLOADS = "roles/storage.legacyBucketReader"
# Create, overwrite (which is delete + create in GCS), list and read the report
# files; the V4 links are signed as this account, so they serve only what it may read.
WRITE_REPORTS = "roles/storage.objectUser"
PUBLISH = "roles/pubsub.publisher"
# PostgreSQL 14+'s predefined read-only role: SELECT on every table, no writes,
# no DDL. The channels table belongs to the API's user; the report only counts it.
READ_ALL_DATA = "pg_read_all_data"


@dataclass(frozen=True)
class ReportIdentityArgs:
    """The resources the report function may use; it gets nothing beyond these."""

    account_id: str
    project: str
    uploads_bucket: pulumi.Input[str]
    reports_bucket: pulumi.Input[str]
    # ``projects/<p>/topics/<t>``
    topic: pulumi.Input[str]
    sql_instance_name: pulumi.Input[str]


class ReportIdentity(pulumi.ComponentResource):
    """The report function's dedicated service account, with least-privilege grants.

    The account, and its one grant on itself (``roles/iam.serviceAccountTokenCreator``:
    signBlob for V4 links, as itself only), come from the bootstrap
    (``stacks/bootstrap/gcp_stack_accounts.py``). Here:

    - the uploads bucket: list objects and their metadata, never their bytes;
    - the reports bucket: its objects only, not the bucket or its IAM policy;
    - its topic: publish, nothing else;
    - Cloud SQL: connect and log in (project roles conditioned on this
      stack's instance), as an IAM database user that may only read.
    """

    email: pulumi.Output[str]
    member: pulumi.Output[str]
    db_user: pulumi.Output[str]

    def __init__(
        self, name: str, args: ReportIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Look the account up; create its grants and its database user as children."""
        super().__init__("crosscloud:gcp:ReportIdentity", name, None, opts)
        child = child_options(self, opts)
        account = bootstrap_account(self, args.account_id, args.project, child)
        self.email = account.email
        self.member = account.member

        gcp.storage.BucketIAMMember(
            f"{name}-list-uploads",
            bucket=args.uploads_bucket,
            role=LIST_UPLOADS,
            member=self.member,
            opts=child,
        )
        gcp.storage.BucketIAMMember(
            f"{name}-report-objects",
            bucket=args.reports_bucket,
            role=WRITE_REPORTS,
            member=self.member,
            opts=child,
        )
        gcp.pubsub.TopicIAMMember(
            f"{name}-publish",
            topic=args.topic,
            role=PUBLISH,
            member=self.member,
            opts=child,
        )
        self.db_user = cloud_sql_login(
            name,
            project=args.project,
            instance_name=args.sql_instance_name,
            member=self.member,
            email=self.email,
            database_roles=[READ_ALL_DATA],
            child=child,
            # It owns nothing, but goes with the instance like the API's user.
            user_opts=child_options(self, opts, delete_before_replace=True),
        )
        self.register_outputs({"email": self.email, "dbUser": self.db_user})
