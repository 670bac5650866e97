"""The service account Cloud Build builds the function as, its image repository, and its grants."""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.accounts import bootstrap_account
from stacks.gcp.apis import child_options

# What a 2nd gen function's build does as its build service account (Google's
# "Custom service account for Cloud Build" / Cloud Run "build service account"
# pages): read the source archive, write the build log, push the image.
SOURCE_READER = "roles/storage.objectViewer"
# A 2nd gen build downloads the source from Google's own staging bucket,
# gs://gcf-v2-sources-<project-number>-<region>, created on the first deploy
# (terraform-provider-google#20571: "Access to bucket gcf-v2-sources-... denied.
# You must grant Storage Object Viewer permission to" the build account).
STAGING_BUCKETS = "projects/_/buckets/gcf-v2-sources-"
LOG_WRITER = "roles/logging.logWriter"
IMAGE_WRITER = "roles/artifactregistry.writer"


@dataclass(frozen=True)
class BuildIdentityArgs:
    """Where the build runs, which account it runs as, and what it reads."""

    project: str
    location: str
    # The account the bootstrap created for this stack's builds (it is not
    # created here: the deployer may act as it, but may not administer accounts).
    account_id: str
    repository_id: str
    source_bucket: pulumi.Input[str]


class BuildIdentity(pulumi.ComponentResource):
    """The function's build identity, with least privilege, and its own image repository.

    New projects' default build account (the Compute Engine default account
    since Cloud Build's 2024 change) has no roles, so the stack names its own:

    - ``roles/storage.objectViewer`` on the source bucket, and on the project
      conditioned to Cloud Functions' own ``gcf-v2-sources-*`` staging buckets,
      from which the build downloads the archive (they exist only after the
      first deploy, so they cannot be granted on by name).
    - ``roles/artifactregistry.writer`` on the stack's repository only: push
      the image (and its build cache). The repository is the stack's, passed as
      ``build_config.docker_repository``, so the grant need not cover
      ``gcf-artifacts`` or any other repository.
    - ``roles/logging.logWriter`` on the project: the build log. Log writing
      has no narrower resource to grant on.
    """

    email: pulumi.Output[str]
    # ``projects/<project>/serviceAccounts/<email>``, as build_config.service_account wants it.
    account_name: pulumi.Output[str]
    # ``projects/<project>/locations/<location>/repositories/<id>``, for docker_repository.
    repository: pulumi.Output[str]

    def __init__(
        self, name: str, args: BuildIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Look the account up, create the repository and the three grants as children."""
        super().__init__("crosscloud:gcp:BuildIdentity", name, None, opts)
        child = child_options(self, opts)
        account = bootstrap_account(self, args.account_id, args.project, child)
        self.email = account.email
        self.account_name = account.name
        member = account.member

        repository = gcp.artifactregistry.Repository(
            f"{name}-images",
            repository_id=args.repository_id,
            location=args.location,
            format="DOCKER",
            description="Images Cloud Build builds for the crosscloud API function",
            opts=child,
        )
        self.repository = repository.id
        gcp.artifactregistry.RepositoryIamMember(
            f"{name}-push-images",
            project=args.project,
            location=args.location,
            repository=repository.name,
            role=IMAGE_WRITER,
            member=member,
            opts=child,
        )
        gcp.storage.BucketIAMMember(
            f"{name}-read-source",
            bucket=args.source_bucket,
            role=SOURCE_READER,
            member=member,
            opts=child,
        )
        gcp.projects.IAMMember(
            f"{name}-read-staged-source",
            project=args.project,
            role=SOURCE_READER,
            member=member,
            condition={
                "title": "only-gcf-v2-sources",
                "description": "Cloud Functions' staging buckets, which the build reads from.",
                "expression": f'resource.name.startsWith("{STAGING_BUCKETS}")',
            },
            opts=child,
        )
        gcp.projects.IAMMember(
            f"{name}-write-logs",
            project=args.project,
            role=LOG_WRITER,
            member=member,
            opts=child,
        )
        self.register_outputs(
            {"email": self.email, "accountName": self.account_name, "repository": self.repository}
        )
