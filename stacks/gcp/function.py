"""An HTTP Cloud Function (2nd gen), invocable only by the members the stack names.

The API is one; the report function (called by Cloud Scheduler) is built the same way.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from function_builds.runtime import CLOUD_FUNCTIONS_RUNTIME
from stacks.gcp.apis import child_options

# The @functions_framework.http function in functions/api/main.py (a test keeps them in step).
ENTRY_POINT = "api"
PUBLIC_MEMBER = "allUsers"
# Variables every function gets (a function's own may override them).
PLATFORM_ENVIRONMENT = {"LOG_EXECUTION_ID": "true"}


@dataclass(frozen=True)
class SecretEnv:
    """A Secret Manager secret exposed as an environment variable, pinned to one version."""

    secret_id: pulumi.Input[str]
    version: pulumi.Input[str]


@dataclass(frozen=True)
class ApiFunctionArgs:
    """Code, identity, limits and who may call it."""

    project: str
    location: str
    source_bucket: pulumi.Input[str]
    source_object: pulumi.Input[str]
    service_account_email: pulumi.Input[str]
    # ``projects/<p>/serviceAccounts/<email>``: the build runs as this, not the
    # project's default build account (which has no roles in new projects).
    build_service_account: pulumi.Input[str]
    # ``projects/<p>/locations/<l>/repositories/<id>``: where the image is pushed.
    docker_repository: pulumi.Input[str]
    memory_mb: int
    timeout_seconds: int
    max_instances: int
    ingress: str
    environment: Mapping[str, pulumi.Input[str]]
    secret_environment: Mapping[str, SecretEnv]
    # IAM members granted roles/run.invoker; allUsers is added only when ``public``.
    invokers: Sequence[str] = field(default_factory=tuple)
    # Members known only at deploy time (an account looked up), by a label for the binding's name.
    invoker_accounts: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    public: bool = False
    # Grants the deployment checks (secret access), so they must exist first.
    wait_for: Sequence[pulumi.Resource] = field(default_factory=tuple)
    # The @functions_framework.http function in the source's main.py.
    entry_point: str = ENTRY_POINT
    description: str = "crosscloud API"


class ApiFunction(pulumi.ComponentResource):
    """The function and its ``roles/run.invoker`` bindings on the underlying Cloud Run service.

    A 2nd gen function is a Cloud Run service; Cloud Run checks
    ``run.invoker`` on every request, so with no bindings nobody may call it.
    """

    function: gcp.cloudfunctionsv2.Function
    url: pulumi.Output[str]
    service_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: ApiFunctionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the function and one invoker binding per member."""
        super().__init__("crosscloud:gcp:ApiFunction", name, None, opts)
        secret_env: list[
            gcp.cloudfunctionsv2.FunctionServiceConfigSecretEnvironmentVariableArgsDict
        ] = [
            {
                "key": key,
                "project_id": args.project,
                "secret": secret.secret_id,
                # A pinned version: a new secret value is a new version and a
                # visible redeploy, never a silent change on the next cold start.
                "version": secret.version,
            }
            for key, secret in sorted(args.secret_environment.items())
        ]
        self.function = gcp.cloudfunctionsv2.Function(
            name,
            name=name,
            location=args.location,
            description=args.description,
            build_config={
                "runtime": CLOUD_FUNCTIONS_RUNTIME,
                "entry_point": args.entry_point,
                "service_account": args.build_service_account,
                "docker_repository": args.docker_repository,
                "source": {
                    "storage_source": {"bucket": args.source_bucket, "object": args.source_object}
                },
            },
            service_config={
                "service_account_email": args.service_account_email,
                # functionMemoryMb is Lambda's "MB", which is MiB; 512Mi and 1Gi
                # are Cloud Functions' own tiers, with CPU derived from them.
                "available_memory": f"{args.memory_mb}Mi",
                "timeout_seconds": args.timeout_seconds,
                "max_instance_count": args.max_instances,
                "ingress_settings": args.ingress,
                "all_traffic_on_latest_revision": True,
                # Cloud Functions (2nd gen) adds LOG_EXECUTION_ID=true to a function's
                # variables itself (since June 2024); declared, the config equals what
                # the platform runs, without relying on the provider suppressing that
                # diff (magic-modules #11092). It is what labels each log line with its
                # execution id (functions-framework 3.10 execution_id.py; the API's
                # mount, functions/api/crosscloud_api/subrouter.py, labels its own).
                "environment_variables": {**PLATFORM_ENVIRONMENT, **args.environment},
                "secret_environment_variables": secret_env,
            },
            opts=pulumi.ResourceOptions.merge(
                child_options(self, opts), pulumi.ResourceOptions(depends_on=list(args.wait_for))
            ),
        )
        # The Cloud Run service's resource name ends with its short name.
        self.service_name = self.function.service_config.apply(
            lambda config: (config.service or "").rsplit("/", 1)[-1] if config else ""
        )
        members: dict[str, pulumi.Input[str]] = {
            member.replace(":", "-"): member
            for member in [*args.invokers, *([PUBLIC_MEMBER] if args.public else [])]
        }
        members.update(args.invoker_accounts)
        for label, member in members.items():
            gcp.cloudrunv2.ServiceIamMember(
                f"{name}-invoker-{label}",
                project=args.project,
                location=args.location,
                name=self.service_name,
                role="roles/run.invoker",
                member=member,
                opts=child_options(self, opts),
            )
        self.url = self.function.url
        self.register_outputs({"url": self.url, "serviceName": self.service_name})
