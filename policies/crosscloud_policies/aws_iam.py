"""AWS IAM: named actions, scoped writes, no long-lived users or keys, scoped trust."""

from collections.abc import Iterator, Mapping
from typing import Any

from . import documents
from .core import ResourceRule, Rule, Subject, dig, items
from .settings import Settings

# Identity policies: a Resource "*" there means every resource in the account.
IDENTITY_POLICIES: dict[str, str] = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
# Resource policies: they only ever grant on their own resource.
RESOURCE_POLICIES: dict[str, str] = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucket:Bucket": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
}
ROLE = "aws:iam/role:Role"
USER_CREDENTIAL_TYPES = (
    "aws:iam/user:User",
    "aws:iam/accessKey:AccessKey",
    "aws:iam/userLoginProfile:UserLoginProfile",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential",
    "aws:iam/signingCertificate:SigningCertificate",
)
# Verbs that only read; any other action on Resource "*" counts as a write.
READ_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "BatchGet", "View")


def policy_documents(subject: Subject) -> Iterator[tuple[str, Any]]:
    """Every ``(label, document)`` the resource carries, identity or resource policy."""
    key = IDENTITY_POLICIES.get(subject.type) or RESOURCE_POLICIES.get(subject.type)
    if key and subject.props.get(key):
        yield subject.name, subject.props.get(key)
    if subject.type == ROLE:
        for inline in items(subject.props.get("inlinePolicies")):
            yield f"{subject.name} inline policy {dig(inline, 'name')}", dig(inline, "policy")


def _label(statement: Mapping[str, Any], where: str) -> str:
    """How a message names a statement: its Sid and where it lives."""
    return f"statement {statement.get('Sid') or '(no Sid)'} of {where}"


def no_wildcard_actions(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Allow statements name each action; no ``*``, ``service:*`` or ``NotAction``."""
    for where, document in policy_documents(subject):
        for statement in documents.statements(document):
            if not documents.is_allow(statement):
                continue  # a Deny may name a whole service: it only takes access away
            wild = [a for a in documents.actions(statement) if "*" in a]
            if wild:
                yield f"{_label(statement, where)} allows wildcard action(s) {', '.join(wild)}."
            if "NotAction" in statement:
                yield f"{_label(statement, where)} allows NotAction, i.e. everything else."


def is_write(action: str) -> bool:
    """Whether an action may change something (anything not a read verb)."""
    _, _, verb = action.partition(":")
    return not verb.startswith(READ_PREFIXES)


def no_wildcard_resource_on_write(subject: Subject, settings: Settings) -> Iterator[str]:
    """Identity policies grant write actions on named resources, not on ``*``."""
    if subject.type not in IDENTITY_POLICIES and subject.type != ROLE:
        return
    for where, document in policy_documents(subject):
        for statement in documents.statements(document):
            if not documents.is_allow(statement) or "*" not in documents.resources(statement):
                continue
            writes = [
                a
                for a in documents.actions(statement)
                if is_write(a) and a not in settings.unscopable_actions
            ]
            if writes:
                yield (
                    f"{_label(statement, where)} allows write action(s) "
                    f"{', '.join(writes)} on Resource '*'."
                )


def no_users_or_keys(subject: Subject, _settings: Settings) -> Iterator[str]:
    """The stack creates no IAM users or long-lived credentials."""
    if subject.type in USER_CREDENTIAL_TYPES:
        kind = subject.type.rsplit(":", 1)[-1]
        yield f"The stack creates an IAM {kind} ({subject.name}); long-lived credentials leak."


def scoped_trust(subject: Subject, _settings: Settings) -> Iterator[str]:
    """A role trusts one named service, or a named principal under a condition."""
    if subject.type != ROLE:
        return
    for statement in documents.statements(subject.props.get("assumeRolePolicy")):
        if not documents.is_allow(statement):
            continue
        label = _label(statement, f"{subject.name} trust policy")
        services = documents.principal_values(statement, "Service")
        others = documents.principal_values(statement, "AWS") + documents.principal_values(
            statement, "Federated"
        )
        if any("*" in p for p in services + others):
            yield f"{label} trusts a wildcard principal."
        elif others and not statement.get("Condition"):
            yield (
                f"{label} trusts {', '.join(others)} without a condition "
                "(e.g. sts:ExternalId, aws:PrincipalArn or a token audience)."
            )
        elif not services and not others:
            yield f"{label} names no principal to trust."


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="iam-no-wildcard-actions",
        description="IAM Allow statements name each action: no '*', 'service:*' or NotAction.",
        remediation="List the exact actions (service:Action) the workload calls.",
        why="Wildcards grant actions nobody reviewed, including ones AWS adds later.",
        check=no_wildcard_actions,
    ),
    ResourceRule(
        name="iam-no-wildcard-resource-on-write",
        description="Identity policies allow write actions only on named resources, not '*'.",
        remediation=(
            "Scope the Resource to the ARNs the workload writes; only actions AWS cannot "
            "scope (pack config unscopableActions) may use '*'."
        ),
        why="A write on '*' reaches every resource of that service in the account.",
        check=no_wildcard_resource_on_write,
    ),
    ResourceRule(
        name="iam-no-users-or-access-keys",
        description=(
            "The stack creates no IAM users, access keys, login profiles or other user credentials."
        ),
        remediation="Use roles assumed by services, OIDC federation for CI, and SSO for people.",
        why="Long-lived keys leak; roles hand out short-lived credentials.",
        check=no_users_or_keys,
    ),
    ResourceRule(
        name="iam-scoped-trust-policy",
        description=(
            "Role trust policies trust a named service, or a named AWS/federated principal "
            "with a condition; never '*'."
        ),
        remediation=(
            "Trust a service principal (lambda.amazonaws.com), or name the principal ARN "
            "and add a Condition (sts:ExternalId, token audience/subject)."
        ),
        why="An open trust policy lets anyone who can name the role assume it.",
        check=scoped_trust,
    ),
)
