"""E-mail subscriptions to an SNS topic, one per address, named by the address itself.

``endpoint`` (and ``protocol``, ``topic_arn``) force a new subscription
(terraform-provider-aws internal/service/sns/topic_subscription.go). Naming a
subscription by its list position would move every later address to another
resource when one is removed or reordered, so each is named by a short hash
of the lowercased address: the list may change without touching the others.
"""

import hashlib
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws


def subscription_name(topic: str, email: str) -> str:
    """The stable resource name of ``email``'s subscription to ``topic``."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:10]
    return f"{topic}-email-{digest}"


def subscribe_emails(
    topic: str,
    topic_arn: pulumi.Input[str],
    emails: Sequence[str],
    parent: pulumi.Resource,
    *,
    alias_index_names: bool = False,
) -> list[aws.sns.TopicSubscription]:
    """One e-mail subscription per distinct address (case-insensitive, first spelling wins).

    ``alias_index_names`` keeps the subscriptions a stack created under the
    former ``<topic>-email-<index>`` names: for the first update, the address
    at each position adopts the subscription of that position.
    """
    subscriptions: list[aws.sns.TopicSubscription] = []
    seen: set[str] = set()
    for index, email in enumerate(emails):
        key = email.strip().lower()
        if key in seen:
            continue
        seen.add(key)
        aliases = [pulumi.Alias(name=f"{topic}-email-{index}")] if alias_index_names else None
        subscriptions.append(
            aws.sns.TopicSubscription(
                subscription_name(topic, email),
                topic=topic_arn,
                protocol="email",
                endpoint=email,
                opts=pulumi.ResourceOptions(parent=parent, aliases=aliases),
            )
        )
    return subscriptions
