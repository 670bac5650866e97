"""One stack's service accounts, created by the bootstrap so the deployer needs no account admin.

Google's IAM Conditions cannot scope ``roles/iam.serviceAccountUser`` or
``serviceAccountAdmin`` granted on a project: IAM service accounts are not among
the services that recognise resource attributes ("Resource attributes for IAM
Conditions", cloud.google.com/iam/docs/conditions-resource-attributes), and
service accounts take no tags. So the accounts are created here, with admin
credentials, and the deploy service account is granted ``serviceAccountUser``
on each of them only: it may deploy a function that runs or builds as them, or
a Cloud Scheduler job that calls as one, and may act as no other account in the
project.
"""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.accounts import (
    build_account_id,
    report_account_id,
    runtime_account_id,
    scheduler_account_id,
)
from stacks.gcp.apis import child_options

ACT_AS = "roles/iam.serviceAccountUser"
SIGN_AS_SELF = "roles/iam.serviceAccountTokenCreator"


@dataclass(frozen=True)
class GcpStackAccountsArgs:
    """The stack, its project, and who deploys it."""

    stack: str
    project: str
    # Physical-name prefix of the stack (``crosscloud-dev``): the accounts' ids derive from it.
    stack_prefix: str
    deployer_member: pulumi.Input[str]


class GcpStackAccounts(pulumi.ComponentResource):
    """A stack's service accounts, and the only grants on them.

    - ``runtime`` (the API function) and ``report`` (the report function) run
      code; ``build`` builds both functions; ``scheduler`` is the identity
      Cloud Scheduler puts in the OIDC token it calls the report function with.
    - the deploy service account: ``roles/iam.serviceAccountUser`` on each
      (``iam.serviceAccounts.actAs``, which deploying a function as them, or a
      scheduler job with an OIDC token for one, needs);
    - each function account: ``roles/iam.serviceAccountTokenCreator`` on
      itself only, so the function can sign V4 URLs through IAM signBlob.
    """

    runtime: gcp.serviceaccount.Account
    build: gcp.serviceaccount.Account
    report: gcp.serviceaccount.Account
    scheduler: gcp.serviceaccount.Account

    def __init__(
        self, name: str, args: GcpStackAccountsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the accounts and their grants as children."""
        super().__init__("crosscloud:bootstrap:GcpStackAccounts", name, None, opts)
        child = child_options(self, opts)
        prefix = args.stack_prefix
        specs = {
            "runtime": (runtime_account_id(prefix), "crosscloud API function runtime"),
            "build": (build_account_id(prefix), "crosscloud API function build"),
            "report": (report_account_id(prefix), "crosscloud report function runtime"),
            "scheduler": (scheduler_account_id(prefix), "crosscloud report scheduler (invoker)"),
        }
        accounts = {
            kind: gcp.serviceaccount.Account(
                f"{name}-{kind}",
                project=args.project,
                account_id=account_id,
                display_name=f"{label} ({args.stack})",
                opts=child,
            )
            for kind, (account_id, label) in specs.items()
        }
        self.runtime = accounts["runtime"]
        self.build = accounts["build"]
        self.report = accounts["report"]
        self.scheduler = accounts["scheduler"]
        for kind, account in accounts.items():
            gcp.serviceaccount.IAMMember(
                f"{name}-{kind}-deployer-acts-as",
                service_account_id=account.name,
                role=ACT_AS,
                member=args.deployer_member,
                opts=child,
            )
        for kind in ("runtime", "report"):
            gcp.serviceaccount.IAMMember(
                f"{name}-{kind}-signs-as-self",
                service_account_id=accounts[kind].name,
                role=SIGN_AS_SELF,
                member=accounts[kind].member,
                opts=child,
            )
        self.register_outputs({kind: account.email for kind, account in accounts.items()})
