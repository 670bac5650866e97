"""Ids of a stack's service accounts: the bootstrap creates them, the stack looks them up.

One definition for both sides, so the accounts the deployer may act as are
exactly the ones the stack deploys with.
"""

import pulumi
import pulumi_gcp as gcp

# IAM service account ids: 6-30 characters, [a-z][a-z0-9-]*[a-z0-9].
ACCOUNT_ID_PATTERN = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"


def runtime_account_id(resource_prefix: str) -> str:
    """The API function's runtime account (``crosscloud-dev`` -> ``crosscloud-dev-api``)."""
    return f"{resource_prefix}-api"


def build_account_id(resource_prefix: str) -> str:
    """The account Cloud Build builds the function as (``crosscloud-dev-build``)."""
    return f"{resource_prefix}-build"


# The suffixes are short because account ids stop at 30 characters and the
# stack name's limit (stacks/settings.py STACK_NAME_MAX) leaves six for them.


def report_account_id(resource_prefix: str) -> str:
    """The report function's runtime account (``crosscloud-dev-rpt``)."""
    return f"{resource_prefix}-rpt"


def scheduler_account_id(resource_prefix: str) -> str:
    """The account Cloud Scheduler calls the report function as (``crosscloud-dev-sched``)."""
    return f"{resource_prefix}-sched"


def stack_account_ids(resource_prefix: str) -> tuple[str, ...]:
    """Every account the bootstrap creates for a stack."""
    return tuple(
        make(resource_prefix)
        for make in (runtime_account_id, build_account_id, report_account_id, scheduler_account_id)
    )


def function_runtime_account_ids(resource_prefix: str) -> tuple[str, ...]:
    """Every account a function of the stack runs as (each may sign URLs as itself)."""
    return (runtime_account_id(resource_prefix), report_account_id(resource_prefix))


def bootstrap_account(
    parent: pulumi.Resource, account_id: str, project: str, opts: pulumi.ResourceOptions
) -> pulumi.Output[gcp.serviceaccount.GetAccountResult]:
    """Look up an account the bootstrap created, once what ``opts`` waits for (its API) is done.

    Fails when the bootstrap has not run: at preview once the IAM API is on; on
    a fresh project's first `up`, after the stack has enabled it.
    """
    return gcp.serviceaccount.get_account_output(
        account_id=account_id,
        project=project,
        opts=pulumi.InvokeOutputOptions(parent=parent, depends_on=opts.depends_on),
    )
