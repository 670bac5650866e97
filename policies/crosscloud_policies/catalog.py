"""Every rule of the pack, in the order the README lists them."""

from . import (
    aws_iam,
    aws_records,
    aws_s3,
    cloudfunctions,
    cloudsql,
    dynamodb,
    function_env,
    gcp_iam,
    gcs,
    lambda_,
    messaging,
    network,
    rds,
    schedules,
    sqs,
    stack,
    tags,
)
from .core import Rule

# The PolicyPack's name, as `pulumi preview` prints it beside each violation.
PACK_NAME = "crosscloud"

RULES: tuple[Rule, ...] = (
    *aws_s3.RULES,
    *gcs.RULES,
    *aws_iam.RULES,
    *gcp_iam.RULES,
    *rds.RULES,
    *cloudsql.RULES,
    *dynamodb.RULES,
    *lambda_.RULES,
    *sqs.RULES,
    *cloudfunctions.RULES,
    *function_env.RULES,
    *network.RULES,
    *tags.RULES,
    *stack.RULES,
    *aws_records.RULES,
    *messaging.RULES,
    *schedules.RULES,
)
