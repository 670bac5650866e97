"""Notification topics: SNS encrypted with a KMS key; Pub/Sub in named regions, never public."""

from collections.abc import Iterator

from .core import ResourceRule, Rule, Subject, dig, items
from .gcp_iam import PUBLIC_MEMBERS, grants
from .settings import Settings

SNS_TOPIC = "aws:sns/topic:Topic"
PUBSUB_TOPIC = "gcp:pubsub/topic:Topic"
# IAM on these decides who may publish to or read from a topic.
PUBSUB_IAM = ("gcp:pubsub/",)


def sns_topic_encrypted(subject: Subject, _settings: Settings) -> Iterator[str]:
    """An SNS topic names a KMS key (server-side encryption)."""
    if subject.type == SNS_TOPIC and not subject.props.get("kmsMasterKeyId"):
        yield f"SNS topic {subject.name} has no kms_master_key_id: messages are stored unencrypted."


def pubsub_storage_regions(subject: Subject, _settings: Settings) -> Iterator[str]:
    """A Pub/Sub topic names the regions its messages may be stored in."""
    if subject.type != PUBSUB_TOPIC:
        return
    regions = items(dig(subject.props, "messageStoragePolicy", "allowedPersistenceRegions"))
    if not regions:
        yield (
            f"Pub/Sub topic {subject.name} has no message_storage_policy: messages may be "
            "stored in any region."
        )


def pubsub_not_public(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No Pub/Sub topic or subscription IAM names allUsers or allAuthenticatedUsers."""
    if not subject.type.startswith(PUBSUB_IAM):
        return
    for role, member in grants(subject):
        if member in PUBLIC_MEMBERS:
            yield f"{subject.name} grants {role} on a Pub/Sub resource to {member}."


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="sns-topic-kms-encrypted",
        description="Every SNS topic is encrypted with a KMS key (kms_master_key_id).",
        remediation=(
            "Give the topic a customer-managed key (stacks/aws/report_topic.py and "
            "alarm_topic.py make one, with the publishers' kms grants)."
        ),
        why="Messages (report links, alarm text) sit encrypted at rest, readable only by grant.",
        check=sns_topic_encrypted,
    ),
    ResourceRule(
        name="pubsub-message-storage-regions",
        description=(
            "Every Pub/Sub topic has a message storage policy naming the regions it may "
            "persist messages in."
        ),
        remediation=(
            "Set message_storage_policy.allowed_persistence_regions to the stack's region "
            "(stacks/gcp/uploads_report.py)."
        ),
        why="Messages stay where the stack's data lives instead of any region Google picks.",
        check=pubsub_storage_regions,
    ),
    ResourceRule(
        name="pubsub-no-public-iam",
        description=(
            "No Pub/Sub topic or subscription IAM grants allUsers or allAuthenticatedUsers."
        ),
        remediation="Grant publisher/subscriber roles to named service accounts only.",
        why="A public topic lets anyone read the announcements (and their links) or inject fakes.",
        check=pubsub_not_public,
    ),
)
