"""The APIs the stack enables in its project, and that every resource waits for its own."""

import re

from stacks.gcp.apis import BOOTSTRAP_APIS, RUNTIME_APIS, apis_for_type, stack_apis
from tooling.synth import ROOT, SynthResult

SERVICE = "gcp:projects/service:Service"
FUNCTION = "gcp:cloudfunctionsv2/function:Function"
# Each Google client the function installs -> the API it calls.
CLIENT_APIS = {
    "google-cloud-storage": "storage.googleapis.com",
    "google-cloud-secret-manager": "secretmanager.googleapis.com",
    # Ephemeral certificates and instance metadata come from the SQL Admin API.
    "cloud-sql-python-connector": "sqladmin.googleapis.com",
}


def test_enables_each_api_once_and_never_disables_it(stack: SynthResult) -> None:
    """One Service per API, in the stack's project, left on when the stack is destroyed."""
    services = stack.of_type(SERVICE)
    assert sorted(s.inputs["service"] for s in services) == list(stack_apis())
    for service in services:
        assert service.inputs["project"] == stack.config["gcp:project"]
        assert service.inputs["disableOnDestroy"] is False, service.name
        assert not service.protect


def test_enables_what_a_2nd_gen_function_and_its_resources_need(stack: SynthResult) -> None:
    """Cloud Functions v2 with its build and serving APIs, and every service the stack uses."""
    enabled = {s.inputs["service"] for s in stack.of_type(SERVICE)}
    assert enabled == {
        f"{api}.googleapis.com"
        for api in (
            "artifactregistry",
            "cloudbuild",
            "cloudfunctions",
            "cloudscheduler",
            "iam",
            "iamcredentials",
            "logging",
            "monitoring",
            "pubsub",
            "run",
            "secretmanager",
            "sqladmin",
            "storage",
        )
    }
    # Needed before anything can be enabled: the bootstrap's, not the stack's.
    assert not enabled & set(BOOTSTRAP_APIS)


def test_every_resource_waits_for_its_apis(stack: SynthResult) -> None:
    """Each GCP resource depends on the enablement of each API it is created through."""
    enabled = {s.inputs["service"]: s.urn for s in stack.of_type(SERVICE)}
    checked = 0
    for resource in stack.resources:
        if not resource.custom or not resource.type.startswith("gcp:"):
            continue
        for api in set(apis_for_type(resource.type)) - set(BOOTSTRAP_APIS):
            assert enabled[api] in resource.dependencies, (resource.name, api)
            checked += 1
    assert checked >= 18


def test_function_waits_for_what_it_calls_at_run_time(stack: SynthResult) -> None:
    """Signing (IAM Credentials), the SQL connector, storage and logs are on before it serves."""
    enabled = {s.inputs["service"]: s.urn for s in stack.of_type(SERVICE)}
    for function in stack.of_type(FUNCTION):
        for api in RUNTIME_APIS:
            assert enabled[api] in function.dependencies, (function.name, api)
    assert "iamcredentials.googleapis.com" in RUNTIME_APIS


def test_every_google_client_the_function_installs_has_its_api() -> None:
    """A client library in functions/api/requirements.txt whose API is not enabled would fail."""
    requirements = (ROOT / "functions" / "api" / "requirements.txt").read_text()
    installed = {
        re.split(r"[\[=<>]", line)[0]
        for line in requirements.splitlines()
        if line and not line.startswith("#")
    }
    google = {name for name in installed if "google" in name or "cloud-sql" in name}
    assert google == set(CLIENT_APIS), "map each new client to its API here and in apis.py"
    assert {CLIENT_APIS[name] for name in google} <= set(stack_apis())
