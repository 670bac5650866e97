"""Every GCP resource can be deployed into a fresh project by the CI deploy service account.

Mocks accept any resource in any project. A real ``pulumi up`` in a new project
fails when a resource's API is off (``SERVICE_DISABLED``), when it races the
enablement of that API, when the deploy service account holds no role for the
resource's service (``PERMISSION_DENIED``), when it grants a project role the
deployer's IAM condition does not allow, or when the function runs or builds as
an account the deployer may not act as. The tables checked against are the
stacks' own: ``stacks/gcp/apis.py`` and ``stacks/bootstrap/gcp_permissions.py``.
"""

from collections.abc import Iterable, Iterator

from stacks.bootstrap.gcp_permissions import DEPLOY_ROLES_BY_MODULE, GRANTABLE_PROJECT_ROLES
from stacks.gcp.accounts import (
    build_account_id,
    function_runtime_account_ids,
    scheduler_account_id,
)
from stacks.gcp.apis import BOOTSTRAP_APIS, RUNTIME_APIS, apis_for_type, module_of
from tooling.preflight.findings import Finding
from tooling.synth import PROJECT, Resource, SynthResult

CHECK = "gcp-deploy-identity"
SERVICE = "gcp:projects/service:Service"
FUNCTION = "gcp:cloudfunctionsv2/function:Function"
SCHEDULER_JOB = "gcp:cloudscheduler/job:Job"
PROJECT_IAM_MEMBER = "gcp:projects/iAMMember:IAMMember"


def check(result: SynthResult) -> Iterable[Finding]:
    """One finding per missing API, missing wait, uncovered module, refused grant or account."""
    resources = [r for r in result.resources if r.custom and r.type.startswith("gcp:")]
    enabled = {str(s.inputs["service"]): s for s in result.of_type(SERVICE)}
    findings: list[Finding] = []
    for resource in resources:
        findings.extend(_role_findings(resource))
        try:
            apis = apis_for_type(resource.type)
        except KeyError:
            findings.append(
                _finding(
                    resource,
                    f"no API is known for pulumi-gcp module {module_of(resource.type)!r}",
                    "add the module and the APIs its resources use to APIS_BY_MODULE "
                    "in stacks/gcp/apis.py",
                )
            )
            continue
        if resource.type == FUNCTION:
            # It also calls these itself once it runs.
            apis = (*apis, *RUNTIME_APIS)
            findings.extend(_account_findings(result, resource))
        if resource.type == SCHEDULER_JOB:
            findings.extend(_token_findings(result, resource))
        findings.extend(_api_findings(resource, sorted(set(apis)), enabled))
    return findings


def _api_findings(
    resource: Resource, apis: list[str], enabled: dict[str, Resource]
) -> Iterator[Finding]:
    """The resource's APIs are enabled by the stack, and it waits for each enablement."""
    for api in apis:
        if api in BOOTSTRAP_APIS:
            continue  # on before the stack runs: the bootstrap enables it
        service = enabled.get(api)
        if service is None:
            yield _finding(
                resource,
                f"needs {api}, which the stack does not enable (off in a fresh project)",
                f"add {api} to APIS_BY_MODULE (or RUNTIME_APIS) in stacks/gcp/apis.py",
            )
        elif service.urn not in resource.dependencies:
            yield _finding(
                resource,
                f"may be created before {api} is enabled (no dependency on {service.name})",
                "create it with depends_on=apis.needed_by(<module>) in stacks/gcp/platform.py, "
                "and children with child_options(self, opts)",
            )


def _role_findings(resource: Resource) -> Iterator[Finding]:
    """The deployer holds a role for the resource's module, and may make its project grant."""
    module = module_of(resource.type)
    if module not in DEPLOY_ROLES_BY_MODULE:
        yield _finding(
            resource,
            f"the deploy service account holds no role for pulumi-gcp module {module!r}",
            "add the least role that manages it to DEPLOY_ROLES_BY_MODULE in "
            "stacks/bootstrap/gcp_permissions.py, then run the bootstrap",
        )
    if resource.type == PROJECT_IAM_MEMBER:
        role = str(resource.inputs.get("role", ""))
        if role not in GRANTABLE_PROJECT_ROLES:
            yield _finding(
                resource,
                f"grants {role} on the project, which the deployer's IAM condition refuses",
                "grant on the resource instead, or add the role to GRANTABLE_PROJECT_ROLES in "
                "stacks/bootstrap/gcp_permissions.py with the reason, then run the bootstrap",
            )


def _account_findings(result: SynthResult, function: Resource) -> Iterator[Finding]:
    """The function runs and builds as the bootstrap's accounts: the deployer's only actAs."""
    prefix = f"{PROJECT}-{result.stack}"
    runtime = str((function.inputs.get("serviceConfig") or {}).get("serviceAccountEmail", ""))
    build = str((function.inputs.get("buildConfig") or {}).get("serviceAccount", ""))
    expected = {
        "runtime": (runtime, tuple(f"{a}@" for a in function_runtime_account_ids(prefix))),
        "build": (build, (f"serviceAccounts/{build_account_id(prefix)}@",)),
    }
    for kind, (account, markers) in expected.items():
        if not any(account.startswith(m) or f"/{m}" in account for m in markers):
            yield _finding(
                function,
                f"its {kind} account is {account or 'the project default'!r}, which the "
                "deployer may not act as (actAs is granted per account by the bootstrap)",
                "use one of the bootstrap's accounts "
                + ", ".join(m.rstrip("@").rsplit("/", 1)[-1] for m in markers)
                + " (stacks/gcp/accounts.py)",
            )


def _token_findings(result: SynthResult, job: Resource) -> Iterator[Finding]:
    """A scheduler job's OIDC token names the bootstrap's scheduler account (actAs on it)."""
    expected = f"{scheduler_account_id(f'{PROJECT}-{result.stack}')}@"
    target = job.inputs.get("httpTarget") or {}
    account = str((target.get("oidcToken") or {}).get("serviceAccountEmail", ""))
    if not account.startswith(expected):
        yield _finding(
            job,
            f"its OIDC token is minted for {account or 'no account'!r}, which the deployer may "
            "not act as (actAs is granted per account by the bootstrap)",
            f"use the bootstrap's {expected.rstrip('@')} account (stacks/gcp/accounts.py)",
        )


def _finding(resource: Resource, problem: str, fix: str) -> Finding:
    """A finding about one resource."""
    return Finding(check=CHECK, subject=resource.urn, problem=problem, fix=fix)
