"""The Google APIs the stack uses, enabled by the stack itself so a fresh project deploys.

Which API each resource needs is data (``APIS_BY_MODULE``), so the platform can
make every resource wait for its APIs and the preflight check
(``tooling/preflight/gcp_deploy_identity.py``) can prove none is missing.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp

# Enabling anything goes through the Service Usage API, and the provider reads
# each enabled service back through Resource Manager (projects.get, in
# hashicorp/terraform-provider-google google/services/resourcemanager/
# resource_google_project_service.go). Both must be on before the stack runs:
# the bootstrap enables them in every target project (TARGET_PROJECT_APIS in
# stacks/bootstrap/gcp_github_oidc.py).
BOOTSTRAP_APIS: tuple[str, ...] = (
    "cloudresourcemanager.googleapis.com",
    "serviceusage.googleapis.com",
)

# pulumi-gcp module -> the APIs its resources are created through.
APIS_BY_MODULE: Mapping[str, tuple[str, ...]] = {
    # A repository for the function's images (build_config.docker_repository).
    "artifactregistry": ("artifactregistry.googleapis.com",),
    # A 2nd gen function is built by Cloud Build into an Artifact Registry image
    # and served by Cloud Run; the build writes its log through Cloud Logging.
    "cloudfunctionsv2": (
        "artifactregistry.googleapis.com",
        "cloudbuild.googleapis.com",
        "cloudfunctions.googleapis.com",
        "logging.googleapis.com",
        "run.googleapis.com",
    ),
    "cloudrunv2": ("run.googleapis.com",),
    # The report's weekly job.
    "cloudscheduler": ("cloudscheduler.googleapis.com",),
    "monitoring": ("monitoring.googleapis.com",),
    # Project IAM bindings are read and written through Resource Manager.
    "projects": ("cloudresourcemanager.googleapis.com",),
    # The report's announcement topic (and the function publishing to it).
    "pubsub": ("pubsub.googleapis.com",),
    "secretmanager": ("secretmanager.googleapis.com",),
    # Service-account IAM policies and the account lookups.
    "serviceaccount": ("iam.googleapis.com",),
    "sql": ("sqladmin.googleapis.com",),
    "storage": ("storage.googleapis.com",),
}
# Types whose module entry does not apply: enabling a service needs Service
# Usage, which the bootstrap turns on (it cannot enable itself).
APIS_BY_TYPE: Mapping[str, tuple[str, ...]] = {"gcp:projects/service:Service": ()}

# What the function calls at run time, whatever resources the stack registers:
# signBlob for V4 signed URLs (IAM Credentials), the Cloud SQL connector's
# certificates (SQL Admin), its objects, and its logs.
RUNTIME_APIS: tuple[str, ...] = (
    "iamcredentials.googleapis.com",
    "logging.googleapis.com",
    "sqladmin.googleapis.com",
    "storage.googleapis.com",
)


def module_of(type_token: str) -> str:
    """The pulumi-gcp module of a resource type (``gcp:sql/user:User`` -> ``sql``)."""
    return type_token.split(":")[1].split("/")[0]


def apis_for_type(type_token: str) -> tuple[str, ...]:
    """The APIs a resource of this type is created through; unknown modules raise ``KeyError``."""
    if type_token in APIS_BY_TYPE:
        return APIS_BY_TYPE[type_token]
    return APIS_BY_MODULE[module_of(type_token)]


def stack_apis() -> tuple[str, ...]:
    """Every API the stack enables: its resources' and its function's, sorted."""
    apis = set(RUNTIME_APIS)
    for module_apis in APIS_BY_MODULE.values():
        apis.update(module_apis)
    # Reading back what it enabled needs Resource Manager, which must already be on.
    return tuple(sorted(apis - set(BOOTSTRAP_APIS)))


@dataclass(frozen=True)
class ProjectApisArgs:
    """The project, and the APIs to switch on in it."""

    project: str
    apis: tuple[str, ...]


class ProjectApis(pulumi.ComponentResource):
    """One ``gcp.projects.Service`` per API; destroying the stack leaves every API on.

    ``disable_on_destroy`` is set to false explicitly: its default was true in
    older providers (terraform-provider-google resource_google_project_service.go,
    ``Default: true``) and disabling an API on destroy would break anything else
    in the project using it. With it false, ``disable_dependent_services`` is
    never consulted (it only shapes the disable call), so it is left unset.
    """

    services: Mapping[str, gcp.projects.Service]

    def __init__(
        self, name: str, args: ProjectApisArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Enable each API as a child."""
        super().__init__("crosscloud:gcp:ProjectApis", name, None, opts)
        self.services = {
            api: gcp.projects.Service(
                f"{name}-{api.split('.')[0]}",
                project=args.project,
                service=api,
                disable_on_destroy=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for api in args.apis
        }
        self.register_outputs({"services": sorted(self.services)})

    def needed_by(self, *modules: str) -> list[pulumi.Resource]:
        """The enablements that resources of these pulumi-gcp modules wait for (``depends_on``)."""
        apis = {api for module in modules for api in APIS_BY_MODULE[module]} - set(BOOTSTRAP_APIS)
        return [self.services[api] for api in sorted(apis)]

    def runtime(self) -> list[pulumi.Resource]:
        """The enablements of what the function itself calls at run time."""
        return [self.services[api] for api in RUNTIME_APIS]


def child_options(
    parent: pulumi.Resource, opts: pulumi.ResourceOptions | None, **extra: Any
) -> pulumi.ResourceOptions:
    """Options for a component's children: parented, and waiting for what the component waits for.

    ``extra`` adds options of the child's own (``protect``, ``ignore_changes``...).

    Pulumi does not pass a component's ``depends_on`` to its children, so
    without this a child could be created before the API it needs is on.
    """
    depends_on = opts.depends_on if opts else None
    return pulumi.ResourceOptions(parent=parent, depends_on=depends_on, **extra)
