"""The channels database: private, encrypted RDS PostgreSQL with an RDS-managed password."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from stacks.aws.alarm import metric_alarm
from stacks.exceptions import CrosscloudError

ENGINE = "postgres"
ENGINE_MAJOR = "16"
PORT = 5432
# The logs RDS exports to CloudWatch, each into /aws/rds/instance/<identifier>/<kind>.
LOG_EXPORTS = ("postgresql", "upgrade")
# CloudWatch reports free storage in bytes.
GIB = 1024**3


@dataclass(frozen=True)
class PostgresDatabaseArgs:
    """Size, durability and placement of the database."""

    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    # The only security group allowed to connect (the functions').
    client_security_group_id: pulumi.Input[str]
    alarm_topic_arn: pulumi.Input[str]
    instance_class: str
    allocated_storage_gb: int
    max_allocated_storage_gb: int
    backup_retention_days: int
    multi_az: bool
    deletion_protection: bool
    # Dev is deletable without leaving a snapshot behind; everything else keeps one.
    final_snapshot: bool
    # Retention of the exported PostgreSQL logs.
    log_retention_days: int
    # Apply changes at once (dev) or in the maintenance window (prod).
    apply_immediately: bool = False
    max_connections_alarm: int = 80
    # Prod: Pulumi refuses to delete or replace the instance itself (its
    # settings, policies and alarms stay free to change).
    protect: bool = False
    db_name: str = "channels"
    master_username: str = "crosscloud_admin"


class PostgresDatabase(pulumi.ComponentResource):
    """RDS PostgreSQL in private subnets, reachable only from the functions' security group.

    The master password is created and rotated by RDS in Secrets Manager
    (``manage_master_user_password``): it never appears in config, code or
    state. ``secret_arn`` is that secret, for the functions to read.
    """

    def __init__(
        self, name: str, args: PostgresDatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the subnet group, security group, parameter group, instance and alarms."""
        super().__init__("crosscloud:aws:PostgresDatabase", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        subnet_group = aws.rds.SubnetGroup(
            name,
            subnet_ids=list(args.subnet_ids),
            description=f"{name} private subnets",
            opts=child,
        )
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-db",
            vpc_id=args.vpc_id,
            description="PostgreSQL: only from the functions",
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": PORT,
                    "to_port": PORT,
                    "security_groups": [args.client_security_group_id],
                    # EC2 accepts only A-Za-z0-9 ._-:/()#,@[]+=&;{}!$* here (no apostrophe).
                    "description": "PostgreSQL from the functions security group",
                }
            ],
            # A database never starts connections of its own.
            egress=[],
            opts=child,
        )
        # The clients' side of the same path: their group sends nothing by
        # default (stacks/aws/network.py). A standalone rule, so neither group's
        # inline rules name the other (which would be a cycle).
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-client-egress",
            security_group_id=args.client_security_group_id,
            ip_protocol="tcp",
            from_port=PORT,
            to_port=PORT,
            referenced_security_group_id=self.security_group.id,
            description="PostgreSQL to the database security group",
            tags={"Name": f"{name}-client-egress"},
            opts=child,
        )
        parameters = aws.rds.ParameterGroup(
            name,
            family=f"postgres{ENGINE_MAJOR}",
            description="TLS required for every connection",
            parameters=[
                {"name": "rds.force_ssl", "value": "1"},
                {"name": "log_min_duration_statement", "value": "1000"},
            ],
            opts=child,
        )
        # RDS creates its log groups without retention unless they exist first,
        # and it keeps using groups that follow its naming: create them here.
        # That needs the identifier before the instance, so it is the component's name.
        log_groups = [
            aws.cloudwatch.LogGroup(
                f"{name}-{kind}",
                name=f"/aws/rds/instance/{name}/{kind}",
                retention_in_days=args.log_retention_days,
                opts=child,
            )
            for kind in LOG_EXPORTS
        ]
        # Every input set below that replaces the instance (ForceNew in
        # terraform-provider-aws rds/instance.go), as the instance gets it: the
        # final-snapshot name is keyed on these, so each generation's snapshot
        # has a new name (a test holds this list to the instance's inputs).
        replacing: dict[str, str | bool] = {
            "engine": ENGINE,
            "storage_encrypted": True,
            "db_name": args.db_name,
            "username": args.master_username,
        }
        self.instance = aws.rds.Instance(
            name,
            identifier=name,
            engine_version=ENGINE_MAJOR,
            instance_class=args.instance_class,
            allocated_storage=args.allocated_storage_gb,
            max_allocated_storage=args.max_allocated_storage_gb,
            storage_type="gp3",
            engine=ENGINE,
            storage_encrypted=True,
            db_name=args.db_name,
            username=args.master_username,
            manage_master_user_password=True,
            iam_database_authentication_enabled=True,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            parameter_group_name=parameters.name,
            publicly_accessible=False,
            multi_az=args.multi_az,
            deletion_protection=args.deletion_protection,
            backup_retention_period=args.backup_retention_days,
            backup_window="02:00-03:00",
            maintenance_window="sun:03:30-sun:04:30",
            copy_tags_to_snapshot=True,
            skip_final_snapshot=not args.final_snapshot,
            final_snapshot_identifier=self._final_snapshot_name(name, args, replacing),
            auto_minor_version_upgrade=True,
            # Dev applies a change at once; prod waits for the maintenance window
            # (until then, previews show the pending change again).
            apply_immediately=args.apply_immediately,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            # A fixed identifier cannot exist twice: a replacement (forced only by
            # ``replacing``) deletes the old instance, leaving its final snapshot,
            # before creating the new one.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=log_groups,
                delete_before_replace=True,
                protect=args.protect,
            ),
        )

        identifier = {"DBInstanceIdentifier": self.instance.identifier}
        metric_alarm(
            f"{name}-cpu",
            namespace="AWS/RDS",
            metric="CPUUtilization",
            dimensions=identifier,
            statistic="Average",
            threshold=80,
            comparison="GreaterThanThreshold",
            evaluation_periods=3,
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description="Database CPU above 80% for 15 minutes.",
        )
        free_storage_floor = max(2, args.allocated_storage_gb // 10)
        metric_alarm(
            f"{name}-free-storage",
            namespace="AWS/RDS",
            metric="FreeStorageSpace",
            dimensions=identifier,
            statistic="Minimum",
            threshold=free_storage_floor * GIB,
            comparison="LessThanThreshold",
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description=f"Database free storage below {free_storage_floor} GiB.",
        )
        metric_alarm(
            f"{name}-connections",
            namespace="AWS/RDS",
            metric="DatabaseConnections",
            dimensions=identifier,
            statistic="Maximum",
            threshold=args.max_connections_alarm,
            comparison="GreaterThanThreshold",
            evaluation_periods=2,
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description=f"More than {args.max_connections_alarm} database connections.",
        )

        self.address = self.instance.address
        self.port = self.instance.port
        self.db_name = args.db_name
        self.secret_arn = self.instance.master_user_secrets.apply(_managed_secret_arn)
        self.register_outputs(
            {
                "address": self.address,
                "port": self.port,
                "secret_arn": self.secret_arn,
                "security_group_id": self.security_group.id,
            }
        )

    def _final_snapshot_name(
        self, name: str, args: PostgresDatabaseArgs, replacing: dict[str, str | bool]
    ) -> pulumi.Output[str] | None:
        """A final-snapshot name no earlier generation of this database has used.

        RDS refuses a final snapshot whose name exists, so a fixed name fails on
        the second replacement or deletion. The suffix is random, and is drawn
        again whenever an input that replaces the instance changes.
        """
        if not args.final_snapshot:
            return None
        suffix = random.RandomId(
            f"{name}-final-snapshot",
            byte_length=4,
            keepers={_camel(key): str(value).lower() for key, value in replacing.items()},
            opts=pulumi.ResourceOptions(parent=self),
        )
        return pulumi.Output.concat(name, "-final-", suffix.hex)


def _camel(name: str) -> str:
    """The engine's name of an input (``db_name`` -> ``dbName``)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _managed_secret_arn(secrets: Sequence[aws.rds.outputs.InstanceMasterUserSecret]) -> str:
    """The ARN of the secret RDS created for the master password."""
    arn = secrets[0].secret_arn if secrets else None
    if not arn:
        raise CrosscloudError("RDS reported no managed master user secret for the database")
    return arn
