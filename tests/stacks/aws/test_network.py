"""The private VPC: no internet route by default, endpoints for the services functions use."""

import pytest

from tooling.synth import SynthResult, synth


def test_no_nat_or_internet_gateway_by_default(dev: SynthResult) -> None:
    """Without natGateway the VPC has no route to the internet at all."""
    for type_ in (
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/eip:Eip",
        "aws:ec2/route:Route",
    ):
        assert dev.of_type(type_) == [], type_
    (table,) = dev.of_type("aws:ec2/routeTable:RouteTable")
    assert "routes" not in table.inputs


def test_endpoints_reach_s3_dynamodb_secrets_manager_and_sns(dev: SynthResult) -> None:
    """Gateway endpoints on the private route table; Secrets Manager and SNS through private DNS."""
    table = dev.one("aws:ec2/routeTable:RouteTable")
    endpoints = {e.inputs["serviceName"]: e for e in dev.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert sorted(endpoints) == [
        "com.amazonaws.eu-west-1.dynamodb",
        "com.amazonaws.eu-west-1.s3",
        "com.amazonaws.eu-west-1.secretsmanager",
        "com.amazonaws.eu-west-1.sns",
    ]
    for service in ("s3", "dynamodb"):
        gateway = endpoints[f"com.amazonaws.eu-west-1.{service}"]
        assert gateway.inputs["vpcEndpointType"] == "Gateway"
        assert gateway.inputs["routeTableIds"] == [table.id]
    private_ids = {s.id for s in dev.of_type("aws:ec2/subnet:Subnet")}
    # SNS: the report function announces from inside the VPC.
    for service in ("secretsmanager", "sns"):
        interface = endpoints[f"com.amazonaws.eu-west-1.{service}"]
        assert interface.inputs["vpcEndpointType"] == "Interface"
        assert interface.inputs["privateDnsEnabled"] is True
        assert set(interface.inputs["subnetIds"]) == private_ids


def test_default_security_group_is_emptied(dev: SynthResult) -> None:
    """The VPC's default security group is adopted with no rules."""
    group = dev.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert "ingress" not in group.inputs
    assert "egress" not in group.inputs


def test_nat_gateway_when_configured() -> None:
    """natGateway: true adds one NAT gateway and a default route from the private subnets."""
    result = synth("dev", overrides={"crosscloud:natGateway": "true"})
    nat = result.one("aws:ec2/natGateway:NatGateway")
    route = result.one("aws:ec2/route:Route")
    private_table = result.one("aws:ec2/routeTable:RouteTable", "crosscloud-dev-vpc-private")
    assert route.inputs["natGatewayId"] == nat.id
    assert route.inputs["routeTableId"] == private_table.id
    assert route.inputs["destinationCidrBlock"] == "0.0.0.0/0"


EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"


def functions_egress(result: SynthResult) -> set[tuple[str, int, int, str, str]]:
    """(protocol, from, to, destination kind, destination) of each egress rule of the functions."""
    group = result.one(SECURITY_GROUP, f"crosscloud-{result.stack}-vpc-functions")
    destinations = ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")
    rules = set()
    for rule in result.of_type(EGRESS_RULE):
        assert rule.inputs["securityGroupId"] == group.id, rule.name
        (kind,) = [key for key in destinations if key in rule.inputs]
        rules.add(
            (
                rule.inputs["ipProtocol"],
                int(rule.inputs["fromPort"]),
                int(rule.inputs["toPort"]),
                kind,
                rule.inputs[kind],
            )
        )
    return rules


def expected_without_nat(result: SynthResult) -> set[tuple[str, int, int, str, str]]:
    """HTTPS to the endpoints' group and both gateway prefix lists; PostgreSQL to the database."""
    stack = result.stack
    endpoints = result.one(SECURITY_GROUP, f"crosscloud-{stack}-vpc-endpoints")
    database = result.one(SECURITY_GROUP, f"crosscloud-{stack}-db-db")
    gateways = {
        e.inputs["serviceName"].rsplit(".", 1)[1]: e.state["prefixListId"]
        for e in result.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
        if e.inputs["vpcEndpointType"] == "Gateway"
    }
    assert sorted(gateways) == ["dynamodb", "s3"]
    assert all(str(p).startswith("pl-") for p in gateways.values())
    return {
        ("tcp", 443, 443, "referencedSecurityGroupId", endpoints.id),
        ("tcp", 443, 443, "prefixListId", gateways["s3"]),
        ("tcp", 443, 443, "prefixListId", gateways["dynamodb"]),
        ("tcp", 5432, 5432, "referencedSecurityGroupId", database.id),
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_functions_send_only_https_to_endpoints_and_postgres_without_nat(
    stack: str, synths: dict[str, SynthResult]
) -> None:
    """Without NAT the functions' group reaches the endpoints on 443 and the database on 5432."""
    result = synths[stack]
    assert result.config.get("crosscloud:natGateway", "false") == "false"
    assert functions_egress(result) == expected_without_nat(result)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_nat_adds_only_https_to_anywhere(stack: str) -> None:
    """With NAT the one extra rule is HTTPS to 0.0.0.0/0: no other port, never all traffic."""
    result = synth(stack, overrides={"crosscloud:natGateway": "true"})
    rules, base = functions_egress(result), expected_without_nat(result)
    assert base <= rules
    assert rules - base == {("tcp", 443, 443, "cidrIpv4", "0.0.0.0/0")}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_functions_group_has_no_inline_rules(stack: str, synths: dict[str, SynthResult]) -> None:
    """The functions' group declares no inline rules: the provider must not fight the standalone
    ones, and AWS's default allow-all egress is revoked when the group is created."""
    group = synths[stack].one(SECURITY_GROUP, f"crosscloud-{stack}-vpc-functions")
    assert "egress" not in group.inputs
    assert "ingress" not in group.inputs


def test_database_admits_the_functions_and_sends_nothing(dev: SynthResult) -> None:
    """The database's group keeps its inline rules: PostgreSQL in from the functions, no egress."""
    database = dev.one(SECURITY_GROUP, "crosscloud-dev-db-db")
    functions = dev.one(SECURITY_GROUP, "crosscloud-dev-vpc-functions")
    (ingress,) = database.inputs["ingress"]
    assert ingress["securityGroups"] == [functions.id]
    assert (ingress["protocol"], ingress["fromPort"], ingress["toPort"]) == ("tcp", 5432, 5432)
    assert database.inputs["egress"] == []


def test_the_endpoints_rule_names_every_interface_service(dev: SynthResult) -> None:
    """The egress rule to the interface endpoints says which services are behind them."""
    (rule,) = [
        r
        for r in dev.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        if r.name.endswith("-functions-to-endpoints")
    ]
    assert rule.inputs["description"] == "HTTPS to the interface endpoints (secretsmanager, sns)"
