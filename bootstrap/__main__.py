"""crosscloud-bootstrap: the identities GitHub Actions assumes; exports what the workflows need."""

import sys
from pathlib import Path

# The components live in the repository's stacks/ package, one level up; the
# Pulumi CLI runs this program with bootstrap/ as its working directory.
REPOSITORY_ROOT = str(Path(__file__).resolve().parent.parent)
if REPOSITORY_ROOT not in sys.path:
    sys.path.insert(0, REPOSITORY_ROOT)

import pulumi  # noqa: E402 - after the path fix above
import pulumi_aws as aws  # noqa: E402

from stacks.bootstrap.aws_billing_alarm import BillingAlarm, BillingAlarmArgs  # noqa: E402
from stacks.bootstrap.aws_github_oidc import AwsGithubOidc, AwsGithubOidcArgs  # noqa: E402
from stacks.bootstrap.gcp_github_oidc import GcpGithubOidc, GcpGithubOidcArgs  # noqa: E402
from stacks.bootstrap.settings import DEPLOY_STACKS, load_bootstrap_settings  # noqa: E402
from stacks.settings import PROJECT as STACKS_PROJECT  # noqa: E402

BILLING_REGION = "us-east-1"

settings = load_bootstrap_settings()
# Repository variables the workflows read (Settings -> Secrets and variables -> Actions).
variables: dict[str, pulumi.Input[str]] = {}

if settings.aws:
    # An explicit provider so the CI roles carry the same required tags as
    # every stack resource (the policy pack checks them).
    aws_provider = aws.Provider(
        "aws-tagged",
        region=settings.aws_region,
        default_tags={"tags": settings.tags(pulumi.get_stack())},
    )
    aws_ci = AwsGithubOidc(
        "github-aws",
        AwsGithubOidcArgs(
            repository=settings.repository,
            main_branch=settings.main_branch,
            prod_environment=settings.prod_environment,
            resource_prefix=settings.resource_prefix,
            account_id=aws.get_caller_identity_output(
                opts=pulumi.InvokeOutputOptions(provider=aws_provider)
            ).account_id,
            deploy_stacks=DEPLOY_STACKS,
            project=STACKS_PROJECT,
            state_bucket=settings.state_bucket,
        ),
        opts=pulumi.ResourceOptions(providers=[aws_provider]),
    )
    # The AWS/Billing metrics exist only in us-east-1, and an alarm notifies
    # only a topic in its own region: the alarm and its topic live there.
    billing_provider = aws.Provider(
        "aws-billing",
        region=BILLING_REGION,
        default_tags={"tags": settings.tags(pulumi.get_stack())},
    )
    BillingAlarm(
        "account-billing",
        BillingAlarmArgs(
            threshold_usd=settings.billing_alarm_usd, emails=settings.billing_alarm_emails
        ),
        opts=pulumi.ResourceOptions(providers=[billing_provider]),
    )
    pulumi.export("awsOidcProviderArn", aws_ci.provider.arn)
    variables["AWS_PREVIEW_ROLE_ARN"] = aws_ci.preview_role.arn
    variables["AWS_DEPLOY_ROLE_ARN"] = aws_ci.deploy_role.arn

if settings.gcp:
    gcp_ci = GcpGithubOidc(
        "github-gcp",
        GcpGithubOidcArgs(
            repository=settings.repository,
            main_branch=settings.main_branch,
            prod_environment=settings.prod_environment,
            resource_prefix=settings.resource_prefix,
            project=settings.gcp_project,
            stacks=settings.gcp_stacks,
        ),
    )
    variables["GCP_WORKLOAD_IDENTITY_PROVIDER"] = gcp_ci.provider.name
    variables["GCP_PREVIEW_SERVICE_ACCOUNT"] = gcp_ci.preview_account.email
    variables["GCP_DEPLOY_SERVICE_ACCOUNT"] = gcp_ci.deploy_account.email

pulumi.export("githubVariables", variables)
