"""Cloud Scheduler calling the report function weekly, with an OIDC token and retries."""

import base64
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.apis import child_options

# Retries of a failed run (5xx, timeout): Cloud Scheduler allows 0-5. After the
# last one the run is only in the job's logs and the function's 5xx alert.
RETRY_COUNT = 3
MIN_BACKOFF = "60s"
MAX_BACKOFF = "600s"
MAX_DOUBLINGS = 3
# Stop retrying after this long: a report a day late is better made on demand.
MAX_RETRY_DURATION = "3600s"
# The request's own deadline: the function's timeout and a margin for a cold
# start. HTTP targets accept 15 s to 30 min.
DEADLINE_MARGIN_SECONDS = 20
# An empty JSON body: the function reports the last complete ISO week.
BODY = base64.b64encode(b"{}").decode("ascii")


@dataclass(frozen=True)
class ReportScheduleArgs:
    """What to call, when, and as whom."""

    region: str
    # The function's HTTPS URL; also the OIDC token's audience.
    function_url: pulumi.Input[str]
    function_timeout_seconds: int
    # Unix cron (``0 6 * * 1``) in ``time_zone`` (IANA).
    schedule: str
    time_zone: str
    # The bootstrap's scheduler account, the function's only invoker.
    invoker_email: pulumi.Input[str]


class ReportSchedule(pulumi.ComponentResource):
    """A Cloud Scheduler HTTP job: POST ``{}`` to the function with an OIDC token, retried.

    The token is minted by Cloud Scheduler's service agent for the invoker
    account (roles/cloudscheduler.serviceAgent, granted to the agent when the
    API is enabled); Cloud Run checks ``run.invoker`` on the function's service,
    which only that account holds.
    """

    def __init__(
        self, name: str, args: ReportScheduleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the job."""
        super().__init__("crosscloud:gcp:ReportSchedule", name, None, opts)
        deadline = args.function_timeout_seconds + DEADLINE_MARGIN_SECONDS
        self.job = gcp.cloudscheduler.Job(
            name,
            name=name,
            region=args.region,
            description="Weekly uploads report",
            schedule=args.schedule,
            time_zone=args.time_zone,
            attempt_deadline=f"{deadline}s",
            retry_config={
                "retry_count": RETRY_COUNT,
                "min_backoff_duration": MIN_BACKOFF,
                "max_backoff_duration": MAX_BACKOFF,
                "max_doublings": MAX_DOUBLINGS,
                "max_retry_duration": MAX_RETRY_DURATION,
            },
            http_target={
                "uri": args.function_url,
                "http_method": "POST",
                "body": BODY,
                "headers": {"Content-Type": "application/json"},
                "oidc_token": {
                    "service_account_email": args.invoker_email,
                    "audience": args.function_url,
                },
            },
            opts=child_options(self, opts),
        )
        self.name = self.job.name
        self.register_outputs({"name": self.name})
