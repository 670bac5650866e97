"""Cloud Monitoring alerts on one function's errors and latency (API or report), by email."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.apis import child_options

ALIGNMENT_PERIOD = "300s"
# More than this share of requests answered 5xx over the alignment period.
ERROR_RATIO_THRESHOLD = 0.05
# p99 latency above this share of the timeout: requests are close to being cut off.
LATENCY_SHARE_OF_TIMEOUT = 0.8


@dataclass(frozen=True)
class AlertingArgs:
    """Who is told, and about which Cloud Run service (the function's)."""

    service_name: pulumi.Input[str]
    timeout_seconds: int
    # At least one: every policy must notify someone.
    emails: Sequence[str]
    # What the service is, in the policies' display names.
    label: str = "API"
    # Channels another Alerting made for the same emails: reused, not duplicated.
    channel_names: Sequence[pulumi.Input[str]] = ()


def request_filter(service_name: str, metric: str, extra: str = "") -> str:
    """A Monitoring filter for one Cloud Run metric of one service."""
    return (
        'resource.type = "cloud_run_revision" AND '
        f'resource.labels.service_name = "{service_name}" AND '
        f'metric.type = "run.googleapis.com/{metric}"' + (f" AND {extra}" if extra else "")
    )


class Alerting(pulumi.ComponentResource):
    """Email notification channels and two alert policies: 5xx ratio and p99 latency."""

    def __init__(
        self, name: str, args: AlertingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create one channel per email and the policies notifying all of them."""
        super().__init__("crosscloud:gcp:Alerting", name, None, opts)
        if not args.emails:
            raise ValueError("Alerting needs at least one email address")
        child = child_options(self, opts)
        self.channel_names: list[pulumi.Input[str]] = list(args.channel_names) or [
            gcp.monitoring.NotificationChannel(
                f"{name}-email-{index}",
                display_name=f"{name} {email}",
                type="email",
                labels={"email_address": email},
                opts=child,
            ).name
            for index, email in enumerate(args.emails)
        ]
        service = pulumi.Output.from_input(args.service_name)
        sum_rate: gcp.monitoring.AlertPolicyConditionConditionThresholdAggregationArgsDict = {
            "alignment_period": ALIGNMENT_PERIOD,
            "per_series_aligner": "ALIGN_RATE",
            "cross_series_reducer": "REDUCE_SUM",
            "group_by_fields": ["resource.label.service_name"],
        }
        errors = gcp.monitoring.AlertPolicy(
            f"{name}-5xx",
            display_name=f"{name}: {args.label} 5xx ratio",
            combiner="OR",
            conditions=[
                {
                    "display_name": f"5xx responses above {ERROR_RATIO_THRESHOLD:.0%}",
                    "condition_threshold": {
                        "filter": service.apply(
                            lambda s: request_filter(
                                s, "request_count", 'metric.labels.response_code_class = "5xx"'
                            )
                        ),
                        "aggregations": [sum_rate],
                        "denominator_filter": service.apply(
                            lambda s: request_filter(s, "request_count")
                        ),
                        "denominator_aggregations": [sum_rate],
                        "comparison": "COMPARISON_GT",
                        "threshold_value": ERROR_RATIO_THRESHOLD,
                        "duration": "0s",
                    },
                }
            ],
            notification_channels=self.channel_names,
            alert_strategy={"auto_close": "1800s"},
            opts=child,
        )
        threshold_ms = args.timeout_seconds * 1000 * LATENCY_SHARE_OF_TIMEOUT
        latency = gcp.monitoring.AlertPolicy(
            f"{name}-latency",
            display_name=f"{name}: {args.label} p99 latency",
            combiner="OR",
            conditions=[
                {
                    "display_name": f"p99 latency above {threshold_ms:.0f} ms",
                    "condition_threshold": {
                        "filter": service.apply(lambda s: request_filter(s, "request_latencies")),
                        "aggregations": [
                            {
                                "alignment_period": ALIGNMENT_PERIOD,
                                "per_series_aligner": "ALIGN_PERCENTILE_99",
                                "cross_series_reducer": "REDUCE_MAX",
                                "group_by_fields": ["resource.label.service_name"],
                            }
                        ],
                        "comparison": "COMPARISON_GT",
                        "threshold_value": threshold_ms,
                        "duration": ALIGNMENT_PERIOD,
                    },
                }
            ],
            notification_channels=self.channel_names,
            alert_strategy={"auto_close": "1800s"},
            opts=child,
        )
        self.policy_names = [errors.name, latency.name]
        self.register_outputs(
            {"channelNames": self.channel_names, "policyNames": self.policy_names}
        )
