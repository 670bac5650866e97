"""The runtime and build accounts' grants: each named role, on this stack's resources only."""

from collections import Counter
from collections.abc import Callable

from tooling.synth import Resource, SynthResult

PRIMITIVE_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
IAM_TYPES = (
    "gcp:projects/iAMMember:IAMMember",
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:secretmanager/secretIamMember:SecretIamMember",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    "gcp:pubsub/topicIAMMember:TopicIAMMember",
)
AccountEmail = Callable[[SynthResult, str], str]


def _grants(result: SynthResult, email: str) -> list[Resource]:
    """Every IAM binding naming this service account."""
    return [
        r
        for t in IAM_TYPES
        for r in result.of_type(t)
        if r.inputs["member"] == f"serviceAccount:{email}"
    ]


def test_every_grant_goes_to_the_runtime_or_build_account(
    stack: SynthResult, account_email: AccountEmail
) -> None:
    """The stack grants nothing to anyone but its own function and build accounts."""
    members = {f"serviceAccount:{account_email(stack, kind)}" for kind in ("api", "build", "rpt")}
    grants = [r for t in IAM_TYPES for r in stack.of_type(t)]
    assert {g.inputs["member"] for g in grants} == members


def test_roles_are_exactly_the_needed_ones(stack: SynthResult, account_email: AccountEmail) -> None:
    """Object access, one accessor per secret and the two Cloud SQL roles; no more.

    Signing as itself (signBlob) is granted by the bootstrap, which owns the account.
    """
    roles = Counter(g.inputs["role"] for g in _grants(stack, account_email(stack, "api")))
    assert roles == Counter(
        {
            "roles/storage.objectUser": 1,
            "roles/storage.objectViewer": 1,
            "roles/secretmanager.secretAccessor": len(
                stack.of_type("gcp:secretmanager/secret:Secret")
            ),
            "roles/cloudsql.client": 1,
            "roles/cloudsql.instanceUser": 1,
        }
    )
    assert not PRIMITIVE_ROLES & set(roles)
    assert all(not role.endswith(("Admin", ".admin")) for role in roles)


def test_build_account_reads_source_pushes_images_writes_logs(
    stack: SynthResult, account_email: AccountEmail
) -> None:
    """The build account reads the source (ours and the staging copy), pushes, writes logs."""
    grants = {
        (g.type.rsplit(":", 1)[-1], g.inputs["role"]): g
        for g in _grants(stack, account_email(stack, "build"))
    }
    assert set(grants) == {
        ("BucketIAMMember", "roles/storage.objectViewer"),
        ("IAMMember", "roles/storage.objectViewer"),
        ("RepositoryIamMember", "roles/artifactregistry.writer"),
        ("IAMMember", "roles/logging.logWriter"),
    }
    # The build downloads from Cloud Functions' gcf-v2-sources-* buckets, and only those.
    staged = grants[("IAMMember", "roles/storage.objectViewer")]
    assert staged.inputs["condition"]["expression"] == (
        'resource.name.startsWith("projects/_/buckets/gcf-v2-sources-")'
    )
    source = stack.one("gcp:storage/bucket:Bucket", f"crosscloud-{stack.stack}-source")
    assert (
        grants[("BucketIAMMember", "roles/storage.objectViewer")].inputs["bucket"]
        == (source.state["name"])
    )
    repository = stack.one("gcp:artifactregistry/repository:Repository")
    writer = grants[("RepositoryIamMember", "roles/artifactregistry.writer")]
    assert (writer.inputs["repository"], writer.inputs["location"]) == (
        repository.state["name"],
        stack.config["gcp:region"],
    )
    logs = grants[("IAMMember", "roles/logging.logWriter")]
    assert logs.inputs["project"] == stack.config["gcp:project"]


def test_no_service_account_is_created_or_re_granted(stack: SynthResult) -> None:
    """Accounts and the grants on them are the bootstrap's; the deployer may not manage them."""
    assert not stack.of_type("gcp:serviceaccount/account:Account")
    assert not stack.of_type("gcp:serviceaccount/iAMMember:IAMMember")


def test_object_access_only_on_the_uploads_and_reports_buckets(
    stack: SynthResult, account_email: AccountEmail
) -> None:
    """Read/write on uploads, read-only on reports (GET /reports, links); nothing on source."""
    uploads = stack.one("gcp:storage/bucket:Bucket", f"crosscloud-{stack.stack}-uploads")
    reports = stack.one("gcp:storage/bucket:Bucket", f"crosscloud-{stack.stack}-reports")
    member = f"serviceAccount:{account_email(stack, 'api')}"
    grants = {
        g.inputs["bucket"]: g.inputs["role"]
        for g in stack.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
        if g.inputs["member"] == member
    }
    assert grants == {
        uploads.state["name"]: "roles/storage.objectUser",
        reports.state["name"]: "roles/storage.objectViewer",
    }


def test_cloud_sql_roles_are_conditioned_on_this_instance(stack: SynthResult) -> None:
    """Project-level Cloud SQL roles carry a condition naming this stack's instance only."""
    instance = stack.one("gcp:sql/databaseInstance:DatabaseInstance")
    project = stack.config["gcp:project"]
    grants = [
        g
        for g in stack.of_type("gcp:projects/iAMMember:IAMMember")
        if g.inputs["role"].startswith("roles/cloudsql.")
    ]
    # client and instanceUser, for the API's account and the report's.
    assert len(grants) == 4
    for grant in grants:
        assert grant.inputs["project"] == project
        expression = grant.inputs["condition"]["expression"]
        assert expression == (
            'resource.type == "sqladmin.googleapis.com/Instance" && '
            f'resource.name == "projects/{project}/instances/{instance.state["name"]}"'
        )


def test_database_user_is_the_service_account(
    stack: SynthResult, account_email: AccountEmail
) -> None:
    """IAM database authentication: the user is the account's email without the domain suffix."""
    user = stack.one("gcp:sql/user:User", f"crosscloud-{stack.stack}-api-db-user")
    assert user.inputs["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
    assert user.inputs["name"] == account_email(stack, "api").removesuffix(".gserviceaccount.com")
    assert (
        user.inputs["instance"]
        == stack.one("gcp:sql/databaseInstance:DatabaseInstance").state["name"]
    )
    assert "password" not in user.inputs
    # It creates the API's tables itself (schema public is the owner's on PostgreSQL 15+).
    assert user.inputs["databaseRoles"] == ["cloudsqlsuperuser"]
