"""Alarms that can fire: each watches a metric with a dimension set the service publishes.

CloudWatch accepts an alarm on any namespace, metric and dimensions, published
or not; an alarm on a combination nobody publishes sits at "insufficient data"
(here: OK, as missing data is not breaching) for ever. The table lists, per
metric the stacks alarm on, the dimension sets the service documents.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from tooling.preflight.findings import Finding
from tooling.synth import SynthResult

CHECK = "alarm-metrics"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"

_DYNAMODB = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html"
)
_LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html"
_HTTP_API = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html"
_RDS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/dimensions.html"
_SQS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html"
_BILLING = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html"

_TABLE = frozenset({"TableName"})
_TABLE_OPERATION = frozenset({"TableName", "Operation"})
_FUNCTION = frozenset({"FunctionName"})
_API_STAGE = frozenset({"ApiId", "Stage"})
_DB_INSTANCE = frozenset({"DBInstanceIdentifier"})
# "The only dimension that Amazon SQS sends to CloudWatch is QueueName."
_QUEUE = frozenset({"QueueName"})

# (namespace, metric) -> (the dimension sets it is published with, the source).
PUBLISHED: Mapping[tuple[str, str], tuple[frozenset[frozenset[str]], str]] = {
    ("AWS/DynamoDB", "ReadThrottleEvents"): (frozenset({_TABLE}), _DYNAMODB),
    ("AWS/DynamoDB", "WriteThrottleEvents"): (frozenset({_TABLE}), _DYNAMODB),
    # Per operation only: "Dimensions: TableName, Operation".
    ("AWS/DynamoDB", "SystemErrors"): (frozenset({_TABLE_OPERATION}), _DYNAMODB),
    ("AWS/Lambda", "Errors"): (frozenset({_FUNCTION}), _LAMBDA),
    ("AWS/Lambda", "Throttles"): (frozenset({_FUNCTION}), _LAMBDA),
    ("AWS/Lambda", "Duration"): (frozenset({_FUNCTION}), _LAMBDA),
    ("AWS/ApiGateway", "5xx"): (frozenset({frozenset({"ApiId"}), _API_STAGE}), _HTTP_API),
    ("AWS/ApiGateway", "Latency"): (frozenset({frozenset({"ApiId"}), _API_STAGE}), _HTTP_API),
    ("AWS/RDS", "CPUUtilization"): (frozenset({_DB_INSTANCE}), _RDS),
    ("AWS/RDS", "FreeStorageSpace"): (frozenset({_DB_INSTANCE}), _RDS),
    ("AWS/RDS", "DatabaseConnections"): (frozenset({_DB_INSTANCE}), _RDS),
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): (frozenset({_QUEUE}), _SQS),
    ("AWS/SQS", "ApproximateAgeOfOldestMessage"): (frozenset({_QUEUE}), _SQS),
    ("AWS/Billing", "EstimatedCharges"): (frozenset({frozenset({"Currency"})}), _BILLING),
}


def _watched(inputs: Mapping[str, Any]) -> Iterable[tuple[str, str, frozenset[str]]]:
    """(namespace, metric, dimension keys) of a plain alarm or of each metric in its math."""
    if inputs.get("metricName"):
        yield (
            inputs.get("namespace", ""),
            inputs["metricName"],
            frozenset(inputs.get("dimensions") or {}),
        )
    for query in inputs.get("metricQueries") or ():
        metric = query.get("metric")
        if metric:
            yield (
                metric.get("namespace", ""),
                metric.get("metricName", ""),
                frozenset(metric.get("dimensions") or {}),
            )


def check(result: SynthResult) -> Iterable[Finding]:
    """A finding per alarm metric whose dimensions are not a published set (or not in the table)."""
    findings: list[Finding] = []
    for alarm in result.of_type(ALARM):
        for namespace, metric, dimensions in _watched(alarm.inputs):
            known = PUBLISHED.get((namespace, metric))
            if known is None:
                findings.append(
                    Finding(
                        check=CHECK,
                        subject=alarm.urn,
                        problem=f"{namespace} {metric} is not in the table of published metrics",
                        fix="add its published dimension sets (from the service's metrics "
                        "documentation) to tooling/preflight/alarm_metrics.py",
                    )
                )
            elif dimensions not in known[0]:
                allowed = " or ".join(sorted("+".join(sorted(d)) for d in known[0]))
                findings.append(
                    Finding(
                        check=CHECK,
                        subject=alarm.urn,
                        problem=f"{namespace} {metric} is not published with dimensions "
                        f"{'+'.join(sorted(dimensions)) or '(none)'}: the alarm never gets data",
                        fix=f"use dimensions {allowed} ({known[1]}); sum several with metric math",
                    )
                )
    return findings
