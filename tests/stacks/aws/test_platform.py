"""The AWS platform as a whole: providers, tags, protection, outputs, the clouds switch."""

import json

from tooling.synth import SECRET_PLACEHOLDER, SynthResult, synth

STATEFUL = (
    "aws:s3/bucket:Bucket",
    "aws:dynamodb/table:Table",
    "aws:rds/instance:Instance",
    "aws:secretsmanager/secret:Secret",
)


def test_expected_resource_types_present(dev: SynthResult) -> None:
    """The data plane is all there."""
    types = {r.type for r in dev.resources}
    for expected in (
        *STATEFUL,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:ec2/vpc:Vpc",
        "aws:rds/subnetGroup:SubnetGroup",
        "aws:sns/topic:Topic",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:secretsmanager/secretVersion:SecretVersion",
    ):
        assert expected in types, expected


def test_every_aws_resource_uses_a_tagging_provider(dev: SynthResult) -> None:
    """No resource falls back to the default provider, so all carry the stack's tags."""
    providers = {p.urn: p for p in dev.of_type("pulumi:providers:aws")}
    expected_tags = {
        "project": "crosscloud",
        "stack": "dev",
        "environment": "dev",
        "owner": dev.config["crosscloud:owner"],
        "cost-centre": dev.config["crosscloud:costCentre"],
    }
    for provider in providers.values():
        # The engine passes provider inputs as JSON-encoded strings.
        assert json.loads(provider.inputs["defaultTags"]) == {"tags": expected_tags}
    for resource in dev.resources:
        if resource.custom and resource.type.startswith("aws:"):
            assert resource.provider.rsplit("::", 1)[0] in providers, resource.name


def test_stateful_resources_protected_only_in_prod(dev: SynthResult, prod: SynthResult) -> None:
    """Buckets, table, database and secrets are protected in prod and deletable in dev."""
    for type_ in STATEFUL:
        assert {r.protect for r in prod.of_type(type_)} == {True}, type_
        assert {r.protect for r in dev.of_type(type_)} == {False}, type_


def test_secret_values_stay_secret(dev: SynthResult) -> None:
    """App secret values are registered as secrets and never appear in outputs."""
    (version,) = dev.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert "secretString" in version.secret_inputs
    assert version.inputs["secretString"] == "offline-placeholder-apiToken"
    assert "offline-placeholder" not in json.dumps(dev.outputs, default=str)
    (secret,) = dev.of_type("aws:secretsmanager/secret:Secret")
    assert version.inputs["secretId"] == secret.id
    assert dev.outputs["aws"]["appSecretArns"] == {"apiToken": secret.state["arn"]}
    assert SECRET_PLACEHOLDER not in json.dumps(dev.outputs["aws"], default=str)


def test_components_parent_their_children(dev: SynthResult) -> None:
    """Every AWS resource, provider and component hangs under the AWS platform component."""
    platform = dev.one("crosscloud:aws:Platform")
    for resource in dev.resources:
        if resource is platform or not resource.type.startswith(
            ("aws:", "crosscloud:aws:", "pulumi:providers:aws")
        ):
            continue
        chain = resource
        while chain.parent and chain.parent != platform.urn:
            chain = dev.by_urn(chain.parent)
        assert chain.parent == platform.urn, resource.name


def test_gcp_only_registers_no_aws_resources() -> None:
    """clouds: gcp leaves nothing of AWS registered."""
    result = synth("dev", overrides={"crosscloud:clouds": "gcp"})
    assert [
        r.type for r in result.resources if r.type.startswith(("aws:", "crosscloud:aws:"))
    ] == []
    assert [r for r in result.resources if r.type == "pulumi:providers:aws"] == []
    assert "aws" not in result.outputs


def test_synth_is_deterministic(dev: SynthResult) -> None:
    """Two synths of the same sources register the same resources with the same inputs."""
    again = synth("dev")
    # Registration order follows asyncio scheduling; the set of registrations must not change.
    assert sorted((r.urn, json.dumps(r.inputs, sort_keys=True)) for r in again.resources) == sorted(
        (r.urn, json.dumps(r.inputs, sort_keys=True)) for r in dev.resources
    )


def test_local_stack_sends_every_call_to_the_emulator(synths: dict[str, SynthResult]) -> None:
    """The local stack's one provider (no billing region now) targets moto, path-style S3."""
    local = synths["local"]
    providers = local.of_type("pulumi:providers:aws")
    assert len(providers) == 1
    for provider in providers:
        (endpoints,) = json.loads(provider.inputs["endpoints"])
        assert set(endpoints.values()) == {"http://127.0.0.1:5000"}
        assert {"s3", "dynamodb", "secretsmanager", "sts"} <= set(endpoints)
        assert provider.inputs["s3UsePathStyle"] == "true"
        assert provider.inputs["skipRequestingAccountId"] == "true"
    assert [r for r in local.resources if r.type.startswith("gcp:")] == []


def test_real_stacks_never_target_an_emulator(dev: SynthResult, prod: SynthResult) -> None:
    """dev and prod providers have no endpoint overrides and no static credentials."""
    for result in (dev, prod):
        for provider in result.of_type("pulumi:providers:aws"):
            assert "endpoints" not in provider.inputs
            assert "accessKey" not in provider.inputs
