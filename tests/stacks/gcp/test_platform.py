"""The GCP platform as a whole: provider, labels, protection, outputs, the clouds switch."""

import json

from tooling.synth import SECRET_PLACEHOLDER, SynthResult, synth

STATEFUL = (
    "gcp:storage/bucket:Bucket",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:secretmanager/secret:Secret",
)


def _gcp_resources(result: SynthResult) -> list[str]:
    """Types of everything Google Cloud the program registered."""
    return [
        r.type
        for r in result.resources
        if r.type.startswith(("gcp:", "crosscloud:gcp:")) or r.type == "pulumi:providers:gcp"
    ]


def test_one_provider_labels_every_resource(stack: SynthResult) -> None:
    """A single explicit provider carries the stack's project, region and labels, used by all."""
    (provider,) = stack.of_type("pulumi:providers:gcp")
    assert provider.inputs["project"] == stack.config["gcp:project"]
    assert provider.inputs["region"] == stack.config["gcp:region"]
    # The engine passes provider inputs as JSON-encoded strings.
    assert json.loads(provider.inputs["defaultLabels"]) == {
        "project": "crosscloud",
        "stack": stack.stack,
        "environment": stack.stack,
        "owner": stack.config["crosscloud:owner"],
        "cost-centre": stack.config["crosscloud:costCentre"],
    }
    gcp_custom = [r for r in stack.resources if r.custom and r.type.startswith("gcp:")]
    assert {r.type for r in gcp_custom} >= {*STATEFUL, "gcp:cloudfunctionsv2/function:Function"}
    for resource in gcp_custom:
        assert resource.provider.rsplit("::", 1)[0] == provider.urn, resource.name


def test_stateful_resources_protected_only_in_prod(dev: SynthResult, prod: SynthResult) -> None:
    """Buckets, the database and secrets are protected in prod and deletable in dev."""
    for type_ in STATEFUL:
        assert prod.of_type(type_), type_
        assert {r.protect for r in prod.of_type(type_)} == {True}, type_
        assert {r.protect for r in dev.of_type(type_)} == {False}, type_


def test_secret_versions_stay_replaceable_in_prod(prod: SynthResult) -> None:
    """A new secret value replaces its version, so versions are never protected."""
    versions = prod.of_type("gcp:secretmanager/secretVersion:SecretVersion")
    assert versions
    assert {v.protect for v in versions} == {False}


def test_components_parent_their_children(dev: SynthResult) -> None:
    """Every Google Cloud resource hangs under the GCP platform component."""
    platform = dev.one("crosscloud:gcp:Platform")
    for resource in dev.resources:
        if resource is platform or not resource.type.startswith(("gcp:", "crosscloud:gcp:")):
            continue
        chain = resource
        while chain.parent != platform.urn:
            chain = dev.by_urn(chain.parent)
        assert chain.parent == platform.urn, resource.name


def test_outputs_name_the_endpoint_buckets_database_and_secrets(stack: SynthResult) -> None:
    """The exported values are the real ones the resources resolved to."""
    outputs = stack.outputs["gcp"]
    function = stack.one("gcp:cloudfunctionsv2/function:Function", f"crosscloud-{stack.stack}-api")
    buckets = {r.name.rsplit("-", 1)[-1]: r for r in stack.of_type("gcp:storage/bucket:Bucket")}
    instance = stack.one("gcp:sql/databaseInstance:DatabaseInstance")
    (secret,) = stack.of_type("gcp:secretmanager/secret:Secret")
    assert outputs["apiUrl"] == function.state["url"]
    assert outputs["apiUrl"].startswith("https://")
    assert outputs["sourceBucket"] == buckets["source"].state["name"]
    assert outputs["uploadsBucket"] == buckets["uploads"].state["name"]
    assert outputs["databaseConnectionName"] == instance.state["connectionName"]
    assert outputs["databaseName"] == "channels"
    assert outputs["secretIds"] == {"apiToken": f"crosscloud-{stack.stack}-apiToken"}
    assert outputs["secretIds"]["apiToken"] == secret.inputs["secretId"]
    assert SECRET_PLACEHOLDER not in json.dumps(outputs, default=str)
    assert "offline-placeholder" not in json.dumps(stack.outputs, default=str)


def test_aws_only_registers_no_gcp_resources() -> None:
    """clouds: aws leaves nothing of Google Cloud registered or exported."""
    result = synth("dev", overrides={"crosscloud:clouds": "aws"})
    assert result.of_type("crosscloud:aws:Platform")
    assert _gcp_resources(result) == []
    assert "gcp" not in result.outputs


def test_gcp_only_registers_the_gcp_platform() -> None:
    """clouds: gcp registers the whole GCP platform and exports it."""
    result = synth("dev", overrides={"crosscloud:clouds": "gcp"})
    assert "crosscloud:gcp:Platform" in _gcp_resources(result)
    assert result.outputs["gcp"]["apiUrl"].startswith("https://")
