"""Cloud Functions and Cloud Run: not public unless the stack says so; secrets as secrets."""

from collections.abc import Iterator

from . import env_secrets
from .core import ResourceRule, Rule, Subject, dig, is_true, items
from .gcp_iam import PUBLIC_MEMBERS, grants
from .settings import Settings

FUNCTION_V2 = "gcp:cloudfunctionsv2/function:Function"
FUNCTION_V1 = "gcp:cloudfunctions/function:Function"
RUN_SERVICE = "gcp:cloudrunv2/service:Service"
# IAM on these services decides who may invoke.
INVOKER_SERVICES = (
    "gcp:cloudfunctionsv2/",
    "gcp:cloudfunctions/",
    "gcp:cloudrun/",
    "gcp:cloudrunv2/",
)


def environments(subject: Subject) -> Iterator[tuple[str, object]]:
    """Every ``(where, variables)`` plain environment map of a function or service."""
    props = subject.props
    if subject.type == FUNCTION_V2:
        yield "serviceConfig", dig(props, "serviceConfig", "environmentVariables")
        yield "buildConfig", dig(props, "buildConfig", "environmentVariables")
    elif subject.type == FUNCTION_V1:
        yield "environmentVariables", props.get("environmentVariables")
        yield "buildEnvironmentVariables", props.get("buildEnvironmentVariables")
    elif subject.type == RUN_SERVICE:
        for index, container in enumerate(items(dig(props, "template", "containers"))):
            # Cloud Run lists envs as {name, value} or {name, valueSource}: only values are plain.
            plain = {
                str(dig(env, "name")): dig(env, "value")
                for env in items(dig(container, "envs"))
                if dig(env, "value") is not None
            }
            yield f"template.containers[{index}].envs", plain


def no_public_invoker(subject: Subject, settings: Settings) -> Iterator[str]:
    """allUsers/allAuthenticatedUsers may invoke only when the stack declares its API public."""
    if settings.public_api or not subject.type.startswith(INVOKER_SERVICES):
        return
    for role, member in grants(subject):
        if member in PUBLIC_MEMBERS:
            yield (
                f"{subject.name} grants {role} to {member} but stack {settings.stack} "
                "does not declare a public API (crosscloud:publicApi)."
            )
    if subject.type == RUN_SERVICE and is_true(subject.props.get("invokerIamDisabled")):
        yield (
            f"Cloud Run service {subject.name} disables the invoker IAM check but stack "
            f"{settings.stack} does not declare a public API."
        )


def secrets_as_secret_env(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Variables named like secrets come from Secret Manager, not plain environment."""
    for where, variables in environments(subject):
        for name in env_secrets.plaintext_secret_names(variables):
            yield (
                f"{subject.name} {where} variable {name} looks like a secret; use "
                "secret_environment_variables (Secret Manager) instead."
            )


RULES: tuple[Rule, ...] = (
    ResourceRule(
        name="cloudfunctions-no-public-invoker",
        description=(
            "No Cloud Functions / Cloud Run IAM grants allUsers or allAuthenticatedUsers, "
            "unless the stack declares a public API."
        ),
        remediation=(
            "Grant roles/run.invoker to named members (crosscloud:gcpInvokers), or set "
            "crosscloud:publicApi true (or the pack's publicStacks) if it really is public."
        ),
        why="A public invoker lets anyone on the internet run (and bill) the function.",
        check=no_public_invoker,
    ),
    ResourceRule(
        name="cloudfunctions-secrets-via-secret-env",
        description=(
            "Cloud Functions / Cloud Run variables named like secrets come from Secret Manager."
        ),
        remediation=(
            "Move the value to Secret Manager and reference it in secret_environment_variables."
        ),
        why="Plain variables are readable by every viewer of the function and sit in state.",
        check=secrets_as_secret_env,
    ),
)
