"""Random-looking values in function environments, on either cloud (a heuristic, so advisory)."""

from collections.abc import Iterator

from . import env_secrets
from .cloudfunctions import environments
from .core import ResourceRule, Rule, Subject, dig
from .lambda_ import FUNCTION as LAMBDA
from .settings import Settings


def high_entropy_values(subject: Subject, _settings: Settings) -> Iterator[str]:
    """No plain environment value looks like a generated credential."""
    sources = list(environments(subject))
    if subject.type == LAMBDA:
        sources.append(("environment", dig(subject.props, "environment", "variables")))
    for where, variables in sources:
        for name in env_secrets.random_looking_names(variables):
            yield (
                f"{subject.name} {where} variable {name} has a random-looking value; if it is a "
                "credential, move it to Secrets Manager / Secret Manager."
            )


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="function-env-high-entropy-values",
        description=(
            "No Lambda, Cloud Functions or Cloud Run plain environment value looks like a "
            "generated credential."
        ),
        remediation="Move credentials to Secrets Manager / Secret Manager and pass a reference.",
        why=(
            "Catches secrets under innocent names; advisory because hashes and ids can look random"
            " too."
        ),
        enforcement="advisory",
        check=high_entropy_values,
    ),
)
