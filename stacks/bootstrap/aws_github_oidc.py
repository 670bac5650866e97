"""GitHub Actions' way into AWS: an OIDC provider and a preview and a deploy role."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.boundary import boundary_policy_name, ci_name_prefix
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
    # The stacks the deploy role deploys, and the ones pull-request previews run for
    # (dev only: nothing in a PR job may read prod's state or resources).
    deploy_stacks: tuple[str, ...] = ("dev", "prod")
    preview_stacks: tuple[str, ...] = ("dev",)
    # The stacks' Pulumi project, whose state keys the preview role may read.
    project: str = "crosscloud"
    # S3 bucket of the Pulumi state backend; empty when state lives elsewhere.
    state_bucket: str = ""


class AwsGithubOidc(pulumi.ComponentResource):
    """The OIDC provider for token.actions.githubusercontent.com and the two CI roles.

    The preview role reads the preview stacks (pull requests only); the
    deploy role may create, change and delete the stacks' resource types
    (main branch and the prod environment only). Every role the deploy role
    creates or changes must carry ``boundary``, a managed policy allowing only
    what the stacks' functions need; the CI roles and the boundary are named
    outside the stacks' ``<prefix>-<stack>-`` names, and explicitly denied
    to the deploy role besides.
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
        role_base = ci_name_prefix(args.resource_prefix)
        self.boundary = aws.iam.Policy(
            f"{name}-function-boundary",
            name=boundary_policy_name(args.resource_prefix),
            description="Permissions boundary of every role the CI deploy role creates",
            policy=policy_document(self.boundary_statements()),
            opts=child,
        )
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
                "boundaryArn": self.boundary.arn,
            }
        )

    def _fill(self, text: str, stack: str) -> pulumi.Input[str]:
        """One pattern with the placeholders filled in (an Output when it needs the account)."""
        prefix = self._args.resource_prefix
        values = {
            "prefix": prefix,
            "name": f"{prefix}-{stack}",
            "ci": ci_name_prefix(prefix),
        }
        if "{account}" not in text and "{boundary}" not in text:
            return text.format(**values)
        boundary_name = boundary_policy_name(prefix)
        return pulumi.Output.from_input(self._args.account_id).apply(
            lambda account: text.format(
                account=account,
                boundary=f"arn:aws:iam::{account}:policy/{boundary_name}",
                **values,
            )
        )

    def _expand(self, text: str, stacks: Sequence[str]) -> list[pulumi.Input[str]]:
        """A pattern once, or once per stack when it names one (``{name}``)."""
        if "{name}" not in text:
            return [self._fill(text, "")]
        return [self._fill(text, stack) for stack in stacks]

    def _statement(
        self, grant: perms.Grant, stacks: Sequence[str], actions: Sequence[str], sid: str
    ) -> Statement:
        """A grant as a statement over ``stacks``, limited to ``actions``."""
        conditions = {
            operator: {
                key: [v for pattern in patterns for v in self._expand(pattern, stacks)]
                if isinstance(patterns, list)
                else _single(self._expand(patterns, stacks))
                for key, patterns in values.items()
            }
            for operator, values in grant.conditions.items()
        }
        return Statement(
            sid=sid,
            effect=grant.effect,
            actions=list(actions),
            resources=[r for pattern in grant.resources for r in self._expand(pattern, stacks)],
            conditions=conditions,
            wildcard_resource_reason=grant.wildcard_reason,
        )

    def statements(self, kind: str) -> dict[str, list[Statement]]:
        """Statements per managed policy: every grant for deploy, their reads for preview."""
        args = self._args
        groups: dict[str, list[Statement]] = {}
        for group, grants in perms.DEPLOY.items():
            if kind == "deploy":
                groups[group] = [
                    self._statement(g, args.deploy_stacks, g.actions, g.sid) for g in grants
                ]
            else:
                groups[group] = [
                    self._statement(g, args.preview_stacks, g.reads(), f"{g.sid}Read")
                    for g in grants
                    if g.effect == "Allow" and g.reads()
                ]
        state = self._state_statements(kind)
        if state:
            groups["state"] = state
        return groups

    def boundary_statements(self) -> list[Statement]:
        """The function-role boundary, over every stack the deploy role serves."""
        return [
            self._statement(g, self._args.deploy_stacks, g.actions, g.sid) for g in perms.BOUNDARY
        ]

    def _state_statements(self, kind: str) -> list[Statement]:
        """The state bucket: deploys read and write it; previews read and lock their stacks only."""
        args = self._args
        bucket = args.state_bucket
        if not bucket:
            return []
        bucket_arn = f"arn:aws:s3:::{bucket}"
        # Listing shows key names only; it is limited to the backend's own prefix.
        listing = Statement(
            sid="StateList",
            actions=["s3:ListBucket"],
            resources=[bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{perms.STATE_ROOT}*"]}},
        )
        if kind == "deploy":
            # The stacks' project only: not the bootstrap's own state beside it.
            objects = [f"{bucket_arn}/{key}" for key in perms.state_project_keys(args.project)]
            return [
                listing,
                Statement(
                    sid="StateReadWrite",
                    actions=["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                    resources=objects,
                ),
            ]
        readable = [f"{bucket_arn}/{perms.STATE_META}"]
        locks = []
        for stack in args.preview_stacks:
            readable += [
                f"{bucket_arn}/{key}" for key in perms.state_stack_keys(args.project, stack)
            ]
            locks.append(f"{bucket_arn}/{perms.state_lock_keys(args.project, stack)}")
        return [
            listing,
            Statement(sid="StateRead", actions=["s3:GetObject"], resources=readable),
            Statement(
                sid="StateLock", actions=["s3:DeleteObject", "s3:PutObject"], resources=locks
            ),
        ]


def _single(values: list[pulumi.Input[str]]) -> pulumi.Input[str] | list[pulumi.Input[str]]:
    """One value as itself, several as a list (IAM accepts both)."""
    return values[0] if len(values) == 1 else values
