"""What the CI service accounts may do on Google Cloud, as predefined roles.

Preview gets viewer roles (metadata, never secret payloads or object data);
deploy gets the admin role of each service the stacks use, by pulumi-gcp
module, so a test can prove every resource type the stacks register is covered.
Neither holds any service-account role on the project: the stacks' accounts
are the bootstrap's (``gcp_stack_accounts.py``), and the deployer may act as
those two accounts only.
"""

from collections.abc import Mapping

PREVIEW_ROLES: tuple[str, ...] = (
    # resourcemanager.projects.get, for the getProject invoke.
    "roles/browser",
    # artifactregistry.repositories.get for refresh; there is no narrower
    # predefined role, and the images hold the code the repository already has.
    "roles/artifactregistry.reader",
    "roles/cloudfunctions.viewer",
    "roles/cloudscheduler.viewer",
    "roles/cloudsql.viewer",
    # Reads IAM policies, so refresh sees bindings; grants nothing.
    "roles/iam.securityReviewer",
    "roles/iam.serviceAccountViewer",
    "roles/monitoring.viewer",
    # Topic metadata and IAM policy; never messages (there is no pull here).
    "roles/pubsub.viewer",
    "roles/run.viewer",
    "roles/secretmanager.viewer",
    # serviceusage.services.get/list: whether the stack's APIs are on.
    "roles/serviceusage.serviceUsageViewer",
    "roles/storage.bucketViewer",
)

# pulumi-gcp module -> roles `pulumi up` needs for its resource types.
DEPLOY_ROLES_BY_MODULE: Mapping[str, tuple[str, ...]] = {
    # Create the stack's image repository and grant the build account on it.
    "artifactregistry": ("roles/artifactregistry.admin",),
    # Deploying as the runtime and build accounts also needs actAs on each,
    # granted per account by the bootstrap (gcp_stack_accounts.py).
    "cloudfunctionsv2": ("roles/cloudfunctions.developer",),
    "cloudrunv2": ("roles/run.admin",),
    # The report's job; its OIDC token names the scheduler account, which needs
    # actAs on that account (granted per account by the bootstrap).
    "cloudscheduler": ("roles/cloudscheduler.admin",),
    "monitoring": ("roles/monitoring.editor",),
    # Project IAM bindings (conditioned below), the Cloud Storage audit config
    # (gcp:projects/iAMAuditConfig, stacks/gcp/storage_audit.py) and API
    # enablement (gcp:projects/service:Service). An audit config is written by
    # the same projects.setIamPolicy call and grants no role, so
    # modifiedGrantsByRole is empty and the condition admits it; no narrower
    # role or condition separates audit configs from bindings (a residual
    # risk: the deployer could also turn Data Access logs off). Service Usage
    # has no enable-only predefined role; its disable reaches only these projects.
    "projects": ("roles/resourcemanager.projectIamAdmin", "roles/serviceusage.serviceUsageAdmin"),
    # The report topic and its one publisher binding (topics.setIamPolicy is
    # only in pubsub.admin; pubsub.editor cannot grant).
    "pubsub": ("roles/pubsub.admin",),
    "secretmanager": ("roles/secretmanager.admin",),
    "sql": ("roles/cloudsql.admin",),
    "storage": ("roles/storage.admin",),
}
# resourcemanager.projects.get, which the provider calls to read enabled APIs back.
DEPLOY_BASE_ROLES: tuple[str, ...] = ("roles/browser",)

# Project IAM admin could grant anything, owner included; IAM conditions limit
# which roles the deployer may grant to those the stacks grant.
GRANTABLE_PROJECT_ROLES: tuple[str, ...] = (
    "roles/cloudsql.client",
    "roles/cloudsql.instanceUser",
    # The build account's log writing and its reads of Cloud Functions' staging
    # buckets (stacks/gcp/build_identity.py).
    "roles/logging.logWriter",
    "roles/storage.objectViewer",
)
PROJECT_IAM_ADMIN = "roles/resourcemanager.projectIamAdmin"


def deploy_roles() -> tuple[str, ...]:
    """Every role the deploy service account holds in each target project, sorted."""
    roles = set(DEPLOY_BASE_ROLES)
    for module_roles in DEPLOY_ROLES_BY_MODULE.values():
        roles.update(module_roles)
    return tuple(sorted(roles))


def grant_limit_expression() -> str:
    """CEL limiting project IAM changes to the grantable roles."""
    roles = ", ".join(f"'{role}'" for role in GRANTABLE_PROJECT_ROLES)
    return f"api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([{roles}])"


def module_of(type_token: str) -> str:
    """The pulumi-gcp module of a resource type (``gcp:sql/user:User`` -> ``sql``)."""
    return type_token.split(":")[1].split("/")[0]
