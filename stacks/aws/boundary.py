"""The permissions boundary every role of the stacks carries, named in one place.

The bootstrap project creates the boundary policy and lets the CI deploy role
create or change roles only with it attached; the stacks set it on each role
they create. Both import the name from here, so they cannot drift apart. The
name starts with the CI identities' prefix (``github-actions-<prefix>``), not
with the stacks' ``<prefix>-<stack>-``, so no deploy-role grant matches it.
"""

import pulumi


def ci_name_prefix(resource_prefix: str) -> str:
    """The name prefix of the CI identities and the boundary, outside every stack grant."""
    return f"github-actions-{resource_prefix}"


def boundary_policy_name(resource_prefix: str) -> str:
    """The boundary managed policy's name."""
    return f"{ci_name_prefix(resource_prefix)}-function-boundary"


def boundary_arn(account_id: pulumi.Input[str], resource_prefix: str) -> pulumi.Output[str]:
    """The boundary's ARN in an account (managed policies live at the IAM root path)."""
    name = boundary_policy_name(resource_prefix)
    return pulumi.Output.from_input(account_id).apply(
        lambda account: f"arn:aws:iam::{account}:policy/{name}"
    )
