"""GitHub Actions' way into Google Cloud: a workload identity pool and two service accounts."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from stacks.bootstrap import gcp_permissions as perms
from stacks.bootstrap.gcp_stack_accounts import GcpStackAccounts, GcpStackAccountsArgs
from stacks.bootstrap.github import (
    ISSUER_URL,
    deploy_subjects,
    gcp_attribute_condition,
    gcp_subject_member,
    preview_subjects,
)

WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"
# Token exchange (STS) and impersonation (IAM Credentials) must be on in the pool's project.
FEDERATION_APIS = ("iam.googleapis.com", "iamcredentials.googleapis.com", "sts.googleapis.com")
# What a stack needs on before it can enable anything itself (stacks/gcp/apis.py):
# Service Usage to enable APIs, Resource Manager to read the project back, IAM
# to hold the stack's service accounts. Also on in the pool's project, where the
# CI service accounts live: Google bills some calls to the caller's own project.
TARGET_PROJECT_APIS = (
    "cloudresourcemanager.googleapis.com",
    "iam.googleapis.com",
    "serviceusage.googleapis.com",
)


@dataclass(frozen=True)
class GcpGithubOidcArgs:
    """The repository to trust, where the pool lives, and the projects CI deploys to."""

    repository: str
    main_branch: str
    prod_environment: str
    resource_prefix: str
    # Holds the pool and the CI service accounts.
    project: str
    # Stack name -> its project (dev, prod): the CI service accounts get their
    # roles there, and each stack's own service accounts are created there.
    stacks: Mapping[str, str] = field(default_factory=dict)
    # Pull requests preview these stacks only; their preview account reads nothing else.
    preview_stacks: tuple[str, ...] = ("dev",)

    @property
    def target_projects(self) -> tuple[str, ...]:
        """Each stack project once, sorted."""
        return tuple(sorted(set(self.stacks.values())))

    @property
    def preview_projects(self) -> tuple[str, ...]:
        """The projects of the stacks pull requests preview, once, sorted."""
        return tuple(sorted({self.stacks[s] for s in self.preview_stacks if s in self.stacks}))


def _short(text: str) -> str:
    """A name fragment from a role or subject (``roles/run.viewer`` -> ``run-viewer``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.split("/")[-1].lower()).strip("-")


class GcpGithubOidc(pulumi.ComponentResource):
    """A pool that accepts only this repository's tokens, and preview/deploy service accounts.

    Each service account may be impersonated only by the token subjects its
    AWS counterpart trusts: pull requests for preview; the main branch and the
    prod environment for deploy.
    """

    def __init__(
        self, name: str, args: GcpGithubOidcArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the pool, its GitHub provider, both service accounts and their roles."""
        super().__init__("crosscloud:bootstrap:GcpGithubOidc", name, None, opts)
        self._services: dict[tuple[str, str], gcp.projects.Service] = {}
        self._pool_project = args.project
        child = pulumi.ResourceOptions(parent=self)
        # Named as before target projects existed, so an existing bootstrap keeps them.
        apis = self._enable(name, args.project, sorted({*FEDERATION_APIS, *TARGET_PROJECT_APIS}))
        self.pool = gcp.iam.WorkloadIdentityPool(
            f"{name}-pool",
            project=args.project,
            workload_identity_pool_id=f"{args.resource_prefix}-github",
            display_name="GitHub Actions",
            description=f"Workflows of {args.repository}",
            opts=pulumi.ResourceOptions(parent=self, depends_on=apis),
        )
        self.provider = gcp.iam.WorkloadIdentityPoolProvider(
            f"{name}-provider",
            project=args.project,
            workload_identity_pool_id=self.pool.workload_identity_pool_id,
            workload_identity_pool_provider_id="github",
            display_name="GitHub",
            attribute_mapping={
                "google.subject": "assertion.sub",
                "attribute.repository": "assertion.repository",
            },
            # Without a condition any GitHub repository's token would be accepted.
            attribute_condition=gcp_attribute_condition(args.repository),
            oidc={"issuer_uri": ISSUER_URL},
            opts=child,
        )
        self.preview_account = self._account(
            name,
            "preview",
            args,
            preview_subjects(args.repository),
            perms.PREVIEW_ROLES,
            args.preview_projects,
        )
        self.deploy_account = self._account(
            name,
            "deploy",
            args,
            deploy_subjects(args.repository, args.main_branch, args.prod_environment),
            perms.deploy_roles(),
            args.target_projects,
        )
        self.stack_accounts = {
            stack: GcpStackAccounts(
                f"{name}-{stack}",
                GcpStackAccountsArgs(
                    stack=stack,
                    project=project,
                    stack_prefix=f"{args.resource_prefix}-{stack}",
                    deployer_member=self.deploy_account.member,
                ),
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=self._enable(name, project, TARGET_PROJECT_APIS)
                ),
            )
            for stack, project in sorted(args.stacks.items())
        }
        self.register_outputs(
            {
                "workloadIdentityProvider": self.provider.name,
                "previewServiceAccount": self.preview_account.email,
                "deployServiceAccount": self.deploy_account.email,
            }
        )

    def _enable(self, name: str, project: str, apis: Sequence[str]) -> list[gcp.projects.Service]:
        """Each API on in ``project``, once however often asked; never switched off on destroy."""
        scope = "" if project == self._pool_project else f"-{project}"
        enabled: list[gcp.projects.Service] = []
        for api in apis:
            if (project, api) not in self._services:
                self._services[(project, api)] = gcp.projects.Service(
                    f"{name}{scope}-{_short(api.split('.')[0])}",
                    project=project,
                    service=api,
                    # Other workloads in the project may rely on these APIs.
                    disable_on_destroy=False,
                    opts=pulumi.ResourceOptions(parent=self),
                )
            enabled.append(self._services[(project, api)])
        return enabled

    def _account(
        self,
        name: str,
        kind: str,
        args: GcpGithubOidcArgs,
        subjects: tuple[str, ...],
        roles: tuple[str, ...],
        projects: tuple[str, ...],
    ) -> gcp.serviceaccount.Account:
        """One CI service account: who may become it, and its roles in each of ``projects``."""
        child = pulumi.ResourceOptions(parent=self)
        account = gcp.serviceaccount.Account(
            f"{name}-{kind}",
            project=args.project,
            account_id=f"{args.resource_prefix}-ci-{kind}",
            display_name=f"GitHub Actions {kind} ({args.repository})",
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=self._enable(name, args.project, ("iam.googleapis.com",))
            ),
        )
        for subject in subjects:
            gcp.serviceaccount.IAMMember(
                f"{name}-{kind}-wif-{_short(subject.rsplit(':', 1)[-1])}",
                service_account_id=account.name,
                role=WORKLOAD_IDENTITY_USER,
                member=gcp_subject_member(self.pool.name, subject),
                opts=child,
            )
        for project in projects:
            # Project IAM is read and written through Resource Manager.
            apis = self._enable(name, project, TARGET_PROJECT_APIS)
            for role in roles:
                condition: gcp.projects.IAMMemberConditionArgsDict | None = None
                if role == perms.PROJECT_IAM_ADMIN:
                    condition = {
                        "title": "stack-grants-only",
                        "description": "May grant only the roles the stacks grant.",
                        "expression": perms.grant_limit_expression(),
                    }
                gcp.projects.IAMMember(
                    f"{name}-{kind}-{project}-{_short(role)}",
                    project=project,
                    role=role,
                    member=account.member,
                    condition=condition,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=apis),
                )
        return account
