"""SQS: queues encrypted at rest, queue policies open to no one and to no unpinned service."""

from collections.abc import Iterator

from . import documents
from .core import ResourceRule, Rule, Subject, is_true
from .settings import Settings

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
# A service principal is pinned to our resources by one of these (the confused-deputy guard).
SOURCE_CONDITION_KEYS = frozenset({"aws:sourcearn", "aws:sourceaccount"})


def queue_encrypted(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Queues set SQS-managed SSE or a KMS key explicitly."""
    if subject.type != QUEUE:
        return
    if not (
        is_true(subject.props.get("sqsManagedSseEnabled")) or subject.props.get("kmsMasterKeyId")
    ):
        yield (
            f"SQS queue {subject.name} sets neither sqsManagedSseEnabled nor kmsMasterKeyId: "
            "its messages (object keys, event payloads) are not known to be encrypted at rest."
        )


def queue_policy_not_public(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No Allow to everyone, and no Allow to a service not pinned to a source ARN or account."""
    policy = subject.props.get("policy") if subject.type in (QUEUE, QUEUE_POLICY) else None
    for statement in documents.statements(policy):
        label = f"statement {statement.get('Sid') or '(no Sid)'} of {subject.name}"
        if documents.is_public_grant(statement):
            yield f"{label} allows everyone (Principal '*') without an account or source condition."
        elif (
            documents.is_allow(statement)
            and documents.principal_values(statement, "Service")
            and not documents.condition_keys(statement) & SOURCE_CONDITION_KEYS
        ):
            services = ", ".join(documents.principal_values(statement, "Service"))
            yield (
                f"{label} allows {services} without aws:SourceArn or aws:SourceAccount: any "
                "customer's resource of that service could send to the queue."
            )


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="sqs-queue-encrypted",
        description="SQS queues are encrypted at rest (sqs_managed_sse_enabled or a KMS key).",
        remediation="Set sqs_managed_sse_enabled=True (S3 can still publish to it).",
        why="Queued S3 events carry object keys; a queue copied or read out of band stays sealed.",
        check=queue_encrypted,
    ),
    ResourceRule(
        name="sqs-queue-policy-not-public",
        description="Queue policies allow no one (*) and no service principal without "
        "aws:SourceArn or aws:SourceAccount.",
        remediation="Name the service and pin it with aws:SourceArn and aws:SourceAccount.",
        why="Anyone who can send to the queue can feed the indexer forged events.",
        check=queue_policy_not_public,
    ),
)
