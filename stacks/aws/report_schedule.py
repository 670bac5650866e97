"""EventBridge Scheduler invoking one Lambda function on a schedule, with retries and a DLQ."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.aws.boundary import boundary_arn
from stacks.aws.iam import Statement, policy_document, service_trust_policy
from stacks.settings import PROJECT

# A delivery that failed is worth retrying for a while, not for a day: after
# these attempts (or this age) the event goes to the dead-letter queue, whose
# depth alarms, and a person reruns the period on demand.
RETRY_ATTEMPTS = 3
MAX_EVENT_AGE_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class ReportScheduleArgs:
    """What to invoke, when, and whom to alarm."""

    function_arn: pulumi.Input[str]
    # cron(...) / rate(...) as EventBridge Scheduler takes it, in ``time_zone``.
    expression: str
    time_zone: str
    # An SQS queue (SQS-managed encryption, so the role needs no KMS grant).
    dead_letter_arn: pulumi.Input[str]
    account_id: pulumi.Input[str]


class ReportSchedule(pulumi.ComponentResource):
    """A schedule whose own role may invoke exactly one function and send to its DLQ.

    The scheduler invokes the function asynchronously; a delivery it cannot make
    (throttling, a missing permission) is retried, then sent to the DLQ.
    """

    def __init__(
        self, name: str, args: ReportScheduleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the role and its policy, and the schedule."""
        super().__init__("crosscloud:aws:ReportSchedule", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            name,
            assume_role_policy=service_trust_policy(
                "scheduler.amazonaws.com", source_account=args.account_id
            ),
            description="EventBridge Scheduler: invokes the report function",
            permissions_boundary=boundary_arn(args.account_id, PROJECT),
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            name,
            role=self.role.id,
            policy=policy_document(
                [
                    Statement(
                        sid="InvokeReportFunction",
                        actions=["lambda:InvokeFunction"],
                        resources=[args.function_arn],
                    ),
                    Statement(
                        sid="SendDeadLetters",
                        actions=["sqs:SendMessage"],
                        resources=[args.dead_letter_arn],
                    ),
                ]
            ),
            opts=child,
        )
        self.schedule = aws.scheduler.Schedule(
            name,
            description="Weekly uploads report",
            schedule_expression=args.expression,
            schedule_expression_timezone=args.time_zone,
            flexible_time_window={"mode": "OFF"},
            target={
                "arn": args.function_arn,
                "role_arn": self.role.arn,
                # An empty payload: the function reports the last complete ISO week.
                "input": "{}",
                "retry_policy": {
                    "maximum_retry_attempts": RETRY_ATTEMPTS,
                    "maximum_event_age_in_seconds": MAX_EVENT_AGE_SECONDS,
                },
                "dead_letter_config": {"arn": args.dead_letter_arn},
            },
            # The scheduler checks the role when it fires, not at create: the grant first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        self.name = self.schedule.name
        self.register_outputs({"name": self.name, "role": self.role.arn})
