"""Secret Manager: one secret per app secret, readable by the function only, injected pinned."""

import json
from collections.abc import Callable

from tooling.synth import SynthResult

SECRET = "gcp:secretmanager/secret:Secret"
VERSION = "gcp:secretmanager/secretVersion:SecretVersion"
ACCESSOR = "gcp:secretmanager/secretIamMember:SecretIamMember"
FUNCTION = "gcp:cloudfunctionsv2/function:Function"


def test_one_secret_per_app_secret(stack: SynthResult) -> None:
    """Each configured app secret has its own secret, auto-replicated, with one secret version."""
    names = json.loads(stack.config["crosscloud:appSecrets"])
    secrets = stack.of_type(SECRET)
    assert sorted(s.inputs["secretId"] for s in secrets) == sorted(
        f"crosscloud-{stack.stack}-{name}" for name in names
    )
    for secret in secrets:
        assert secret.inputs["replication"] == {"auto": {}}
        assert secret.inputs["deletionProtection"] is (stack.stack == "prod")
    versions = stack.of_type(VERSION)
    assert sorted(v.inputs["secret"] for v in versions) == sorted(s.id for s in secrets)


def test_values_come_from_config_secrets_and_stay_secret(stack: SynthResult) -> None:
    """The version's data is the config secret's value, registered as a secret."""
    (version,) = stack.of_type(VERSION)
    assert version.inputs["secretData"] == "offline-placeholder-apiToken"
    assert "secretData" in version.secret_inputs


def test_function_gets_each_secret_pinned_to_its_version(stack: SynthResult) -> None:
    """secret_environment_variables name this stack's secrets at their numbered version."""
    injected = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api").inputs["serviceConfig"][
        "secretEnvironmentVariables"
    ]
    versions = {v.inputs["secret"]: v for v in stack.of_type(VERSION)}
    by_id = {s.inputs["secretId"]: s for s in stack.of_type(SECRET)}
    assert [entry["key"] for entry in injected] == ["API_TOKEN"]
    for entry in injected:
        secret = by_id[entry["secret"]]
        assert entry["projectId"] == stack.config["gcp:project"]
        assert entry["version"] == versions[secret.id].state["version"]
        assert entry["version"].isdigit()
        assert entry["version"] != "latest"


def test_only_the_runtime_account_may_read_each_secret(
    stack: SynthResult, account_email: Callable[[SynthResult, str], str]
) -> None:
    """One accessor binding per secret, to the function's service account, nothing broader."""
    secrets = stack.of_type(SECRET)
    bindings = stack.of_type(ACCESSOR)
    assert sorted(b.inputs["secretId"] for b in bindings) == sorted(s.id for s in secrets)
    for binding in bindings:
        assert binding.inputs["role"] == "roles/secretmanager.secretAccessor"
        assert binding.inputs["member"] == f"serviceAccount:{account_email(stack, 'api')}"
