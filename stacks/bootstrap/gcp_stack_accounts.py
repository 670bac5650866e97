"""One stack's service accounts, created by the bootstrap so the deployer needs no account admin.

Google's IAM Conditions cannot scope ``roles/iam.serviceAccountUser`` or
``serviceAccountAdmin`` granted on a project: IAM service accounts are not among
the services that recognise resource attributes ("Resource attributes for IAM
Conditions", cloud.google.com/iam/docs/conditions-resource-attributes), and
service accounts take no tags. So the accounts are created here, with admin
credentials, and the deploy service account is granted ``serviceAccountUser``
on each of them only: it may deploy a function that runs or builds as them,
and may act as no other account in the project.
"""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.accounts import build_account_id, runtime_account_id
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
    """A stack's runtime and build service accounts, and the only grants on them.

    - the deploy service account: ``roles/iam.serviceAccountUser`` on each
      (``iam.serviceAccounts.actAs``, which deploying a function as them needs);
    - the runtime account: ``roles/iam.serviceAccountTokenCreator`` on itself,
      so the function can sign V4 URLs through IAM signBlob.
    """

    runtime: gcp.serviceaccount.Account
    build: gcp.serviceaccount.Account

    def __init__(
        self, name: str, args: GcpStackAccountsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create both accounts and their grants as children."""
        super().__init__("crosscloud:bootstrap:GcpStackAccounts", name, None, opts)
        child = child_options(self, opts)
        self.runtime = gcp.serviceaccount.Account(
            f"{name}-runtime",
            project=args.project,
            account_id=runtime_account_id(args.stack_prefix),
            display_name=f"crosscloud API function runtime ({args.stack})",
            opts=child,
        )
        self.build = gcp.serviceaccount.Account(
            f"{name}-build",
            project=args.project,
            account_id=build_account_id(args.stack_prefix),
            display_name=f"crosscloud API function build ({args.stack})",
            opts=child,
        )
        for kind, account in (("runtime", self.runtime), ("build", self.build)):
            gcp.serviceaccount.IAMMember(
                f"{name}-{kind}-deployer-acts-as",
                service_account_id=account.name,
                role=ACT_AS,
                member=args.deployer_member,
                opts=child,
            )
        gcp.serviceaccount.IAMMember(
            f"{name}-runtime-signs-as-self",
            service_account_id=self.runtime.name,
            role=SIGN_AS_SELF,
            member=self.runtime.member,
            opts=child,
        )
        self.register_outputs({"runtime": self.runtime.email, "build": self.build.email})
