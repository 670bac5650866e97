"""The account's one billing alarm, which can only live in us-east-1.

Estimated charges are an account-wide metric, so the alarm belongs to the
bootstrap project (once per account), not to each stack. AWS publishes the
metric only once billing alerts are switched on in the account's billing
preferences (docs/delivery.md).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from stacks.aws.alarm import metric_alarm
from stacks.aws.alarm_topic import AlarmTopic, AlarmTopicArgs

# AWS publishes EstimatedCharges every few hours, only in us-east-1.
BILLING_PERIOD_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class BillingAlarmArgs:
    """Threshold and recipients."""

    threshold_usd: int
    emails: Sequence[str] = field(default_factory=tuple)


class BillingAlarm(pulumi.ComponentResource):
    """Alarm on the month's estimated charges, with its own us-east-1 topic.

    An alarm may only notify a topic in its own region, so the billing alarm
    gets a second alarm topic beside it. Create this component with a
    us-east-1 AWS provider (``providers=[...]``); its children inherit it.
    """

    def __init__(
        self, name: str, args: BillingAlarmArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the us-east-1 topic and the EstimatedCharges alarm."""
        super().__init__("crosscloud:bootstrap:BillingAlarm", name, None, opts)
        topic = AlarmTopic(
            f"{name}-topic",
            AlarmTopicArgs(emails=args.emails),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.alarm = metric_alarm(
            name,
            namespace="AWS/Billing",
            metric="EstimatedCharges",
            dimensions={"Currency": "USD"},
            statistic="Maximum",
            threshold=args.threshold_usd,
            comparison="GreaterThanThreshold",
            period_seconds=BILLING_PERIOD_SECONDS,
            topic_arn=topic.arn,
            parent=self,
            description=f"Estimated charges this month above {args.threshold_usd} USD.",
        )
        self.topic_arn = topic.arn
        self.register_outputs({"topic_arn": self.topic_arn})
