"""Network egress rule: no all-traffic egress; the internet only over HTTPS behind a NAT."""

from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import network
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings, build_settings
from tooling.synth import synth

MakeSubject = Callable[..., Subject]


def egress_rule(subject: MakeSubject, name: str, **props: Any) -> Subject:
    """A standalone egress rule of the functions' group."""
    return subject(network.EGRESS_RULE, {"securityGroupId": "sg-functions", **props}, name=name)


def https(**destination: Any) -> dict[str, Any]:
    """TCP 443 to one destination."""
    return {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, **destination}


def messages(subjects: list[Subject], settings: Settings) -> list[str]:
    """What the stack rule reports."""
    return [f.message for f in network.egress_restricted(subjects, settings)]


def test_the_stacks_rules_pass_without_nat(subject: MakeSubject, dev_settings: Settings) -> None:
    """HTTPS to a group and a prefix list, PostgreSQL to a group: what the stacks declare."""
    subjects = [
        egress_rule(subject, "to-endpoints", **https(referencedSecurityGroupId="sg-endpoints")),
        egress_rule(subject, "to-s3", **https(prefixListId="pl-6da54004")),
        egress_rule(
            subject,
            "to-db",
            ipProtocol="tcp",
            fromPort=5432,
            toPort=5432,
            referencedSecurityGroupId="sg-db",
        ),
        subject(network.SECURITY_GROUP, {"vpcId": "vpc-1", "egress": []}, name="db"),
    ]
    assert messages(subjects, dev_settings) == []


def test_https_to_anywhere_passes_with_a_nat(subject: MakeSubject, dev_settings: Settings) -> None:
    """With a NAT gateway in the stack, tcp 443 to 0.0.0.0/0 is the one open rule allowed."""
    subjects = [
        subject(network.NAT_GATEWAY, {"subnetId": "subnet-1"}, name="nat"),
        egress_rule(subject, "to-internet", **https(cidrIpv4="0.0.0.0/0")),
    ]
    assert messages(subjects, dev_settings) == []


def test_https_to_anywhere_fails_without_a_nat(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Without NAT an open destination is refused, even on 443."""
    subjects = [egress_rule(subject, "to-internet", **https(cidrIpv4="0.0.0.0/0"))]
    (message,) = messages(subjects, dev_settings)
    assert "to-internet allows egress to 0.0.0.0/0" in message
    assert "no NAT gateway" in message


@pytest.mark.parametrize(
    "props",
    [
        {"ipProtocol": "tcp", "fromPort": 0, "toPort": 65535, "cidrIpv4": "0.0.0.0/0"},
        {"ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "cidrIpv6": "::/0"},
        {"ipProtocol": "udp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"},
    ],
)
def test_other_ports_to_anywhere_fail_even_with_a_nat(
    props: dict[str, Any], subject: MakeSubject, dev_settings: Settings
) -> None:
    """Behind a NAT only tcp 443 may go to the internet."""
    subjects = [
        subject(network.NAT_GATEWAY, {}, name="nat"),
        egress_rule(subject, "wide", **props),
    ]
    (message,) = messages(subjects, dev_settings)
    assert "other than HTTPS (tcp 443)" in message


def test_all_traffic_fails_in_every_shape(subject: MakeSubject, dev_settings: Settings) -> None:
    """The old inline allow-all, an all-protocol rule to a group, and an ec2 SecurityGroupRule."""
    subjects = [
        subject(network.NAT_GATEWAY, {}, name="nat"),
        subject(
            network.SECURITY_GROUP,
            {
                "egress": [
                    {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}
                ]
            },
            name="functions",
        ),
        egress_rule(subject, "all-to-db", ipProtocol="-1", referencedSecurityGroupId="sg-db"),
        subject(
            network.SECURITY_GROUP_RULE,
            {"type": "egress", "protocol": "all", "fromPort": 0, "toPort": 0, "cidrBlocks": []},
            name="legacy",
        ),
    ]
    found = messages(subjects, dev_settings)
    assert found == [
        "Security group functions egress[0] allows all traffic (protocol -1).",
        "Security group functions egress[0] allows egress to 0.0.0.0/0 other than HTTPS (tcp 443).",
        "Security group egress rule all-to-db allows all traffic (protocol -1).",
        "Security group rule legacy allows all traffic (protocol -1).",
    ]


def test_ingress_rules_are_not_judged_here(subject: MakeSubject, dev_settings: Settings) -> None:
    """An ingress SecurityGroupRule is no-unintended-public-exposure's business."""
    rule = subject(
        network.SECURITY_GROUP_RULE,
        {"type": "ingress", "protocol": "-1", "cidrBlocks": ["10.0.0.0/8"]},
    )
    assert messages([rule], dev_settings) == []


@pytest.mark.parametrize("nat", ["false", "true"])
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_pass_with_and_without_nat(stack: str, nat: str) -> None:
    """The synthesized stacks' egress passes the rule, with natGateway off and on."""
    result = synth(stack, overrides={"crosscloud:natGateway": nat})
    subjects = [
        Subject(type=r.type, name=r.name, urn=r.urn, props=r.inputs) for r in result.resources
    ]
    assert any(s.type == network.EGRESS_RULE for s in subjects)
    assert any(s.type == network.NAT_GATEWAY for s in subjects) is (nat == "true")
    assert messages(subjects, build_settings(None, stack, {})) == []
