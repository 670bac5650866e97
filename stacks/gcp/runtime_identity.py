"""The API function's own service account and every permission it holds, in one place."""

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.accounts import bootstrap_account
from stacks.gcp.apis import child_options

# Cloud SQL names an IAM service-account database user by the account's email
# without this suffix (PostgreSQL limits role names to 63 bytes).
SERVICE_ACCOUNT_EMAIL_SUFFIX = ".gserviceaccount.com"
SQL_ROLES = (
    # cloudsql.instances.connect/get: the connector's ephemeral certificate.
    "roles/cloudsql.client",
    # cloudsql.instances.login: IAM database authentication.
    "roles/cloudsql.instanceUser",
)


@dataclass(frozen=True)
class RuntimeIdentityArgs:
    """The resources the function may use; it gets nothing beyond these."""

    account_id: str
    project: str
    uploads_bucket: pulumi.Input[str]
    # The report function's bucket: the API lists it and signs links to its files.
    reports_bucket: pulumi.Input[str]
    # Secret resource ids (``projects/<p>/secrets/<id>``) by app secret name.
    secret_ids: Mapping[str, pulumi.Input[str]]
    sql_instance_name: pulumi.Input[str]


def sql_instance_condition(project: str, instance: str) -> gcp.projects.IAMMemberConditionArgsDict:
    """An IAM condition limiting a project-level Cloud SQL role to one instance."""
    return {
        "title": f"only-{instance}"[:100],
        "description": "Cloud SQL roles are granted per project; this scopes them to one instance.",
        "expression": (
            'resource.type == "sqladmin.googleapis.com/Instance" && '
            f'resource.name == "projects/{project}/instances/{instance}"'
        ),
    }


def cloud_sql_login(
    name: str,
    *,
    project: str,
    instance_name: pulumi.Input[str],
    member: pulumi.Input[str],
    email: pulumi.Output[str],
    database_roles: list[str],
    child: pulumi.ResourceOptions,
    user_opts: pulumi.ResourceOptions,
) -> pulumi.Output[str]:
    """Let an account log in to one Cloud SQL instance as its IAM database user.

    The connector's roles are project-wide, so each is conditioned on the instance.
    The user is ABANDONed on delete: PostgreSQL refuses to drop a role that owns
    tables, and the user goes with the instance (dev) or stays with the data (prod).
    Returns the database user's name.
    """
    for role in SQL_ROLES:
        gcp.projects.IAMMember(
            f"{name}-{role.rsplit('.', 1)[-1]}",
            project=project,
            role=role,
            member=member,
            condition=pulumi.Output.from_input(instance_name).apply(
                lambda instance: sql_instance_condition(project, instance)
            ),
            opts=child,
        )
    user = gcp.sql.User(
        f"{name}-db-user",
        instance=instance_name,
        name=email.apply(lambda address: address.removesuffix(SERVICE_ACCOUNT_EMAIL_SUFFIX)),
        type="CLOUD_IAM_SERVICE_ACCOUNT",
        database_roles=database_roles,
        deletion_policy="ABANDON",
        opts=user_opts,
    )
    return user.name


class RuntimeIdentity(pulumi.ComponentResource):
    """The API function's dedicated service account, with least-privilege grants.

    The account itself, and its one grant on itself, come from the bootstrap
    (``stacks/bootstrap/gcp_stack_accounts.py``): the deployer may act as it
    but may not create, delete or re-grant service accounts. Here:

    - ``roles/storage.objectUser`` on the uploads bucket only: read, write,
      list and delete objects, but not change the bucket or its IAM policy.
    - ``roles/storage.objectViewer`` on the reports bucket only: get and list
      the report files (``GET /reports``, links), never write them.
    - ``roles/secretmanager.secretAccessor`` on each of its secrets only.
    - ``roles/cloudsql.client`` and ``roles/cloudsql.instanceUser``: project
      roles, conditioned on this stack's instance, plus a database user for
      IAM authentication (no password) that may create the API's tables.

    From the bootstrap: ``roles/iam.serviceAccountTokenCreator`` on itself
    only, for V4 signed URLs through IAM signBlob (a function has no key).
    """

    email: pulumi.Output[str]
    member: pulumi.Output[str]
    db_user: pulumi.Output[str]

    def __init__(
        self, name: str, args: RuntimeIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Look the account up; create its grants and its database user as children."""
        super().__init__("crosscloud:gcp:RuntimeIdentity", name, None, opts)
        child = child_options(self, opts)
        account = bootstrap_account(self, args.account_id, args.project, child)
        self.email = account.email
        self.member = account.member

        gcp.storage.BucketIAMMember(
            f"{name}-uploads-objects",
            bucket=args.uploads_bucket,
            role="roles/storage.objectUser",
            member=self.member,
            opts=child,
        )
        gcp.storage.BucketIAMMember(
            f"{name}-reports-objects",
            bucket=args.reports_bucket,
            role="roles/storage.objectViewer",
            member=self.member,
            opts=child,
        )
        for secret_name, secret_id in sorted(args.secret_ids.items()):
            gcp.secretmanager.SecretIamMember(
                f"{name}-read-{secret_name}",
                secret_id=secret_id,
                role="roles/secretmanager.secretAccessor",
                member=self.member,
                opts=child,
            )
        self.db_user = cloud_sql_login(
            name,
            project=args.project,
            instance_name=args.sql_instance_name,
            member=self.member,
            email=self.email,
            # The API creates its own tables on first use, and PostgreSQL 15+
            # grants CREATE on schema public only to the database owner
            # (cloudsqlsuperuser). The instance holds nothing but this app's data.
            database_roles=["cloudsqlsuperuser"],
            child=child,
            # Its name is the account's: a replacement (a changed type) must let
            # go of the old user before asking for the same name again.
            user_opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self.register_outputs({"email": self.email, "dbUser": self.db_user})
