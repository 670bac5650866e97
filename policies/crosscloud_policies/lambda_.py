"""Lambda: logs kept for a bounded time, no plaintext secrets, bounded size, scoped permissions."""

from collections.abc import Iterator, Sequence

from . import env_secrets
from .core import Finding, ResourceRule, Rule, StackRule, Subject, dig, of_types
from .settings import Settings

FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PERMISSION = "aws:lambda/permission:Permission"
CODE_SIGNING_CONFIG = "aws:lambda/codeSigningConfig:CodeSigningConfig"
EVENT_SOURCE_MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
# Inputs only stream and broker sources take; an SQS mapping has none of them.
NON_SQS_SOURCE_INPUTS = (
    "startingPosition",
    "selfManagedEventSource",
    "amazonManagedKafkaEventSourceConfig",
    "topics",
    "queues",
)
# Lambda's own defaults when the inputs leave them out.
DEFAULT_MEMORY_MB = 128
DEFAULT_TIMEOUT_SECONDS = 3


def log_group_name(function: Subject) -> str:
    """The log group a function writes to: its logging config's, else ``/aws/lambda/<name>``."""
    configured = dig(function.props, "loggingConfig", "logGroup")
    if configured:
        return str(configured)
    return f"/aws/lambda/{function.props.get('name') or function.name}"


def log_group_with_retention(subjects: Sequence[Subject], _settings: Settings) -> Iterator[Finding]:
    """Every function's log group is created by the stack with a retention period."""
    groups = {str(g.props.get("name")): g for g in of_types(subjects, [LOG_GROUP])}
    for function in of_types(subjects, [FUNCTION]):
        name = log_group_name(function)
        group = groups.get(name)
        if group is None:
            yield Finding(
                function.urn,
                f"Lambda {function.name} has no log group {name} in the stack; Lambda would "
                "create one that keeps logs forever.",
            )
        elif not dig(group.props, "retentionInDays"):
            yield Finding(
                function.urn,
                f"Lambda {function.name}'s log group {group.name} sets no retentionInDays.",
            )


