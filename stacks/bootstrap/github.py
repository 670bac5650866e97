"""What GitHub's OIDC tokens say, and which of their subjects each CI identity accepts.

A workflow job's token carries ``sub`` = ``repo:<owner>/<name>:<context>``,
where the context is ``pull_request`` for PR events, ``environment:<name>``
for jobs bound to an environment, and ``ref:refs/heads/<branch>`` otherwise.
Trust is therefore granted per subject, never per repository alone: a PR job
must not be able to become the deployer.
"""

from typing import Any

import pulumi

ISSUER_HOST = "token.actions.githubusercontent.com"
ISSUER_URL = f"https://{ISSUER_HOST}"
# The audience configure-aws-credentials requests for AWS.
AWS_AUDIENCE = "sts.amazonaws.com"


def preview_subjects(repository: str) -> tuple[str, ...]:
    """Pull request jobs: read-only preview."""
    return (f"repo:{repository}:pull_request",)


def deploy_subjects(repository: str, main_branch: str, prod_environment: str) -> tuple[str, ...]:
    """Pushes to the main branch (dev) and jobs in the reviewed prod environment."""
    return (
        f"repo:{repository}:ref:refs/heads/{main_branch}",
        f"repo:{repository}:environment:{prod_environment}",
    )


def aws_trust_policy(
    provider_arn: pulumi.Input[str], subjects: tuple[str, ...]
) -> pulumi.Output[str]:
    """A role trust policy: web identity from GitHub's provider, for exactly these subjects.

    ``StringEquals`` (not ``StringLike``) on ``sub``: no wildcard can widen it.
    """
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {
                f"{ISSUER_HOST}:aud": AWS_AUDIENCE,
                f"{ISSUER_HOST}:sub": list(subjects),
            }
        },
    }
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [statement]})


def gcp_attribute_condition(repository: str) -> str:
    """The pool provider's CEL condition: tokens from any other repository are rejected."""
    return f"assertion.repository == '{repository}'"


def gcp_subject_member(pool_name: pulumi.Input[str], subject: str) -> pulumi.Output[str]:
    """The IAM principal for one token subject of the pool (``google.subject`` = ``sub``)."""
    return pulumi.Output.concat("principal://iam.googleapis.com/", pool_name, "/subject/", subject)
