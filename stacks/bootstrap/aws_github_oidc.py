"""GitHub Actions' way into AWS: an OIDC provider and a preview and a deploy role."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.iam import Statement, policy_document
from stacks.bootstrap import aws_permissions as perms
from stacks.bootstrap.github import (
    AWS_AUDIENCE,
    ISSUER_URL,
    aws_trust_policy,
    deploy_subjects,
    preview_subjects,
)

# CI sessions last one job; an hour covers the slowest `pulumi up` with margin.
SESSION_SECONDS = 3600


@dataclass(frozen=True)
class AwsGithubOidcArgs:
    """The repository to trust and the resources its roles may touch."""

    repository: str
    main_branch: str
    prod_environment: str
    # Physical-name prefix of the stacks' resources (crosscloud -> crosscloud-dev-...).
    resource_prefix: str
    account_id: pulumi.Input[str]
    # S3 bucket of the Pulumi state backend; empty when state lives elsewhere.
    state_bucket: str = ""


class AwsGithubOidc(pulumi.ComponentResource):
    """The OIDC provider for token.actions.githubusercontent.com and the two CI roles.

    The preview role reads (pull requests only); the deploy role may create,
    change and delete the stacks' resource types (main branch and the prod
    environment only). The roles' names do not start with the resource
    prefix, so the deploy role's IAM permissions cannot reach itself.
    """

    def __init__(
        self, name: str, args: AwsGithubOidcArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the provider, both roles and their managed policies."""
        super().__init__("crosscloud:bootstrap:AwsGithubOidc", name, None, opts)
        self._args = args
        child = pulumi.ResourceOptions(parent=self)
        # AWS verifies GitHub's certificate against its own trusted CAs, so no
        # thumbprint is pinned here (a pinned one breaks when GitHub rotates).
        self.provider = aws.iam.OpenIdConnectProvider(
            f"{name}-github", url=ISSUER_URL, client_id_lists=[AWS_AUDIENCE], opts=child
        )
        role_base = f"github-actions-{args.resource_prefix}"
        self.preview_role = aws.iam.Role(
            f"{name}-preview",
            name=f"{role_base}-preview",
            description=f"pulumi preview from pull requests of {args.repository} (read-only)",
            assume_role_policy=aws_trust_policy(
                self.provider.arn, preview_subjects(args.repository)
            ),
            max_session_duration=SESSION_SECONDS,
            opts=child,
        )
        self.deploy_role = aws.iam.Role(
            f"{name}-deploy",
            name=f"{role_base}-deploy",
            description=f"pulumi up from {args.repository} main and its prod environment",
            assume_role_policy=aws_trust_policy(
                self.provider.arn,
                deploy_subjects(args.repository, args.main_branch, args.prod_environment),
            ),
            max_session_duration=SESSION_SECONDS,
            opts=child,
        )
        self.policies: dict[str, aws.iam.Policy] = {}
        for role, kind in ((self.preview_role, "preview"), (self.deploy_role, "deploy")):
            for group, statements in self.statements(kind).items():
                policy = aws.iam.Policy(
                    f"{name}-{kind}-{group}",
                    name=f"{role_base}-{kind}-{group}",
                    policy=policy_document(statements),
                    opts=child,
                )
                aws.iam.RolePolicyAttachment(
                    f"{name}-{kind}-{group}",
                    role=role.name,
                    policy_arn=policy.arn,
                    opts=child,
                )
                self.policies[f"{kind}-{group}"] = policy
        self.register_outputs(
            {
                "providerArn": self.provider.arn,
                "previewRoleArn": self.preview_role.arn,
                "deployRoleArn": self.deploy_role.arn,
            }
        )

    def _resources(self, service: perms.ServiceAccess) -> list[pulumi.Input[str]]:
        """The service's ARN patterns with this account and prefix filled in."""
        prefix = self._args.resource_prefix
        return [
            pulumi.Output.from_input(self._args.account_id).apply(
                lambda account, p=pattern: p.format(prefix=prefix, account=account)
            )
            for pattern in service.resources
        ]

    def statements(self, kind: str) -> dict[str, list[Statement]]:
        """Policy statements per policy group: reads for preview, reads and writes for deploy."""
        groups: dict[str, list[Statement]] = {}
        for group, services in perms.POLICY_GROUPS.items():
            groups[group] = [
                Statement(
                    sid=f"{service.capitalize()}{kind.capitalize()}",
                    actions=access.read + (access.write if kind == "deploy" else ()),
                    resources=self._resources(access),
                    wildcard_resource_reason=access.wildcard_reason,
                )
                for service, access in ((s, perms.SERVICES[s]) for s in services)
            ]
        if kind == "deploy":
            groups["compute"] += self._deploy_extras()
        state = self._state_statements(kind)
        if state:
            groups["state"] = state
        return groups

    def _deploy_extras(self) -> list[Statement]:
        """PassRole and service-linked roles, each only towards named services."""
        account = pulumi.Output.from_input(self._args.account_id)
        prefix = self._args.resource_prefix
        return [
            Statement(
                sid="PassStackRoles",
                actions=["iam:PassRole"],
                resources=[account.apply(lambda a: f"arn:aws:iam::{a}:role/{prefix}-*")],
                conditions={
                    "StringEquals": {"iam:PassedToService": list(perms.PASS_ROLE_SERVICES)}
                },
            ),
            Statement(
                sid="ServiceLinkedRoles",
                actions=["iam:CreateServiceLinkedRole"],
                resources=[
                    account.apply(
                        lambda a: f"arn:aws:iam::{a}:role/aws-service-role/rds.amazonaws.com/*"
                    )
                ],
                conditions={
                    "StringEquals": {"iam:AWSServiceName": list(perms.SERVICE_LINKED_ROLES)}
                },
            ),
        ]

    def _state_statements(self, kind: str) -> list[Statement]:
        """The state bucket: previews read it and take locks; deploys also write checkpoints."""
        bucket = self._args.state_bucket
        if not bucket:
            return []
        objects = f"arn:aws:s3:::{bucket}/*"
        locks = f"arn:aws:s3:::{bucket}/{perms.STATE_LOCK_PREFIX}*"
        return [
            Statement(
                sid="StateList", actions=["s3:ListBucket"], resources=[f"arn:aws:s3:::{bucket}"]
            ),
            Statement(sid="StateRead", actions=["s3:GetObject"], resources=[objects]),
            Statement(
                sid="StateWrite",
                actions=list(perms.STATE_WRITE),
                resources=[objects if kind == "deploy" else locks],
            ),
        ]
