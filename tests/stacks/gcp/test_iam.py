"""The runtime service account's grants: each named role, on this stack's resources only."""

from collections import Counter

from tooling.synth import Resource, SynthResult

PRIMITIVE_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
IAM_TYPES = (
    "gcp:projects/iAMMember:IAMMember",
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:secretmanager/secretIamMember:SecretIamMember",
)


def _grants(result: SynthResult) -> list[Resource]:
    """Every IAM binding naming the runtime service account."""
    member = result.one("gcp:serviceaccount/account:Account").state["member"]
    grants = [r for t in IAM_TYPES for r in result.of_type(t)]
    assert {g.inputs["member"] for g in grants} == {member}
    return grants


def test_roles_are_exactly_the_needed_ones(stack: SynthResult) -> None:
    """Signing, object access, one accessor per secret and the two Cloud SQL roles; no more."""
    roles = Counter(g.inputs["role"] for g in _grants(stack))
    assert roles == Counter(
        {
            "roles/iam.serviceAccountTokenCreator": 1,
            "roles/storage.objectUser": 1,
            "roles/secretmanager.secretAccessor": len(
                stack.of_type("gcp:secretmanager/secret:Secret")
            ),
            "roles/cloudsql.client": 1,
            "roles/cloudsql.instanceUser": 1,
        }
    )
    assert not PRIMITIVE_ROLES & set(roles)
    assert all(not role.endswith(("Admin", ".admin")) for role in roles)


def test_token_creator_only_on_itself(stack: SynthResult) -> None:
    """signBlob for V4 signed URLs: the account may sign as itself, and as nobody else."""
    account = stack.one("gcp:serviceaccount/account:Account")
    (grant,) = stack.of_type("gcp:serviceaccount/iAMMember:IAMMember")
    assert grant.inputs["serviceAccountId"] == account.state["name"]
    assert grant.inputs["role"] == "roles/iam.serviceAccountTokenCreator"


def test_object_access_only_on_the_uploads_bucket(stack: SynthResult) -> None:
    """Read/write on uploads; nothing on the source bucket."""
    uploads = stack.one("gcp:storage/bucket:Bucket", f"crosscloud-{stack.stack}-uploads")
    (grant,) = stack.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
    assert grant.inputs["bucket"] == uploads.state["name"]


def test_cloud_sql_roles_are_conditioned_on_this_instance(stack: SynthResult) -> None:
    """Project-level Cloud SQL roles carry a condition naming this stack's instance only."""
    instance = stack.one("gcp:sql/databaseInstance:DatabaseInstance")
    project = stack.config["gcp:project"]
    grants = stack.of_type("gcp:projects/iAMMember:IAMMember")
    assert len(grants) == 2
    for grant in grants:
        assert grant.inputs["project"] == project
        expression = grant.inputs["condition"]["expression"]
        assert expression == (
            'resource.type == "sqladmin.googleapis.com/Instance" && '
            f'resource.name == "projects/{project}/instances/{instance.state["name"]}"'
        )


def test_database_user_is_the_service_account(stack: SynthResult) -> None:
    """IAM database authentication: the user is the account's email without the domain suffix."""
    account = stack.one("gcp:serviceaccount/account:Account")
    user = stack.one("gcp:sql/user:User")
    assert user.inputs["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
    assert user.inputs["name"] == account.state["email"].removesuffix(".gserviceaccount.com")
    assert (
        user.inputs["instance"]
        == stack.one("gcp:sql/databaseInstance:DatabaseInstance").state["name"]
    )
    assert "password" not in user.inputs
    # It creates the API's tables itself (schema public is the owner's on PostgreSQL 15+).
    assert user.inputs["databaseRoles"] == ["cloudsqlsuperuser"]
