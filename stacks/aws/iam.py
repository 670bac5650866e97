"""Least-privilege IAM policy documents built from data.

Policies are assembled from ``Statement`` values and serialized with
``pulumi.Output.json_dumps``, never written as JSON strings. A statement may
not grant a ``*`` action or a ``service:*`` action; a ``*`` resource is accepted
only with a written reason, for the few actions AWS does not scope to a resource.
Deny statements only take access away, so they may name a whole service: the
TLS-only bucket policy denies ``s3:*``, the form AWS Config's
``s3-bucket-ssl-requests-only`` rule (Security Hub S3.5) recognises.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from stacks.exceptions import CrosscloudError

POLICY_VERSION = "2012-10-17"


class PolicyError(CrosscloudError):
    """A statement would grant more than least privilege allows."""


@dataclass(frozen=True)
class Statement:
    """One IAM statement: named actions on named resources.

    ``wildcard_resource_reason`` must say why, when ``resources`` is ``["*"]``:
    only actions that AWS cannot scope to a resource may use it.
    """

    actions: Sequence[str]
    resources: Sequence[pulumi.Input[str]]
    sid: str = ""
    effect: str = "Allow"
    # Only resource policies (bucket, queue, topic) name principals.
    principal: str | Mapping[str, Any] | None = None
    conditions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    wildcard_resource_reason: str = ""

    def __post_init__(self) -> None:
        """Refuse wildcard actions, and wildcard resources without a reason."""
        if not self.actions:
            raise PolicyError(f"statement {self.sid or '(unnamed)'} has no actions")
        if self.effect not in ("Allow", "Deny"):
            raise PolicyError(f"statement {self.sid or '(unnamed)'}: effect must be Allow or Deny")
        for action in self.actions:
            service, _, name = action.partition(":")
            if not service or not name or (self.effect == "Allow" and "*" in action):
                raise PolicyError(
                    f"statement {self.sid or '(unnamed)'}: action {action!r} is a wildcard; "
                    "name each action (service:Action)"
                )
        if not self.resources:
            raise PolicyError(f"statement {self.sid or '(unnamed)'} has no resources")
        if "*" in self.resources and self.effect == "Allow" and not self.wildcard_resource_reason:
            raise PolicyError(
                f"statement {self.sid or '(unnamed)'}: resource '*' needs wildcard_resource_reason"
            )

    def to_dict(self) -> dict[str, Any]:
        """The statement in IAM's JSON shape (with outputs still inside)."""
        body: dict[str, Any] = {
            "Effect": self.effect,
            "Action": sorted(self.actions),
            "Resource": list(self.resources),
        }
        if self.sid:
            body["Sid"] = self.sid
        if self.principal is not None:
            body["Principal"] = self.principal
        if self.conditions:
            body["Condition"] = {op: dict(values) for op, values in self.conditions.items()}
        return body


def deny_insecure_transport(
    actions: Sequence[str], resources: Sequence[pulumi.Input[str]]
) -> Statement:
    """A resource policy's Deny of ``actions`` on ``resources`` for any request not over TLS."""
    return Statement(
        sid="DenyInsecureTransport",
        effect="Deny",
        principal="*",
        actions=list(actions),
        resources=list(resources),
        conditions={"Bool": {"aws:SecureTransport": "false"}},
    )


def policy_document(statements: Sequence[Statement]) -> pulumi.Output[str]:
    """Serialize statements into a policy document (an ``Output`` because ARNs usually are)."""
    return pulumi.Output.json_dumps(
        {"Version": POLICY_VERSION, "Statement": [s.to_dict() for s in statements]}
    )


def service_trust_policy(
    service: str,
    *,
    source_account: pulumi.Input[str] | None = None,
    source_arn: pulumi.Input[str] | None = None,
) -> pulumi.Output[str]:
    """A trust policy that lets exactly one AWS service principal assume the role.

    With ``source_account``, the service may assume it only on behalf of this
    account; with ``source_arn`` (a pattern), only for those resources (the
    confused-deputy guards).
    """
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    conditions: dict[str, Any] = {}
    if source_account is not None:
        conditions["StringEquals"] = {"aws:SourceAccount": source_account}
    if source_arn is not None:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    if conditions:
        statement["Condition"] = conditions
    return pulumi.Output.json_dumps({"Version": POLICY_VERSION, "Statement": [statement]})
