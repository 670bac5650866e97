"""A Lambda function with its own log group, least-privilege role and alarms."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from function_builds.runtime import LAMBDA_RUNTIME
from stacks.aws.alarm import metric_alarm
from stacks.aws.boundary import boundary_arn
from stacks.aws.iam import Statement, policy_document, service_trust_policy
from stacks.function_archives import FunctionArchive
from stacks.settings import PROJECT

# Duration p99 above this share of the timeout means requests are about to time out.
DURATION_ALARM_SHARE = 0.8


@dataclass(frozen=True)
class VpcPlacement:
    """Private subnets and the security group a function runs in."""

    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]


@dataclass(frozen=True)
class LambdaFunctionArgs:
    """Code, handler, limits and the exact permissions of one function."""

    archive: FunctionArchive
    handler: str
    function_name: str
    architecture: str
    memory_mb: int
    timeout_seconds: int
    log_retention_days: int
    alarm_topic_arn: pulumi.Input[str]
    account_id: pulumi.Input[str]
    region: str
    # What the function may do beyond writing its own logs.
    statements: Sequence[Statement] = field(default_factory=tuple)
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    vpc: VpcPlacement | None = None


class LambdaFunction(pulumi.ComponentResource):
    """Lambda function whose role allows exactly ``args.statements`` plus its own logs.

    The log group is created by the stack (so it has a retention and is
    deleted with the stack), the function logs JSON into it, and alarms on
    errors, throttles and a p99 duration near the timeout notify the alarm topic.
    """

    def __init__(
        self, name: str, args: LambdaFunctionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the log group, role, role policy, function and alarms."""
        super().__init__("crosscloud:aws:LambdaFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.log_group = aws.cloudwatch.LogGroup(
            name,
            name=f"/aws/lambda/{args.function_name}",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        self.role = aws.iam.Role(
            name,
            assume_role_policy=service_trust_policy(
                "lambda.amazonaws.com", source_account=args.account_id
            ),
            description=f"Execution role of {args.function_name}",
            # The CI deploy role may create roles only with this boundary
            # (stacks/bootstrap/aws_permissions.py), so it cannot mint a role
            # with more than the functions need and run code as it.
            permissions_boundary=boundary_arn(args.account_id, PROJECT),
            opts=child,
        )
        statements = [
            Statement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.arn.apply(lambda arn: f"{arn}:*")],
            ),
            *args.statements,
        ]
        if args.vpc is not None:
            statements.extend(_vpc_statements(args.vpc, args.region, args.account_id))
        role_policy = aws.iam.RolePolicy(
            name, role=self.role.id, policy=policy_document(statements), opts=child
        )

        vpc_config: aws.lambda_.FunctionVpcConfigArgsDict | None = None
        if args.vpc is not None:
            vpc_config = {
                "subnet_ids": list(args.vpc.subnet_ids),
                "security_group_ids": [args.vpc.security_group_id],
            }
        self.function = aws.lambda_.Function(
            name,
            name=args.function_name,
            role=self.role.arn,
            runtime=LAMBDA_RUNTIME,
            architectures=[args.architecture],
            handler=args.handler,
            # A directory: the engine's hash of it (names, contents) decides an
            # update, and is the same on every machine. The provider zips it on upload.
            # No code signing (README, "Security defaults"): Lambda verifies only a
            # zip signed by an AWS Signer job from a versioned S3 object
            # (aws_lambda_code_signing_config, aws_signer_signing_job), which means
            # an S3 upload and a Signer call before every deploy and a build that
            # needs AWS; and the CI role that would sign is the one that deploys,
            # so a signature would prove nothing the deploy role cannot forge.
            code=pulumi.FileArchive(str(args.archive.path)),
            memory_size=args.memory_mb,
            timeout=args.timeout_seconds,
            reserved_concurrent_executions=args.reserved_concurrency,
            environment={"variables": dict(args.environment)} if args.environment else None,
            vpc_config=vpc_config,
            logging_config={"log_format": "JSON", "log_group": self.log_group.name},
            tracing_config={"mode": "PassThrough"},
            # The role must be able to write logs (and create ENIs) before the first invoke.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, self.log_group]),
        )

        function_name = {"FunctionName": self.function.name}
        for metric in ("Errors", "Throttles"):
            metric_alarm(
                f"{name}-{metric.lower()}",
                namespace="AWS/Lambda",
                metric=metric,
                dimensions=function_name,
                threshold=0,
                comparison="GreaterThanThreshold",
                topic_arn=args.alarm_topic_arn,
                parent=self,
                description=f"{args.function_name}: {metric.lower()} in the last 5 minutes.",
            )
        duration_ms = int(args.timeout_seconds * 1000 * DURATION_ALARM_SHARE)
        metric_alarm(
            f"{name}-duration-p99",
            namespace="AWS/Lambda",
            metric="Duration",
            dimensions=function_name,
            statistic=None,
            extended_statistic="p99",
            threshold=duration_ms,
            comparison="GreaterThanThreshold",
            evaluation_periods=3,
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description=f"{args.function_name}: p99 duration above {duration_ms} ms "
            f"({int(DURATION_ALARM_SHARE * 100)}% of the timeout).",
        )

        self.arn = self.function.arn
        self.name = self.function.name
        self.register_outputs(
            {"arn": self.arn, "name": self.name, "log_group": self.log_group.name}
        )


def _vpc_statements(
    vpc: VpcPlacement, region: str, account_id: pulumi.Input[str]
) -> list[Statement]:
    """What Lambda needs to attach the function to the VPC, scoped to its ENIs."""
    prefix = pulumi.Output.concat("arn:aws:ec2:", region, ":", account_id)
    interfaces = pulumi.Output.concat(prefix, ":network-interface/*")
    return [
        Statement(
            sid="ManageOwnNetworkInterfaces",
            actions=[
                "ec2:AssignPrivateIpAddresses",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=[
                interfaces,
                *(pulumi.Output.concat(prefix, ":subnet/", s) for s in vpc.subnet_ids),
                pulumi.Output.concat(prefix, ":security-group/", vpc.security_group_id),
            ],
        ),
        Statement(
            sid="DescribeNetworking",
            # The set AWSLambdaVPCAccessExecutionRole grants for describing (v3, 2024).
            actions=["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
            resources=["*"],
            wildcard_resource_reason="EC2 Describe* actions do not support resource-level scoping.",
        ),
    ]
