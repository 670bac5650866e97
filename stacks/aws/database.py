"""The channels database: private, encrypted RDS PostgreSQL with an RDS-managed password."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from stacks.aws.alarm import metric_alarm
from stacks.aws.boundary import boundary_arn
from stacks.aws.iam import Statement, policy_document, service_trust_policy
from stacks.exceptions import CrosscloudError
from stacks.settings import PROJECT, DatabaseLogSettings

ENGINE = "postgres"
ENGINE_MAJOR = "16"
PORT = 5432
# The logs RDS exports to CloudWatch, each into /aws/rds/instance/<identifier>/<kind>.
LOG_EXPORTS = ("postgresql", "upgrade")
# CloudWatch reports free storage in bytes.
GIB = 1024**3
# Performance Insights' free tier keeps 7 days (RDS user guide, "Pricing and data
# retention for Performance Insights"). RDS for PostgreSQL supports it on every
# instance class, db.t4g.micro included: the guide's class restrictions
# ("Amazon RDS DB engine, Region, and instance class support for Performance
# Insights") name MariaDB and MySQL only.
PERFORMANCE_INSIGHTS_FREE_DAYS = 7
# Loaded at server start, so a change waits for a reboot (RDS calls it static and
# refuses apply_method "immediate" for it). pg_stat_statements is RDS's default value.
PRELOAD_LIBRARIES = "pg_stat_statements,pgaudit"
# Enhanced monitoring writes OS metrics to this account-wide group (RDS user
# guide, "Setting up and enabling Enhanced Monitoring").
MONITORING_LOG_GROUP = "RDSOSMetrics"


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
    # Retention of the exported PostgreSQL logs (audit records: pgAudit writes there).
    log_retention_days: int
    # What PostgreSQL logs: connections, slow and failing statements, pgAudit classes.
    logging: DatabaseLogSettings
    account_id: pulumi.Input[str]
    region: str
    # Enhanced monitoring: seconds between OS samples; 0 is off.
    monitoring_interval_seconds: int = 0
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
            # The description forces a new group (rds/parameter_group.go): left as it was.
            description="TLS required for every connection",
            parameters=parameter_values(args.logging),
            opts=child,
        )
        monitoring = self._monitoring_role(name, args) if args.monitoring_interval_seconds else None
        monitoring_role = monitoring[0] if monitoring is not None else None
        # RDS creates its log groups without retention unless they exist first,
        # and it keeps using groups that follow its naming: create them here.
        # That needs the identifier before the instance, so it is the component's name.
        log_groups = [
            aws.cloudwatch.LogGroup(
                f"{name}-{kind}",
                name=f"/aws/rds/instance/{name}/{kind}",
                retention_in_days=args.log_retention_days,
                # pgAudit writes into the postgresql log: audit records, kept in prod.
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
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
            performance_insights_enabled=True,
            performance_insights_retention_period=PERFORMANCE_INSIGHTS_FREE_DAYS,
            monitoring_interval=args.monitoring_interval_seconds,
            monitoring_role_arn=monitoring_role.arn if monitoring_role is not None else None,
            # A fixed identifier cannot exist twice: a replacement (forced only by
            # ``replacing``) deletes the old instance, leaving its final snapshot,
            # before creating the new one.
            opts=pulumi.ResourceOptions(
                parent=self,
                # RDS checks the monitoring role can publish before it accepts it.
                depends_on=[*log_groups, *(monitoring or ())],
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

    def _monitoring_role(
        self, name: str, args: PostgresDatabaseArgs
    ) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
        """The role RDS assumes to publish enhanced-monitoring metrics, for this instance only.

        Its policy is AWS's AmazonRDSEnhancedMonitoringRole narrowed to the one
        log group RDS writes, inline so that it stays inside the permissions boundary.
        """
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-monitoring",
            assume_role_policy=service_trust_policy(
                "monitoring.rds.amazonaws.com",
                source_account=args.account_id,
                source_arn=pulumi.Output.concat(
                    "arn:aws:rds:", args.region, ":", args.account_id, ":db:", name
                ),
            ),
            description=f"Publishes enhanced monitoring of {name}",
            permissions_boundary=boundary_arn(args.account_id, PROJECT),
            opts=child,
        )
        group = pulumi.Output.concat(
            "arn:aws:logs:", args.region, ":", args.account_id, ":log-group:", MONITORING_LOG_GROUP
        )
        policy = aws.iam.RolePolicy(
            f"{name}-monitoring",
            role=role.id,
            policy=policy_document(
                [
                    Statement(
                        sid="EnableCreationAndManagementOfRDSCloudwatchLogGroups",
                        actions=["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                        resources=[group],
                    ),
                    Statement(
                        sid="EnableCreationAndManagementOfRDSCloudwatchLogStreams",
                        actions=[
                            "logs:CreateLogStream",
                            "logs:DescribeLogStreams",
                            "logs:GetLogEvents",
                            "logs:PutLogEvents",
                        ],
                        resources=[pulumi.Output.concat(group, ":log-stream:*")],
                    ),
                ]
            ),
            opts=child,
        )
        return role, policy

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


def parameter_values(logging: DatabaseLogSettings) -> list[aws.rds.ParameterGroupParameterArgsDict]:
    """The parameter group's values: TLS only, and what PostgreSQL records.

    Every name is in RDS's postgres16 family; all but ``shared_preload_libraries``
    are dynamic (RDS user guide, "RDS for PostgreSQL DB instance parameter
    list"). Booleans are 0/1, as RDS lists their allowed values.
    """
    return [
        {"name": "rds.force_ssl", "value": "1"},
        # Who connected, from where, for how long: always, as on Cloud SQL.
        {"name": "log_connections", "value": "1"},
        {"name": "log_disconnections", "value": "1"},
        # On by default since PostgreSQL 15; stated so a default change cannot drop it.
        {"name": "log_checkpoints", "value": "1"},
        # A wait longer than deadlock_timeout (1 s) is logged: lock contention shows up.
        {"name": "log_lock_waits", "value": "1"},
        # Temporary files from this size (kB; 0 = all, -1 = none): queries spilling to disk.
        {"name": "log_temp_files", "value": str(logging.temp_files_kb)},
        {"name": "log_min_duration_statement", "value": str(logging.min_duration_ms)},
        {"name": "log_min_error_statement", "value": logging.min_error_statement},
        {"name": "log_min_messages", "value": logging.min_messages},
        {
            "name": "shared_preload_libraries",
            "value": PRELOAD_LIBRARIES,
            "apply_method": "pending-reboot",
        },
        {"name": "pgaudit.log", "value": ",".join(logging.audit_classes)},
    ]


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
