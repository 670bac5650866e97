"""VPC flow logs: the whole VPC, into a log group with the audit retention, by a confined role."""

import json

import pytest

from tooling.synth import SynthResult, synth


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest, synths: dict[str, SynthResult]) -> SynthResult:
    """Each shipped stack in turn."""
    return synths[request.param]


def test_the_vpc_has_one_flow_log_of_rejected_traffic(stack: SynthResult) -> None:
    """One flow log on the stack's VPC records rejected connections into CloudWatch Logs."""
    vpc = stack.one("aws:ec2/vpc:Vpc")
    flow_log = stack.one("aws:ec2/flowLog:FlowLog")
    group = stack.one("aws:cloudwatch/logGroup:LogGroup", f"crosscloud-{stack.stack}-vpc")
    assert flow_log.inputs["vpcId"] == vpc.id
    assert flow_log.inputs["trafficType"] == "REJECT"
    assert flow_log.inputs["logDestinationType"] == "cloud-watch-logs"
    assert flow_log.inputs["logDestination"] == group.state["arn"]
    assert flow_log.inputs["maxAggregationInterval"] == 600


def test_flow_log_group_keeps_records_for_the_audit_retention(stack: SynthResult) -> None:
    """The group is named for the stack, keeps auditLogRetentionDays, and is protected in prod."""
    group = stack.one("aws:cloudwatch/logGroup:LogGroup", f"crosscloud-{stack.stack}-vpc")
    assert group.inputs["name"] == f"crosscloud-{stack.stack}-vpc-flow-logs"
    days = {"dev": 7, "prod": 365}[stack.stack]
    assert group.inputs["retentionInDays"] == days
    assert group.protect is (stack.stack == "prod")


def test_delivery_role_is_assumable_only_by_flow_logs_of_this_account(stack: SynthResult) -> None:
    """The trust names vpc-flow-logs with aws:SourceAccount and this account's flow-log ARNs."""
    flow_log = stack.one("aws:ec2/flowLog:FlowLog")
    (role,) = [
        r
        for r in stack.of_type("aws:iam/role:Role")
        if r.state["arn"] == flow_log.inputs["iamRoleArn"]
    ]
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*"},
    }
    assert role.inputs["permissionsBoundary"].endswith(
        ":policy/github-actions-crosscloud-function-boundary"
    )


def test_delivery_role_writes_only_its_own_group(stack: SynthResult) -> None:
    """The role may write streams of the flow-log group only; DescribeLogGroups is the one '*'."""
    group = stack.one("aws:cloudwatch/logGroup:LogGroup", f"crosscloud-{stack.stack}-vpc")
    policy = stack.one("aws:iam/rolePolicy:RolePolicy", f"crosscloud-{stack.stack}-vpc-flow-logs")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    arn = group.state["arn"]
    assert statements["WriteFlowLogRecords"]["Action"] == [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    assert statements["WriteFlowLogRecords"]["Resource"] == [arn, f"{arn}:*"]
    assert statements["FindLogGroup"] == {
        "Sid": "FindLogGroup",
        "Effect": "Allow",
        "Action": ["logs:DescribeLogGroups"],
        "Resource": ["*"],
    }


def test_flow_log_waits_for_its_role_policy(dev: SynthResult) -> None:
    """The flow log is created after the role policy, so the first delivery is allowed."""
    flow_log = dev.one("aws:ec2/flowLog:FlowLog")
    policy = dev.one("aws:iam/rolePolicy:RolePolicy", "crosscloud-dev-vpc-flow-logs")
    assert policy.urn in flow_log.dependencies


def test_all_traffic_when_configured() -> None:
    """vpcFlowLogTraffic ALL records accepted flows too."""
    result = synth("dev", overrides={"crosscloud:vpcFlowLogTraffic": "ALL"})
    assert result.one("aws:ec2/flowLog:FlowLog").inputs["trafficType"] == "ALL"
