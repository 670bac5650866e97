"""The encrypted SNS topic the report function announces each report on, with e-mail subscribers."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.aws.alarm_topic import KEY_ADMIN_ACTIONS, KEY_POLICY_RESOURCE_REASON
from stacks.aws.email_subscriptions import subscribe_emails
from stacks.aws.iam import Statement, deny_insecure_transport, policy_document


@dataclass(frozen=True)
class ReportTopicArgs:
    """Who receives the announcements, in which account."""

    account_id: pulumi.Input[str]
    emails: Sequence[str] = field(default_factory=tuple)


class ReportTopic(pulumi.ComponentResource):
    """SNS topic encrypted with its own KMS key; only IAM grants (the function's) may publish.

    The key policy names the account root only: using the key is then an IAM
    grant like any other, and the report function's role is the one role that
    gets ``kms:GenerateDataKey``/``kms:Decrypt`` on it (SNS encrypts a message
    in the publisher's name). The topic policy refuses publishing without TLS.
    Each address gets an e-mail subscription named by the address (AWS sends a
    confirmation first).
    """

    def __init__(
        self, name: str, args: ReportTopicArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the key, topic, topic policy and subscriptions."""
        super().__init__("crosscloud:aws:ReportTopic", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        root = pulumi.Output.from_input(args.account_id).apply(lambda a: f"arn:aws:iam::{a}:root")
        self.key = aws.kms.Key(
            name,
            description=f"Encrypts the {name} report topic",
            enable_key_rotation=True,
            deletion_window_in_days=7,
            policy=policy_document(
                [
                    Statement(
                        sid="AccountAdministers",
                        principal={"AWS": root},
                        actions=KEY_ADMIN_ACTIONS,
                        resources=["*"],
                        wildcard_resource_reason=KEY_POLICY_RESOURCE_REASON,
                    )
                ]
            ),
            opts=child,
        )
        self.topic = aws.sns.Topic(name, kms_master_key_id=self.key.arn, opts=child)
        aws.sns.TopicPolicy(
            name,
            arn=self.topic.arn,
            policy=policy_document([deny_insecure_transport(["sns:Publish"], [self.topic.arn])]),
            opts=child,
        )
        subscribe_emails(name, self.topic.arn, args.emails, self)
        self.arn = self.topic.arn
        self.key_arn = self.key.arn
        self.register_outputs({"arn": self.arn, "key_arn": self.key_arn})
