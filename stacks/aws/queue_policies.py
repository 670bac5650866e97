"""Queue policies: refuse any SQS call to a queue without TLS."""

import pulumi
import pulumi_aws as aws

from stacks.aws.iam import Statement, deny_insecure_transport, policy_document


def deny_insecure_queue_access(queue_arn: pulumi.Input[str]) -> Statement:
    """A Deny of every SQS action on the queue when the request is not over TLS."""
    return deny_insecure_transport(["sqs:*"], [queue_arn])


def tls_only_queue_policy(
    name: str, queue: aws.sqs.Queue, opts: pulumi.ResourceOptions
) -> aws.sqs.QueuePolicy:
    """The queue's policy when IAM grants alone say who may use it: TLS only.

    The Deny matches no request over TLS, so the roles' IAM grants (SendMessage of
    a schedule or a function role) still decide; SQS's own redrive into a
    dead-letter queue is no API call and needs no queue policy.
    """
    return aws.sqs.QueuePolicy(
        name,
        queue_url=queue.url,
        policy=policy_document([deny_insecure_queue_access(queue.arn)]),
        opts=opts,
    )
