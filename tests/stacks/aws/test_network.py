"""The private VPC: no internet route by default, endpoints for the services functions use."""

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


def test_endpoints_reach_s3_dynamodb_and_secrets_manager(dev: SynthResult) -> None:
    """Gateway endpoints on the private route table; Secrets Manager through private DNS."""
    table = dev.one("aws:ec2/routeTable:RouteTable")
    endpoints = {e.inputs["serviceName"]: e for e in dev.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert sorted(endpoints) == [
        "com.amazonaws.eu-west-1.dynamodb",
        "com.amazonaws.eu-west-1.s3",
        "com.amazonaws.eu-west-1.secretsmanager",
    ]
    for service in ("s3", "dynamodb"):
        gateway = endpoints[f"com.amazonaws.eu-west-1.{service}"]
        assert gateway.inputs["vpcEndpointType"] == "Gateway"
        assert gateway.inputs["routeTableIds"] == [table.id]
    interface = endpoints["com.amazonaws.eu-west-1.secretsmanager"]
    assert interface.inputs["vpcEndpointType"] == "Interface"
    assert interface.inputs["privateDnsEnabled"] is True
    private_ids = {s.id for s in dev.of_type("aws:ec2/subnet:Subnet")}
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
