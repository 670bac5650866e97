"""Google Cloud IAM: members, bindings and policies on any resource, and service account keys."""

import json
from collections.abc import Iterator
from typing import Any

from .core import ResourceRule, Rule, Subject, as_mapping, items
from .settings import Settings

PRIMITIVE_ROLES = ("roles/owner", "roles/editor", "roles/viewer")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
SERVICE_ACCOUNT_KEYS = ("gcp:serviceaccount/key:Key",)


def iam_kind(resource_type: str) -> str:
    """``member``, ``binding`` or ``policy`` for a GCP IAM resource type, else ``""``.

    Every GCP service names these resources ``<Thing>IamMember`` /
    ``IAMMember`` (and Binding, Policy), so one rule covers all of them.
    """
    if not resource_type.startswith("gcp:"):
        return ""
    kind = resource_type.rsplit(":", 1)[-1].lower()
    for suffix in ("member", "binding", "policy"):
        if kind.endswith(f"iam{suffix}"):
            return suffix
    return ""


def grants(subject: Subject) -> Iterator[tuple[str, str]]:
    """Every ``(role, member)`` pair an IAM member, binding or policy resource grants."""
    kind = iam_kind(subject.type)
    props = subject.props
    if kind == "member":
        yield str(props.get("role")), str(props.get("member"))
    elif kind == "binding":
        for member in items(props.get("members")):
            yield str(props.get("role")), str(member)
    elif kind == "policy":
        for binding in items(_policy_data(props.get("policyData")).get("bindings")):
            for member in items(as_mapping(binding).get("members")):
                yield str(as_mapping(binding).get("role")), str(member)


def _policy_data(value: Any) -> dict[str, Any]:
    """An IAM policy's data (JSON text or mapping) as a dict."""
    if isinstance(value, str):
        try:
            return dict(json.loads(value))
        except (ValueError, TypeError):
            return {}
    return dict(as_mapping(value))


def no_primitive_roles_for_service_accounts(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No owner/editor/viewer granted to a service account, on any resource."""
    for role, member in grants(subject):
        if role in PRIMITIVE_ROLES and member.startswith("serviceAccount:"):
            yield f"{subject.name} grants the primitive role {role} to {member}."


def no_service_account_keys(subject: Subject, _settings: Settings) -> Iterator[str]:
    """The stack creates no service account keys."""
    if subject.type in SERVICE_ACCOUNT_KEYS:
        yield (
            f"The stack creates a service account key ({subject.name}); keys leak and never expire."
        )


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="gcp-no-primitive-roles-for-service-accounts",
        description="No service account is granted roles/owner, roles/editor or roles/viewer.",
        remediation=(
            "Grant the predefined roles the workload needs (roles/storage.objectUser, ...)."
        ),
        why="Primitive roles span every service in the project.",
        check=no_primitive_roles_for_service_accounts,
    ),
    ResourceRule(
        name="gcp-no-service-account-keys",
        description="The stack creates no service account keys.",
        remediation=(
            "Attach the service account to the workload (Cloud Functions service_account_email) "
            "or use workload identity federation."
        ),
        why="Exported keys are long-lived credentials that leak.",
        check=no_service_account_keys,
    ),
)
