"""Explicit AWS providers: the stack's tags on every resource, and the local emulator switch."""

import pulumi
import pulumi_aws as aws

from stacks.settings import Settings

# moto accepts any credentials; these are its documented placeholders, not secrets.
EMULATOR_CREDENTIALS = ("test", "test")


def aws_provider(
    name: str, region: str, settings: Settings, parent: pulumi.Resource
) -> aws.Provider:
    """A provider for ``region`` that tags every resource with the stack's tags.

    With ``awsEndpointUrl`` set (the ``local`` stack), every service is
    pointed at that emulator with the account, credential and metadata checks
    a real AWS endpoint would need switched off.
    """
    endpoint = settings.aws.endpoint_url if settings.aws is not None else ""
    if not endpoint:
        return aws.Provider(
            name,
            region=region,
            default_tags={"tags": settings.tags},
            opts=pulumi.ResourceOptions(parent=parent),
        )
    access_key, secret_key = EMULATOR_CREDENTIALS
    # Every service the stack calls, all redirected to the emulator.
    endpoints: aws.ProviderEndpointArgsDict = {
        "apigatewayv2": endpoint,
        "cloudwatch": endpoint,
        "dynamodb": endpoint,
        "ec2": endpoint,
        "iam": endpoint,
        "kms": endpoint,
        "lambda_": endpoint,
        "logs": endpoint,
        "rds": endpoint,
        "s3": endpoint,
        "secretsmanager": endpoint,
        "sns": endpoint,
        "sqs": endpoint,
        "sts": endpoint,
    }
    return aws.Provider(
        name,
        region=region,
        default_tags={"tags": settings.tags},
        endpoints=[endpoints],
        access_key=access_key,
        secret_key=secret_key,
        s3_use_path_style=True,
        skip_credentials_validation=True,
        skip_metadata_api_check=True,
        skip_requesting_account_id=True,
        opts=pulumi.ResourceOptions(parent=parent),
    )
