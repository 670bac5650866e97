"""VPC flow logs: which connections were refused (or made) inside the VPC, kept in CloudWatch Logs.

Delivered to CloudWatch Logs rather than to the access-log bucket: the group
gets a retention from config, Logs Insights can query it at once, and at
REJECT volume the ingestion cost is small (README "What it costs").
"""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.boundary import boundary_arn
from stacks.aws.iam import Statement, policy_document, service_trust_policy
from stacks.settings import PROJECT

SERVICE = "vpc-flow-logs.amazonaws.com"
# The name every flow-log group of a stack ends with; the permissions boundary
# (stacks/bootstrap/aws_permissions.py) admits the delivery role to these only.
GROUP_SUFFIX = "-flow-logs"


@dataclass(frozen=True)
class VpcFlowLogsArgs:
    """The VPC to record, what to record and for how long."""

    vpc_id: pulumi.Input[str]
    account_id: pulumi.Input[str]
    region: str
    # REJECT or ALL (terraform-provider-aws ec2/vpc_flow_log.go traffic_type, an
    # enum of ACCEPT, REJECT, ALL; it forces a new flow log when changed).
    traffic_type: str
    retention_days: int
    # Prod: Pulumi refuses to delete or replace the log group holding the records.
    protect: bool = False


class VpcFlowLogs(pulumi.ComponentResource):
    """A flow log of the whole VPC into its own log group, written by a role only it can assume.

    Every input of ``aws_flow_log`` forces replacement (vpc_flow_log.go), which
    is harmless: a flow log holds no data, its records live in the log group.
    """

    def __init__(
        self, name: str, args: VpcFlowLogsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the log group, the delivery role and its policy, and the flow log."""
        super().__init__("crosscloud:aws:VpcFlowLogs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.log_group = aws.cloudwatch.LogGroup(
            name,
            name=f"{name}{GROUP_SUFFIX}",
            retention_in_days=args.retention_days,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        # The VPC user guide's trust policy ("IAM role for publishing flow logs to
        # CloudWatch Logs"): only the flow-logs service, only for this account's flow logs.
        self.role = aws.iam.Role(
            f"{name}{GROUP_SUFFIX}",
            assume_role_policy=service_trust_policy(
                SERVICE,
                source_account=args.account_id,
                source_arn=pulumi.Output.concat(
                    "arn:aws:ec2:", args.region, ":", args.account_id, ":vpc-flow-log/*"
                ),
            ),
            description=f"Delivers the flow logs of {name} to CloudWatch Logs",
            permissions_boundary=boundary_arn(args.account_id, PROJECT),
            opts=child,
        )
        group_arn = self.log_group.arn
        role_policy = aws.iam.RolePolicy(
            f"{name}{GROUP_SUFFIX}",
            role=self.role.id,
            policy=policy_document(
                [
                    # The guide's policy minus CreateLogGroup: the group exists already.
                    Statement(
                        sid="WriteFlowLogRecords",
                        actions=[
                            "logs:CreateLogStream",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        resources=[group_arn, group_arn.apply(lambda arn: f"{arn}:*")],
                    ),
                    Statement(
                        sid="FindLogGroup",
                        actions=["logs:DescribeLogGroups"],
                        resources=["*"],
                        wildcard_resource_reason=(
                            "logs:DescribeLogGroups supports no resource type (Service "
                            "Authorization Reference, CloudWatch Logs); the guide's policy lists it"
                        ),
                    ),
                ]
            ),
            opts=child,
        )
        self.flow_log = aws.ec2.FlowLog(
            name,
            vpc_id=args.vpc_id,
            traffic_type=args.traffic_type,
            log_destination_type="cloud-watch-logs",
            log_destination=group_arn,
            iam_role_arn=self.role.arn,
            # Ten-minute windows (the default, stated): a long flow is one record per
            # ten minutes rather than per minute, which keeps ALL's volume down.
            max_aggregation_interval=600,
            tags={"Name": name},
            # The role must be able to write before the service first assumes it.
            # Every input replaces a flow log, and EC2 refuses a second one with the
            # same destination (FlowLogAlreadyExists): delete the old one first.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[role_policy], delete_before_replace=True
            ),
        )

        self.log_group_name = self.log_group.name
        self.register_outputs(
            {"flow_log_id": self.flow_log.id, "log_group_name": self.log_group_name}
        )
