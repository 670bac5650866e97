"""One helper for CloudWatch metric alarms, so every alarm is built the same way."""

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

# Five minutes: the shortest period at which every metric the stacks watch is published.
ALARM_PERIOD_SECONDS = 300


def metric_alarm(
    name: str,
    *,
    namespace: str,
    metric: str,
    dimensions: Mapping[str, pulumi.Input[str]],
    threshold: float,
    comparison: str,
    topic_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    statistic: str | None = "Sum",
    extended_statistic: str | None = None,
    period_seconds: int = ALARM_PERIOD_SECONDS,
    evaluation_periods: int = 1,
    description: str = "",
) -> aws.cloudwatch.MetricAlarm:
    """An alarm that notifies ``topic_arn`` on alarm and on recovery.

    Missing data is ``notBreaching``: an idle dev stack stays green.
    """
    return aws.cloudwatch.MetricAlarm(
        name,
        alarm_description=description or f"{namespace} {metric} {comparison} {threshold}",
        namespace=namespace,
        metric_name=metric,
        dimensions=dict(dimensions),
        statistic=None if extended_statistic else statistic,
        extended_statistic=extended_statistic,
        period=period_seconds,
        evaluation_periods=evaluation_periods,
        threshold=threshold,
        comparison_operator=comparison,
        treat_missing_data="notBreaching",
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        opts=pulumi.ResourceOptions(parent=parent),
    )
