"""Everything crosscloud runs on AWS, under one component."""

from dataclasses import dataclass

import pulumi

from stacks.aws.alarm_topic import AlarmTopic, AlarmTopicArgs
from stacks.aws.app_secrets import AppSecrets, AppSecretsArgs
from stacks.aws.billing_alarm import BillingAlarm, BillingAlarmArgs
from stacks.aws.bucket import SecureBucket, SecureBucketArgs
from stacks.aws.database import PostgresDatabase, PostgresDatabaseArgs
from stacks.aws.network import PrivateNetwork, PrivateNetworkArgs
from stacks.aws.object_index import ObjectIndex, ObjectIndexArgs
from stacks.aws.providers import aws_provider
from stacks.settings import Settings

# The AWS/Billing metrics exist only in this region.
BILLING_REGION = "us-east-1"


@dataclass(frozen=True)
class AwsPlatformArgs:
    """The validated stack settings; ``settings.aws`` must be set."""

    settings: Settings


class AwsPlatform(pulumi.ComponentResource):
    """Providers, alarm topics, buckets, object index, network, database and secrets on AWS.

    In prod the stateful parts (buckets, table, database, secrets) are
    ``protect``-ed, so `pulumi destroy` or a refactor cannot delete them.
    """

    def __init__(
        self, name: str, args: AwsPlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Build the AWS part of the stack."""
        super().__init__("crosscloud:aws:Platform", name, None, opts)
        settings = args.settings
        if settings.aws is None:
            raise ValueError("AwsPlatform needs settings.aws")
        prefix = settings.resource_prefix()

        # Explicit providers: every taggable resource gets the stack's tags
        # through default_tags, in whichever region it lives.
        provider = aws_provider(f"{name}-provider", settings.aws.region, settings, self)
        billing_provider = aws_provider(f"{name}-{BILLING_REGION}", BILLING_REGION, settings, self)
        regional = pulumi.ResourceOptions(parent=self, providers=[provider])
        stateful = pulumi.ResourceOptions(
            parent=self, providers=[provider], protect=settings.is_prod
        )

        self.alarm_topic = AlarmTopic(
            f"{prefix}-alarms", AlarmTopicArgs(emails=settings.alarm_emails), opts=regional
        )
        self.billing_alarm = BillingAlarm(
            f"{prefix}-billing",
            BillingAlarmArgs(
                threshold_usd=settings.billing_alarm_usd, emails=settings.alarm_emails
            ),
            opts=pulumi.ResourceOptions(parent=self, providers=[billing_provider]),
        )

        self.uploads = SecureBucket(
            f"{prefix}-uploads",
            SecureBucketArgs(
                cors_origins=settings.cors_origins,
                force_destroy=not settings.is_prod,
                noncurrent_version_days=90 if settings.is_prod else 7,
            ),
            opts=stateful,
        )
        self.reports = SecureBucket(
            f"{prefix}-reports",
            SecureBucketArgs(
                force_destroy=not settings.is_prod,
                noncurrent_version_days=90 if settings.is_prod else 7,
            ),
            opts=stateful,
        )
        self.object_index = ObjectIndex(
            f"{prefix}-object-index",
            ObjectIndexArgs(
                alarm_topic_arn=self.alarm_topic.arn,
                deletion_protection=settings.is_prod,
            ),
            opts=stateful,
        )
        self.network = PrivateNetwork(
            f"{prefix}-vpc",
            PrivateNetworkArgs(
                cidr=settings.aws.vpc_cidr,
                region=settings.aws.region,
                nat_gateway=settings.aws.nat_gateway,
            ),
            opts=regional,
        )
        db = settings.database
        self.database = PostgresDatabase(
            f"{prefix}-db",
            PostgresDatabaseArgs(
                vpc_id=self.network.vpc_id,
                subnet_ids=self.network.private_subnet_ids,
                client_security_group_id=self.network.functions_security_group.id,
                alarm_topic_arn=self.alarm_topic.arn,
                instance_class=db.instance_class,
                allocated_storage_gb=db.allocated_storage_gb,
                max_allocated_storage_gb=db.max_allocated_storage_gb,
                backup_retention_days=db.backup_retention_days,
                multi_az=db.multi_az,
                deletion_protection=db.deletion_protection,
                final_snapshot=settings.environment != "dev",
            ),
            opts=stateful,
        )
        self.app_secrets = AppSecrets(
            f"{prefix}-secrets",
            AppSecretsArgs(
                values=settings.app_secrets,
                path_prefix=f"{prefix}",
                recovery_window_days=30 if settings.is_prod else 0,
            ),
            opts=stateful,
        )

        self.outputs: dict[str, pulumi.Input[object]] = {
            "region": settings.aws.region,
            "uploadsBucket": self.uploads.name,
            "reportsBucket": self.reports.name,
            "objectIndexTable": self.object_index.name,
            "databaseAddress": self.database.address,
            "databaseName": self.database.db_name,
            "databaseSecretArn": self.database.secret_arn,
            "appSecretArns": self.app_secrets.arns,
            "alarmTopicArn": self.alarm_topic.arn,
        }
        self.register_outputs(self.outputs)
