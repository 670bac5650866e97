"""The object index table (DynamoDB): one row per object in the uploads bucket."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.alarm import ALARM_PERIOD_SECONDS, metric_alarm


@dataclass(frozen=True)
class IndexTableArgs:
    """Settings of the object index table."""

    alarm_topic_arn: pulumi.Input[str]
    deletion_protection: bool = False
    # KMS key for encryption at rest; without one, DynamoDB uses the AWS-managed
    # key aws/dynamodb (SSE enabled with no key), not the AWS-owned default.
    kms_key_arn: pulumi.Input[str] | None = None
    # The DynamoDB operations the functions' roles are granted, watched for system
    # errors: the indexer's writes (stacks/aws/indexer.py) and the report's query
    # (stacks/aws/uploads_report.py).
    operations: tuple[str, ...] = ("DeleteItem", "PutItem", "Query")
    # Prod: Pulumi refuses to delete or replace the table itself (its
    # settings, policies and alarms stay free to change).
    protect: bool = False


class IndexTable(pulumi.ComponentResource):
    """Object index keyed by bucket (partition) and object key (sort).

    The S3-triggered indexer writes size, content type, etag, last-modified and
    the event sequencer of each object. On-demand billing, point-in-time
    recovery and server-side encryption are always on.
    """

    table: aws.dynamodb.Table

    def __init__(
        self, name: str, args: IndexTableArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the table and its throttling/system-error alarms."""
        # Named ObjectIndex before: the alias keeps the URNs of the deployed table and
        # its alarms (the prod table is protected, so a new URN would be refused).
        aliased = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_="crosscloud:aws:ObjectIndex")])
        super().__init__(
            "crosscloud:aws:IndexTable", name, None, pulumi.ResourceOptions.merge(opts, aliased)
        )
        sse: aws.dynamodb.TableServerSideEncryptionArgsDict = {"enabled": True}
        if args.kms_key_arn is not None:
            sse["kms_key_arn"] = args.kms_key_arn
        self.table = aws.dynamodb.Table(
            name,
            billing_mode="PAY_PER_REQUEST",
            hash_key="bucket",
            range_key="key",
            attributes=[
                {"name": "bucket", "type": "S"},
                {"name": "key", "type": "S"},
            ],
            point_in_time_recovery={"enabled": True},
            server_side_encryption=sse,
            deletion_protection_enabled=args.deletion_protection,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        table_name = self.table.name
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
            metric_alarm(
                f"{name}-{metric.lower()}",
                namespace="AWS/DynamoDB",
                metric=metric,
                dimensions={"TableName": table_name},
                threshold=0,
                comparison="GreaterThanThreshold",
                topic_arn=args.alarm_topic_arn,
                parent=self,
                description=f"The object index table is throttling ({metric}).",
            )
        # SystemErrors is published per (TableName, Operation) only: an alarm on
        # TableName alone never gets a data point. Sum the operations the
        # functions call, each missing period counted as zero.
        queries: list[aws.cloudwatch.MetricAlarmMetricQueryArgsDict] = [
            {
                "id": f"m{index}",
                "return_data": False,
                "metric": {
                    "namespace": "AWS/DynamoDB",
                    "metric_name": "SystemErrors",
                    "dimensions": {"TableName": table_name, "Operation": operation},
                    "period": ALARM_PERIOD_SECONDS,
                    "stat": "Sum",
                },
            }
            for index, operation in enumerate(args.operations)
        ]
        terms = ", ".join(f"FILL(m{index}, 0)" for index in range(len(args.operations)))
        queries.append(
            {
                "id": "errors",
                "expression": f"SUM([{terms}])",
                "label": "SystemErrors over " + ", ".join(args.operations),
                "return_data": True,
            }
        )
        aws.cloudwatch.MetricAlarm(
            f"{name}-system-errors",
            alarm_description="DynamoDB returned 5xx errors for the object index table.",
            metric_queries=queries,
            evaluation_periods=1,
            threshold=0,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[args.alarm_topic_arn],
            ok_actions=[args.alarm_topic_arn],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = table_name
        self.arn = self.table.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
