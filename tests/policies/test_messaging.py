"""Topic rules: SNS encrypted with KMS; Pub/Sub regional and never public."""

from collections.abc import Callable

import pytest

from policies.crosscloud_policies import messaging
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    ("props", "violations"),
    [({"kmsMasterKeyId": KEY}, 0), ({}, 1), ({"kmsMasterKeyId": ""}, 1)],
)
def test_sns_topic_needs_a_kms_key(
    props: dict[str, str], violations: int, subject: MakeSubject, dev_settings: Settings
) -> None:
    """A topic without kms_master_key_id fails, with its name in the message."""
    found = list(messaging.sns_topic_encrypted(subject(messaging.SNS_TOPIC, props), dev_settings))
    assert len(found) == violations
    assert all("res" in message for message in found)


def test_sns_rule_ignores_other_types(subject: MakeSubject, dev_settings: Settings) -> None:
    """A queue is not a topic."""
    queue = subject("aws:sqs/queue:Queue", {})
    assert list(messaging.sns_topic_encrypted(queue, dev_settings)) == []


@pytest.mark.parametrize(
    ("props", "violations"),
    [
        ({"messageStoragePolicy": {"allowedPersistenceRegions": ["europe-west1"]}}, 0),
        ({"messageStoragePolicy": {"allowedPersistenceRegions": []}}, 1),
        ({}, 1),
    ],
)
def test_pubsub_topic_names_its_regions(
    props: dict[str, object], violations: int, subject: MakeSubject, dev_settings: Settings
) -> None:
    """No storage policy (or an empty one) fails."""
    topic = subject(messaging.PUBSUB_TOPIC, props)
    assert len(list(messaging.pubsub_storage_regions(topic, dev_settings))) == violations


@pytest.mark.parametrize(
    ("type_", "props", "violations"),
    [
        (
            "gcp:pubsub/topicIAMMember:TopicIAMMember",
            {"role": "roles/pubsub.publisher", "member": "serviceAccount:r@p.iam"},
            0,
        ),
        (
            "gcp:pubsub/topicIAMMember:TopicIAMMember",
            {"role": "roles/pubsub.publisher", "member": "allUsers"},
            1,
        ),
        (
            "gcp:pubsub/subscriptionIAMBinding:SubscriptionIAMBinding",
            {"role": "roles/pubsub.subscriber", "members": ["allAuthenticatedUsers"]},
            1,
        ),
        (
            "gcp:storage/bucketIAMMember:BucketIAMMember",
            {"role": "roles/storage.objectViewer", "member": "allUsers"},
            0,
        ),
    ],
)
def test_pubsub_iam_is_never_public(
    type_: str,
    props: dict[str, object],
    violations: int,
    subject: MakeSubject,
    public_settings: Settings,
) -> None:
    """Public members on Pub/Sub fail even with a public API; other services are not judged."""
    binding = subject(type_, props)
    assert len(list(messaging.pubsub_not_public(binding, public_settings))) == violations
