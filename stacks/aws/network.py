"""A private VPC for the functions and the database, reachable services through endpoints."""

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# Two availability zones: the minimum an RDS subnet group (and Multi-AZ) accepts.
ZONE_COUNT = 2
HTTPS = 443
# Services reached through gateway endpoints: a route to each service's prefix list.
GATEWAY_SERVICES = ("s3", "dynamodb")
ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class PrivateNetworkArgs:
    """Address space and whether to pay for a NAT gateway."""

    cidr: str
    region: str
    # Without NAT, functions reach only the VPC endpoints (S3, DynamoDB and
    # the interface services below) and the database: nothing on the internet,
    # and no hourly NAT cost. With NAT they may also make HTTPS calls to anywhere.
    nat_gateway: bool = False
    # AWS services the functions reach through interface endpoints (about 16 USD a month
    # each across the two zones): Secrets Manager for the database secret, SNS for the
    # report's announcements.
    interface_services: tuple[str, ...] = ("secretsmanager",)


class PrivateNetwork(pulumi.ComponentResource):
    """VPC with private subnets in two zones, no internet route by default.

    Gateway endpoints for S3 and DynamoDB and an interface endpoint for Secrets
    Manager let functions inside the VPC reach those services without a NAT.
    ``functions_security_group`` is the one the database admits; it may send
    only HTTPS to those endpoints (and, with NAT, HTTPS to anywhere). The
    database adds the PostgreSQL rule to it (``PostgresDatabase``).
    """

    def __init__(
        self, name: str, args: PrivateNetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the VPC, subnets, routes, security groups and endpoints."""
        super().__init__("crosscloud:aws:PrivateNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        blocks = list(ipaddress.ip_network(args.cidr).subnets(prefixlen_diff=2))
        # Through the stack's provider (the parent's): the default one would read
        # ambient credentials and region, and call real AWS from the local stack.
        zones = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        ).names

        self.vpc = aws.ec2.Vpc(
            name,
            cidr_block=args.cidr,
            enable_dns_support=True,
            # Interface endpoints with private DNS need DNS hostnames.
            enable_dns_hostnames=True,
            tags={"Name": name},
            opts=child,
        )
        # The default security group allows all traffic between its members;
        # strip its rules so nothing can rely on it by accident.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=self.vpc.id, opts=child)

        self.private_route_table = aws.ec2.RouteTable(
            f"{name}-private", vpc_id=self.vpc.id, tags={"Name": f"{name}-private"}, opts=child
        )
        self.private_subnets: list[aws.ec2.Subnet] = []
        for index in range(ZONE_COUNT):
            subnet = aws.ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                cidr_block=str(blocks[index]),
                availability_zone=zones[index],
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-private-{index}", "tier": "private"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}",
                subnet_id=subnet.id,
                route_table_id=self.private_route_table.id,
                opts=child,
            )
            self.private_subnets.append(subnet)

        if args.nat_gateway:
            self._add_nat(name, str(blocks[ZONE_COUNT]), zones[0])

        # No inline rules: its egress is the standalone rules below (and the
        # database's rule in database.py), and the provider fights a group that
        # mixes inline and standalone rules (terraform-provider-aws docs,
        # r/security_group). The provider revokes AWS's default allow-all egress
        # when it creates a group (ec2/vpc_security_group.go @0160692
        # resourceSecurityGroupCreate), so only the rules below remain. A group
        # created before this change keeps its old allow-all rule: ``egress`` is
        # optional and computed, so leaving it out changes nothing; revoke it
        # once by hand (README, "Security defaults").
        self.functions_security_group = aws.ec2.SecurityGroup(
            f"{name}-functions",
            vpc_id=self.vpc.id,
            description="Functions in the VPC: outbound only",
            tags={"Name": f"{name}-functions"},
            opts=child,
        )
        endpoints_sg = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            vpc_id=self.vpc.id,
            description="Interface endpoints: HTTPS from the functions only",
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": HTTPS,
                    "to_port": HTTPS,
                    "security_groups": [self.functions_security_group.id],
                    "description": "HTTPS from the functions",
                }
            ],
            tags={"Name": f"{name}-endpoints"},
            opts=child,
        )
        gateways = {
            service: aws.ec2.VpcEndpoint(
                f"{name}-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[self.private_route_table.id],
                tags={"Name": f"{name}-{service}"},
                opts=child,
            )
            for service in GATEWAY_SERVICES
        }
        for service in args.interface_services:
            aws.ec2.VpcEndpoint(
                f"{name}-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in self.private_subnets],
                security_group_ids=[endpoints_sg.id],
                tags={"Name": f"{name}-{service}"},
                opts=child,
            )
        self._add_functions_egress(
            name, endpoints_sg.id, gateways, args.nat_gateway, args.interface_services
        )

        self.vpc_id = self.vpc.id
        self.private_subnet_ids = [s.id for s in self.private_subnets]
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "private_subnet_ids": self.private_subnet_ids,
                "functions_security_group_id": self.functions_security_group.id,
            }
        )

    def _add_functions_egress(
        self,
        name: str,
        endpoints_group_id: pulumi.Input[str],
        gateways: dict[str, aws.ec2.VpcEndpoint],
        nat_gateway: bool,
        interface_services: tuple[str, ...],
    ) -> None:
        """HTTPS from the functions to the endpoints, and with NAT to the internet.

        Standalone rules (aws_vpc_security_group_egress_rule) rather than inline
        ones: the database's group admits this group and this group names the
        database's group, which inline rules on both would make a cycle. DNS
        needs no rule: security groups do not filter traffic to the VPC's
        Amazon-provided resolver (Amazon VPC User Guide, "Security group rules").
        """
        group_id = self.functions_security_group.id
        child = pulumi.ResourceOptions(parent=self)

        def https_to(rule: str, description: str, **destination: pulumi.Input[str]) -> None:
            """One HTTPS egress rule of the functions' group, to one destination."""
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-functions-to-{rule}",
                security_group_id=group_id,
                ip_protocol="tcp",
                from_port=HTTPS,
                to_port=HTTPS,
                # EC2 accepts only A-Za-z0-9 ._-:/()#,@[]+=&;{}!$* (preflight checks).
                description=description,
                tags={"Name": f"{name}-functions-to-{rule}"},
                opts=child,
                **destination,
            )

        https_to(
            "endpoints",
            # Service ids (secretsmanager, sns): within EC2's allowed characters.
            f"HTTPS to the interface endpoints ({', '.join(interface_services)})",
            referenced_security_group_id=endpoints_group_id,
        )
        for service, endpoint in gateways.items():
            # A gateway endpoint is a route to the service's public addresses:
            # its prefix list names them, so nothing else matches this rule.
            https_to(
                service,
                f"HTTPS to {service} through its gateway endpoint",
                prefix_list_id=endpoint.prefix_list_id,
            )
        if nat_gateway:
            # What a NAT is for: AWS APIs without an endpoint here and outside
            # HTTPS services. Only HTTPS: no other port or protocol leaves the VPC.
            https_to(
                "internet", "HTTPS to the internet through the NAT gateway", cidr_ipv4=ANYWHERE
            )

    def _add_nat(self, name: str, public_cidr: str, zone: pulumi.Input[str]) -> None:
        """A public subnet with one NAT gateway, routed from the private subnets."""
        child = pulumi.ResourceOptions(parent=self)
        gateway = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags={"Name": name}, opts=child
        )
        public_table = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": ANYWHERE, "gateway_id": gateway.id}],
            tags={"Name": f"{name}-public"},
            opts=child,
        )
        public_subnet = aws.ec2.Subnet(
            f"{name}-public-0",
            vpc_id=self.vpc.id,
            cidr_block=public_cidr,
            availability_zone=zone,
            # The NAT gateway has its own Elastic IP; nothing else gets one.
            map_public_ip_on_launch=False,
            tags={"Name": f"{name}-public-0", "tier": "public"},
            opts=child,
        )
        aws.ec2.RouteTableAssociation(
            f"{name}-public-0",
            subnet_id=public_subnet.id,
            route_table_id=public_table.id,
            opts=child,
        )
        address = aws.ec2.Eip(f"{name}-nat", domain="vpc", tags={"Name": f"{name}-nat"}, opts=child)
        nat = aws.ec2.NatGateway(
            f"{name}-nat",
            subnet_id=public_subnet.id,
            allocation_id=address.id,
            tags={"Name": f"{name}-nat"},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
        )
        aws.ec2.Route(
            f"{name}-private-nat",
            route_table_id=self.private_route_table.id,
            destination_cidr_block=ANYWHERE,
            nat_gateway_id=nat.id,
            opts=child,
        )
