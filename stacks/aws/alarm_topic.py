"""An encrypted SNS topic that CloudWatch alarms publish to, with email subscribers."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.aws.email_subscriptions import subscribe_emails
from stacks.aws.iam import Statement, deny_insecure_transport, policy_document

# Key administration actions for the account root, named one by one: the key
# stays manageable by IAM in this account without granting kms:*.
KEY_ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateKeyDescription",
)
KEY_POLICY_RESOURCE_REASON = "In a key policy, '*' means this key and nothing else."


@dataclass(frozen=True)
class AlarmTopicArgs:
    """Who is told when an alarm fires."""

    emails: Sequence[str] = field(default_factory=tuple)


class AlarmTopic(pulumi.ComponentResource):
    """SNS topic encrypted with its own KMS key that CloudWatch may use.

    The AWS-managed ``aws/sns`` key cannot be used by CloudWatch alarms, so
    the topic gets a customer-managed key whose policy admits CloudWatch from
    this account only. Each address in ``emails`` gets a subscription named by
    the address (AWS sends a confirmation mail first).
    """

    def __init__(
        self, name: str, args: AlarmTopicArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the key, topic, topic policy and subscriptions."""
        super().__init__("crosscloud:aws:AlarmTopic", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        root = account_id.apply(lambda a: f"arn:aws:iam::{a}:root")
        source_account = {"StringEquals": {"aws:SourceAccount": account_id}}

        key = aws.kms.Key(
            name,
            description=f"Encrypts the {name} alarm topic",
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
                    ),
                    Statement(
                        sid="CloudWatchPublishes",
                        principal={"Service": "cloudwatch.amazonaws.com"},
                        actions=["kms:Decrypt", "kms:GenerateDataKey"],
                        resources=["*"],
                        conditions=source_account,
                        wildcard_resource_reason=KEY_POLICY_RESOURCE_REASON,
                    ),
                ]
            ),
            opts=child,
        )
        self.topic = aws.sns.Topic(name, kms_master_key_id=key.arn, opts=child)
        aws.sns.TopicPolicy(
            name,
            arn=self.topic.arn,
            policy=policy_document(
                [
                    Statement(
                        sid="CloudWatchAlarmsPublish",
                        principal={"Service": "cloudwatch.amazonaws.com"},
                        actions=["sns:Publish"],
                        resources=[self.topic.arn],
                        conditions={
                            **source_account,
                            "ArnLike": {
                                "aws:SourceArn": account_id.apply(
                                    lambda a: f"arn:aws:cloudwatch:*:{a}:alarm:*"
                                )
                            },
                        },
                    ),
                    deny_insecure_transport(["sns:Publish"], [self.topic.arn]),
                ]
            ),
            opts=child,
        )
        # The alias keeps the subscriptions created under index names before.
        subscribe_emails(name, self.topic.arn, args.emails, self, alias_index_names=True)
        self.arn = self.topic.arn
        self.register_outputs({"arn": self.arn})
