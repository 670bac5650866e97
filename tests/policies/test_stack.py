"""Stack-wide rules: protected prod state, alarms with actions, no unintended public exposure."""

from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import stack
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]


@pytest.mark.parametrize("type_", sorted(stack.STATEFUL))
def test_unprotected_stateful_resource_fails_in_prod_only(
    type_: str, subject: MakeSubject, dev_settings: Settings, prod_settings: Settings
) -> None:
    """Each stateful type must be protected in prod; dev may leave it unprotected."""
    loose = subject(type_, {}, name="data")
    assert list(stack.prod_stateful_protected(loose, dev_settings)) == []
    assert list(stack.prod_stateful_protected(loose, prod_settings)) == [
        f"{type_.rsplit(':', 1)[-1]} data in prod stack prod is not protected."
    ]
    protected = subject(type_, {}, name="data", protect=True)
    assert list(stack.prod_stateful_protected(protected, prod_settings)) == []


def test_stateless_resources_need_no_protection(
    subject: MakeSubject, prod_settings: Settings
) -> None:
    """An alarm or a subnet can be recreated, so it need not be protected."""
    alarm = subject("aws:cloudwatch/metricAlarm:MetricAlarm", {"alarmActions": ["arn"]})
    assert list(stack.prod_stateful_protected(alarm, prod_settings)) == []


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            {"alarmActions": ["arn:aws:sns:eu-west-1:1:t"]},
            [],
        ),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", {}, ["Alarm a has no alarmActions."]),
        (
            "aws:cloudwatch/compositeAlarm:CompositeAlarm",
            {"alarmActions": ["arn"], "actionsEnabled": False},
            ["Alarm a sets actionsEnabled: false."],
        ),
        (
            "gcp:monitoring/alertPolicy:AlertPolicy",
            {"notificationChannels": ["projects/p/notificationChannels/1"]},
            [],
        ),
        (
            "gcp:monitoring/alertPolicy:AlertPolicy",
            {"notificationChannels": []},
            ["Alert policy a has no notificationChannels."],
        ),
    ],
)
def test_alarm_has_action(
    type_: str,
    props: dict[str, Any],
    expected: list[str],
    subject: MakeSubject,
    dev_settings: Settings,
) -> None:
    """Alarms and alert policies must notify someone."""
    assert list(stack.alarm_has_action(subject(type_, props, name="a"), dev_settings)) == expected


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (
            "aws:ec2/securityGroup:SecurityGroup",
            {
                "ingress": [
                    {
                        "protocol": "tcp",
                        "fromPort": 443.0,
                        "toPort": 443.0,
                        "securityGroups": ["sg-1"],
                    }
                ]
            },
            [],
        ),
        (
            "aws:ec2/securityGroup:SecurityGroup",
            {
                "ingress": [
                    {
                        "protocol": "tcp",
                        "fromPort": 22.0,
                        "toPort": 22.0,
                        "cidrBlocks": ["0.0.0.0/0"],
                    }
                ]
            },
            ["Security group x allows ingress from 0.0.0.0/0."],
        ),
        (
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            {"cidrIpv6": "::/0", "ipProtocol": "tcp"},
            ["Security group ingress rule x allows ingress from ::/0."],
        ),
        (
            "aws:ec2/subnet:Subnet",
            {"mapPublicIpOnLaunch": True},
            ["Subnet x gives instances public IPs (mapPublicIpOnLaunch)."],
        ),
        # Egress to the internet is how functions reach AWS APIs; only ingress counts.
        ("aws:ec2/securityGroup:SecurityGroup", {"egress": [{"cidrBlocks": ["0.0.0.0/0"]}]}, []),
    ],
)
def test_open_network_ingress_always_fails(
    type_: str,
    props: dict[str, Any],
    expected: list[str],
    subject: MakeSubject,
    public_settings: Settings,
) -> None:
    """World-open ingress fails even in a stack with a public API."""
    assert (
        list(stack.no_unintended_public(subject(type_, props, name="x"), public_settings))
        == expected
    )


@pytest.mark.parametrize(
    ("type_", "props", "violations"),
    [
        (
            "aws:apigatewayv2/route:Route",
            {"routeKey": "ANY /{proxy+}", "authorizationType": "AWS_IAM"},
            0,
        ),
        ("aws:apigatewayv2/route:Route", {"routeKey": "ANY /{proxy+}"}, 1),
        ("aws:apigatewayv2/route:Route", {"routeKey": "GET /", "authorizationType": "NONE"}, 1),
        ("aws:lambda/functionUrl:FunctionUrl", {"authorizationType": "NONE"}, 1),
        ("aws:lambda/functionUrl:FunctionUrl", {"authorizationType": "AWS_IAM"}, 0),
        (
            "aws:lambda/permission:Permission",
            {"principal": "*", "action": "lambda:InvokeFunctionUrl"},
            1,
        ),
    ],
)
def test_open_endpoints_need_a_public_api_stack(
    type_: str,
    props: dict[str, Any],
    violations: int,
    subject: MakeSubject,
    dev_settings: Settings,
    public_settings: Settings,
) -> None:
    """Unauthenticated endpoints fail unless the stack declares a public API."""
    resource = subject(type_, props, name="x")
    found = list(stack.no_unintended_public(resource, dev_settings))
    assert len(found) == violations
    if violations:
        assert found[0].endswith("Stack dev does not declare a public API (crosscloud:publicApi).")
    assert list(stack.no_unintended_public(resource, public_settings)) == []
