"""Reading AWS IAM policy documents, which arrive as JSON text or as objects."""

import json
from collections.abc import Mapping
from typing import Any

from .core import as_mapping, items

# Condition keys that pin a wildcard principal to this organisation, account,
# network or calling resource, so the statement is not open to the internet.
RESTRICTING_CONDITION_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceIp",
        "aws:SourceOwner",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceOrgID",
    )
)


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document; an unreadable document has none."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return []
    body = as_mapping(document)
    return [s for s in items(body.get("Statement")) if isinstance(s, Mapping)]


def is_allow(statement: Mapping[str, Any]) -> bool:
    """Whether a statement grants access rather than denying it."""
    return statement.get("Effect", "Allow") == "Allow"


def actions(statement: Mapping[str, Any]) -> list[str]:
    """The statement's ``Action`` entries."""
    return [str(a) for a in items(statement.get("Action"))]


def resources(statement: Mapping[str, Any]) -> list[str]:
    """The statement's ``Resource`` entries."""
    return [str(r) for r in items(statement.get("Resource"))]


def principal_values(statement: Mapping[str, Any], kind: str | None = None) -> list[str]:
    """Principal entries of one kind (``AWS``, ``Service``, ``Federated``) or of every kind."""
    principal = statement.get("Principal")
    if principal is None:
        return []
    if isinstance(principal, str):
        return [principal] if kind in (None, "AWS") else []
    body = as_mapping(principal)
    kinds = [kind] if kind is not None else list(body)
    return [str(v) for k in kinds for v in items(body.get(k))]


def condition_keys(statement: Mapping[str, Any]) -> set[str]:
    """Lower-cased condition keys of a statement, across every operator."""
    conditions = as_mapping(statement.get("Condition"))
    return {str(key).lower() for block in conditions.values() for key in as_mapping(block)}


def is_public_grant(statement: Mapping[str, Any]) -> bool:
    """An Allow to everyone (``*``) not narrowed by an account, org, network or source condition."""
    if not is_allow(statement):
        return False
    if "*" not in principal_values(statement):
        return False
    return not condition_keys(statement) & RESTRICTING_CONDITION_KEYS
