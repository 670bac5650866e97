"""Reading IAM policy documents in the shapes the engine sends them."""

import json

import pytest

from policies.crosscloud_policies import documents

STATEMENT = {
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]},
    "Action": "s3:GetObject",
}


@pytest.mark.parametrize(
    "document",
    [
        json.dumps({"Statement": [STATEMENT]}),
        {"Statement": [STATEMENT]},
        {"Statement": STATEMENT},  # a single statement object is valid IAM
    ],
)
def test_statements_from_text_objects_and_single_statements(document: object) -> None:
    """JSON text, objects and a lone statement all yield the statement."""
    assert documents.statements(document) == [STATEMENT]


def test_unreadable_documents_have_no_statements() -> None:
    """Broken JSON or a missing Statement yield nothing rather than raising."""
    assert documents.statements("{not json") == []
    assert documents.statements(None) == []


def test_principal_values_by_kind() -> None:
    """Principals are read per kind, and '*' as a bare string counts as AWS."""
    assert documents.principal_values(STATEMENT, "AWS") == ["arn:aws:iam::1:root", "*"]
    assert documents.principal_values(STATEMENT, "Service") == []
    assert documents.principal_values({"Principal": "*"}) == ["*"]


def test_condition_keys_are_case_insensitive() -> None:
    """IAM condition keys are case-insensitive, so they are compared lower-cased."""
    statement = {
        "Condition": {
            "StringEquals": {"AWS:SourceAccount": "1"},
            "Bool": {"aws:SecureTransport": "true"},
        }
    }
    assert documents.condition_keys(statement) == {"aws:sourceaccount", "aws:securetransport"}


def test_public_grant_needs_allow_and_everyone() -> None:
    """A Deny to everyone, or an Allow to a named principal, is not public."""
    assert documents.is_public_grant(STATEMENT)
    assert not documents.is_public_grant({**STATEMENT, "Effect": "Deny"})
    assert not documents.is_public_grant(
        {**STATEMENT, "Principal": {"Service": "sns.amazonaws.com"}}
    )
