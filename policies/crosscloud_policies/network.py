"""Network egress: no all-traffic rule, and the internet only over HTTPS through a NAT gateway."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, StackRule, Subject, items, of_types
from .settings import Settings

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
# EC2's names for "every protocol" (the API also accepts the protocol's name "all").
ALL_PROTOCOLS = frozenset({"-1", "all"})
HTTPS = 443


def _egress_of(subject: Subject) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(label, rule) for each egress rule a resource declares, as protocol/ports/CIDRs."""
    props = subject.props
    if subject.type == SECURITY_GROUP:
        for index, rule in enumerate(items(props.get("egress"))):
            if isinstance(rule, Mapping):
                yield (
                    f"Security group {subject.name} egress[{index}]",
                    {
                        "protocol": rule.get("protocol"),
                        "from": rule.get("fromPort"),
                        "to": rule.get("toPort"),
                        "cidrs": items(rule.get("cidrBlocks")) + items(rule.get("ipv6CidrBlocks")),
                    },
                )
    elif subject.type == SECURITY_GROUP_RULE and props.get("type") == "egress":
        yield (
            f"Security group rule {subject.name}",
            {
                "protocol": props.get("protocol"),
                "from": props.get("fromPort"),
                "to": props.get("toPort"),
                "cidrs": items(props.get("cidrBlocks")) + items(props.get("ipv6CidrBlocks")),
            },
        )
    elif subject.type == EGRESS_RULE:
        yield (
            f"Security group egress rule {subject.name}",
            {
                "protocol": props.get("ipProtocol"),
                "from": props.get("fromPort"),
                "to": props.get("toPort"),
                "cidrs": [c for c in (props.get("cidrIpv4"), props.get("cidrIpv6")) if c],
            },
        )


def _is_https(rule: Mapping[str, Any]) -> bool:
    """TCP to port 443 and nothing else."""
    return str(rule["protocol"]).lower() in ("tcp", "6") and rule["from"] == rule["to"] == HTTPS


def egress_restricted(subjects: Sequence[Subject], _settings: Settings) -> Iterator[Finding]:
    """No all-traffic egress; egress to the internet only as HTTPS, and only behind a NAT."""
    has_nat = any(True for _ in of_types(subjects, [NAT_GATEWAY]))
    for subject in of_types(subjects, [SECURITY_GROUP, SECURITY_GROUP_RULE, EGRESS_RULE]):
        for label, rule in _egress_of(subject):
            if str(rule["protocol"]).lower() in ALL_PROTOCOLS:
                yield Finding(subject.urn, f"{label} allows all traffic (protocol -1).")
            for cidr in sorted(set(rule["cidrs"]) & OPEN_CIDRS):
                if not has_nat:
                    yield Finding(
                        subject.urn,
                        f"{label} allows egress to {cidr}, but the stack has no NAT gateway "
                        "(crosscloud:natGateway): name the endpoint or group it needs.",
                    )
                elif not _is_https(rule):
                    yield Finding(
                        subject.urn, f"{label} allows egress to {cidr} other than HTTPS (tcp 443)."
                    )


RULES: tuple[Rule, ...] = (
    StackRule(
        name="security-group-egress-restricted",
        description=(
            "No security group egress allows all traffic (protocol -1); egress to 0.0.0.0/0 or "
            "::/0 only as HTTPS (tcp 443) and only in a stack with a NAT gateway."
        ),
        remediation=(
            "Name the destination: the endpoints' security group, a gateway endpoint's prefix "
            "list, the database's security group (stacks/aws/network.py); to reach the internet, "
            "set crosscloud:natGateway and allow tcp 443 only."
        ),
        why="Code in the VPC can reach only what it needs; a compromised function cannot "
        "send data anywhere on any port.",
        check=egress_restricted,
    ),
)