def no_plaintext_secrets(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No environment variable named like a credential carries a value."""
    if subject.type != FUNCTION:
        return
    variables = dig(subject.props, "environment", "variables")
    for name in env_secrets.plaintext_secret_names(variables):
        yield (
            f"Lambda {subject.name} environment variable {name} looks like a secret; pass its "
            f"Secrets Manager ARN (e.g. {name}_SECRET_ARN) and read it at run time."
        )


def memory_and_timeout(subject: Subject, settings: Settings) -> Iterator[str]:
    """Memory and timeout sit within the pack's bounds."""
    if subject.type != FUNCTION:
        return
    memory = subject.props.get("memorySize") or DEFAULT_MEMORY_MB
    timeout = subject.props.get("timeout") or DEFAULT_TIMEOUT_SECONDS
    if not settings.min_memory_mb <= memory <= settings.max_memory_mb:
        yield (
            f"Lambda {subject.name} memorySize {memory:g} MB is outside "
            f"{settings.min_memory_mb}-{settings.max_memory_mb} MB."
        )
    if not settings.min_timeout_seconds <= timeout <= settings.max_timeout_seconds:
        yield (
            f"Lambda {subject.name} timeout {timeout:g} s is outside "
            f"{settings.min_timeout_seconds}-{settings.max_timeout_seconds} s."
        )


def permission_has_source_arn(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Every invoke permission names the ARN allowed to call."""
    if subject.type == PERMISSION and not subject.props.get("sourceArn"):
        yield (
            f"Lambda permission {subject.name} for {subject.props.get('principal')} has no "
            "sourceArn: any resource of that principal in any account may invoke."
        )


def reserved_concurrency(subject: Subject, settings: Settings) -> Iterator[str]:
    """A reservation is never 0, and is set on every function where the pack asks for caps."""
    if subject.type != FUNCTION:
        return
    reserved = subject.props.get("reservedConcurrentExecutions")
    if reserved == 0:
        yield (
            f"Lambda {subject.name} reserves 0 concurrent executions: it is throttled on every "
            "invoke. Leave it unset (-1) for no reservation."
        )
    elif settings.stack in settings.reserved_concurrency_stacks and (
        reserved is None or reserved < 0
    ):
        yield (
            f"Lambda {subject.name} has no reserved concurrency, and stack {settings.stack} is in "
            "reservedConcurrencyStacks."
        )


def code_signing_enforced(subject: Subject, _settings: Settings) -> Iterator[str]:
    """A code-signing config, where one exists, refuses unsigned code."""
    if subject.type != CODE_SIGNING_CONFIG:
        return
    # Lambda's default for a config without policies is Warn (API CodeSigningPolicies).
    action = dig(subject.props, "policies", "untrustedArtifactOnDeployment") or "Warn"
    if action != "Enforce":
        yield (
            f"Code signing config {subject.name} has untrustedArtifactOnDeployment {action}: "
            "unsigned or tampered code still deploys."
        )


def is_sqs_mapping(mapping: Subject) -> bool:
    """Whether a mapping reads an SQS queue (also when the queue ARN is not known yet)."""
    source = mapping.props.get("eventSourceArn")
    if isinstance(source, str) and source.startswith("arn:"):
        return source.split(":")[2] == "sqs"
    return not any(mapping.props.get(name) for name in NON_SQS_SOURCE_INPUTS)


def sqs_reports_batch_item_failures(subject: Subject, _settings: Settings) -> Iterator[str]:
    """SQS event source mappings have ReportBatchItemFailures on."""
    if subject.type != EVENT_SOURCE_MAPPING or not is_sqs_mapping(subject):
        return
    if "ReportBatchItemFailures" not in (subject.props.get("functionResponseTypes") or []):
        yield (
            f"SQS event source mapping {subject.name} does not set functionResponseTypes "
            "[ReportBatchItemFailures]: one failed message retries (and may dead-letter) the "
            "whole batch."
        )


RULES: tuple[Rule, ...] = (
    StackRule(
        name="lambda-log-group-retention",
        description=(
            "Every Lambda function has a CloudWatch log group in the stack with a retention period."
        ),
        remediation=(
            "Create aws.cloudwatch.LogGroup named /aws/lambda/<function name> (or the "
            "function's logging_config.log_group) with retention_in_days set."
        ),
        why="Logs Lambda creates itself are kept forever and cost money forever.",
        check=log_group_with_retention,
    ),
    ResourceRule(
        name="lambda-no-plaintext-secrets",
        description=(
            "No Lambda environment variable named like a secret (SECRET, PASSWORD, TOKEN, KEY...) "
            "holds a value."
        ),
        remediation="Store the value in Secrets Manager and pass the secret's ARN instead.",
        why=(
            "Environment variables are readable by anyone who can read the function config and sit"
            " in state."
        ),
        check=no_plaintext_secrets,
    ),
    ResourceRule(
        name="lambda-memory-timeout-bounds",
        description=(
            "Lambda memory and timeout are within minMemoryMb-maxMemoryMb and "
            "minTimeoutSeconds-maxTimeoutSeconds."
        ),
        remediation=(
            "Adjust crosscloud:functionMemoryMb / functionTimeoutSeconds, or the pack's bounds."
        ),
        why="Caps the cost of a runaway function and keeps timeouts under the API's 30 s limit.",
        check=memory_and_timeout,
    ),
    ResourceRule(
        name="lambda-reserved-concurrency",
        description=(
            "No Lambda reserves 0 executions, and in reservedConcurrencyStacks every Lambda has a "
            "reserved-concurrency cap."
        ),
        remediation=(
            "Set crosscloud:functionReservedConcurrency / indexerReservedConcurrency once the "
            "account's concurrency quota allows it (docs/first-deploy.md), or take the stack out "
            "of reservedConcurrencyStacks."
        ),
        why=(
            "A cap bounds the cost and the database connections of a flood; 0 silently stops the "
            "function."
        ),
        check=reserved_concurrency,
    ),
    ResourceRule(
        name="lambda-code-signing-enforced",
        description=(
            "A Lambda code-signing config, where one exists, enforces signatures "
            "(untrustedArtifactOnDeployment Enforce). The stacks sign no code (README, Security)."
        ),
        remediation="Set policies.untrusted_artifact_on_deployment to Enforce.",
        why="In Warn mode unsigned code deploys anyway: signing that only warns is not a control.",
        check=code_signing_enforced,
    ),
    ResourceRule(
        name="lambda-permission-source-arn",
        description="Every Lambda permission has a source_arn.",
        remediation="Set source_arn to the API, bucket or rule ARN that invokes the function.",
        why="Without it any resource of that service, in any account, may invoke the function.",
        check=permission_has_source_arn,
    ),
    ResourceRule(
        name="lambda-sqs-batch-item-failures",
        description="SQS event source mappings report batch item failures "
        "(function_response_types ReportBatchItemFailures).",
        remediation="Set function_response_types=['ReportBatchItemFailures'] and return "
        "batchItemFailures from the handler.",
        why="Without it one bad message fails its whole batch: the good ones are redone and, "
        "after the receive count, dead-lettered with it.",
        check=sqs_reports_batch_item_failures,
    ),
)
