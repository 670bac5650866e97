"""Scheduled invocations: retried with a dead-letter queue, authenticated, and never public."""

from collections.abc import Iterator, Sequence

from .core import Finding, ResourceRule, Rule, StackRule, Subject, dig, of_types
from .gcp_iam import PUBLIC_MEMBERS, grants
from .settings import Settings

AWS_SCHEDULE = "aws:scheduler/schedule:Schedule"
GCP_JOB = "gcp:cloudscheduler/job:Job"
LAMBDA = "aws:lambda/function:Function"
LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
LAMBDA_URL = "aws:lambda/functionUrl:FunctionUrl"
FUNCTION_V2 = "gcp:cloudfunctionsv2/function:Function"
RUN_INVOKER_TYPES = ("gcp:cloudrunv2/serviceIam", "gcp:cloudfunctionsv2/functionIam")


def aws_schedule_retry_and_dlq(subject: Subject, _settings: Settings) -> Iterator[str]:
    """An EventBridge Scheduler schedule has a retry policy and a dead-letter queue."""
    if subject.type != AWS_SCHEDULE:
        return
    target = dig(subject.props, "target") or {}
    if not dig(target, "retryPolicy"):
        yield f"Schedule {subject.name} has no retry_policy: a failed delivery is not retried."
    if not dig(target, "deadLetterConfig", "arn"):
        yield (
            f"Schedule {subject.name} has no dead_letter_config: an undeliverable run is "
            "dropped without a trace."
        )


def gcp_job_authenticated(subject: Subject, _settings: Settings) -> Iterator[str]:
    """A Cloud Scheduler HTTP job calls an HTTPS URL with an OIDC token, and retries."""
    if subject.type != GCP_JOB:
        return
    target = dig(subject.props, "httpTarget")
    if target is None:
        return
    uri = str(dig(target, "uri") or "")
    if not uri.startswith("https://"):
        yield f"Cloud Scheduler job {subject.name} calls {uri or 'no URI'!r}, not an HTTPS URL."
    if not dig(target, "oidcToken", "serviceAccountEmail"):
        yield (
            f"Cloud Scheduler job {subject.name} sends no OIDC token: its target must then "
            "accept unauthenticated calls, i.e. be public."
        )
    if not dig(subject.props, "retryConfig", "retryCount"):
        yield f"Cloud Scheduler job {subject.name} has no retry_config.retry_count: no retries."


def scheduled_targets_private(
    subjects: Sequence[Subject], _settings: Settings
) -> Iterator[Finding]:
    """Functions a schedule invokes grant no public invoker, whatever publicApi says."""
    yield from _aws_targets_private(subjects)
    yield from _gcp_targets_private(subjects)


def _aws_targets_private(subjects: Sequence[Subject]) -> Iterator[Finding]:
    """No Lambda permission to '*' and no unauthenticated function URL for a scheduled Lambda."""
    targets = {str(dig(s.props, "target", "arn")) for s in of_types(subjects, [AWS_SCHEDULE])}
    functions = [f for f in of_types(subjects, [LAMBDA]) if f.props.get("arn") in targets]
    handles = {str(f.props.get(k)) for f in functions for k in ("arn", "name") if f.props.get(k)}
    for permission in of_types(subjects, [LAMBDA_PERMISSION]):
        if permission.props.get("function") in handles and permission.props.get("principal") in (
            "*",
            None,
        ):
            yield Finding(
                permission.urn, f"{permission.name} lets anyone invoke a scheduled function."
            )
    for url in of_types(subjects, [LAMBDA_URL]):
        if url.props.get("functionName") in handles and url.props.get("authorizationType") in (
            "NONE",
            None,
        ):
            yield Finding(url.urn, f"{url.name} opens a scheduled function to everyone.")


def _gcp_targets_private(subjects: Sequence[Subject]) -> Iterator[Finding]:
    """No allUsers/allAuthenticatedUsers invoker on a function a Cloud Scheduler job calls."""
    uris = {
        str(dig(job.props, "httpTarget", "uri")).rstrip("/")
        for job in of_types(subjects, [GCP_JOB])
    }
    names: set[str] = set()
    for function in of_types(subjects, [FUNCTION_V2]):
        if str(function.props.get("url") or "").rstrip("/") in uris:
            names.add(str(function.props.get("name")))
            service = str(dig(function.props, "serviceConfig", "service") or "")
            names.add(service.rsplit("/", 1)[-1])
    for binding in subjects:
        if not binding.type.startswith(RUN_INVOKER_TYPES):
            continue
        target = str(binding.props.get("name") or binding.props.get("cloudFunction") or "")
        if target.rsplit("/", 1)[-1] not in names:
            continue
        for role, member in grants(binding):
            if member in PUBLIC_MEMBERS:
                yield Finding(
                    binding.urn,
                    f"{binding.name} grants {role} on a scheduled function to {member}.",
                )


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="scheduler-retry-and-dlq",
        description=(
            "Every EventBridge Scheduler schedule has a retry policy and a dead-letter queue."
        ),
        remediation=(
            "Set target.retry_policy and target.dead_letter_config (stacks/aws/report_schedule.py)."
        ),
        why="A run that could not be delivered is retried, then kept where an alarm sees it.",
        check=aws_schedule_retry_and_dlq,
    ),
    ResourceRule(
        name="cloud-scheduler-oidc",
        description=(
            "Every Cloud Scheduler HTTP job calls an HTTPS URL with an OIDC token and retries."
        ),
        remediation=(
            "Set http_target.oidc_token.service_account_email to an invoker account and "
            "retry_config.retry_count (stacks/gcp/report_schedule.py)."
        ),
        why="Without a token the target has to be public; without retries a blip skips a run.",
        check=gcp_job_authenticated,
    ),
    StackRule(
        name="scheduled-functions-private",
        description=(
            "No function a schedule invokes (EventBridge Scheduler, Cloud Scheduler) may be "
            "invoked by everyone, even in a stack whose API is public."
        ),
        remediation=(
            "Remove the public permission, function URL or invoker binding; the schedule's "
            "own role or account is the only caller it needs."
        ),
        why="Anyone could run the report (and its notification) at will.",
        check=scheduled_targets_private,
    ),
)
