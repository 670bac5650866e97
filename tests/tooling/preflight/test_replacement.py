"""A routine change never replaces or blocks a stateful resource."""

import dataclasses

from policies.crosscloud_policies.stack import STATEFUL as POLICY_STATEFUL
from tooling.preflight import replacement
from tooling.synth import Resource, SynthResult

SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
AWS_SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"


def _findings(resource: Resource) -> list[str]:
    """The problems the check reports for one resource."""
    return [finding.problem for finding in replacement.hazards(resource)]


def test_shipped_stacks_have_no_replacement_hazards(synths: dict[str, SynthResult]) -> None:
    """dev, prod and local: nothing a routine change would replace or block."""
    for stack, result in synths.items():
        assert list(replacement.check(result)) == [], stack


def test_every_stateful_type_of_prod_is_in_the_table(prod: SynthResult) -> None:
    """Each protected or data-holding type prod registers has its replace inputs listed."""
    registered = {r.type for r in prod.resources if r.custom}
    protected = {r.type for r in prod.resources if r.protect and r.custom}
    assert (registered & POLICY_STATEFUL) | protected <= set(replacement.STATEFUL)


def test_protected_secret_version_blocks_rotation(prod: SynthResult) -> None:
    """The AWS secret version as prod had it (protected): rotating apiToken is refused."""
    version = prod.one(AWS_SECRET_VERSION)
    assert version.protect is False
    (problem,) = _findings(dataclasses.replace(version, protect=True))
    assert "secretString (routine)" in problem


def test_autoresized_disk_must_be_ignored(prod: SynthResult) -> None:
    """Cloud SQL without ignore_changes on the disk size plans a replacement once it grows."""
    instance = prod.one(SQL_INSTANCE)
    assert "settings.diskSize" in instance.ignore_changes
    (problem,) = _findings(dataclasses.replace(instance, ignore_changes=()))
    assert "settings.diskSize" in problem


def test_fixed_name_needs_delete_before_replace(prod: SynthResult) -> None:
    """RDS has a fixed identifier and replace inputs: without deleteBeforeReplace it collides."""
    db = prod.one("aws:rds/instance:Instance")
    (problem,) = _findings(dataclasses.replace(db, delete_before_replace=False))
    assert "fixed identifier" in problem
    assert "engine" in problem


def test_a_scope_change_is_no_collision(prod: SynthResult) -> None:
    """A database moving to another instance keeps its name without colliding."""
    database = prod.one("gcp:sql/database:Database")
    assert database.delete_before_replace is False
    assert _findings(database) == []


def test_entries_name_their_source() -> None:
    """Each table entry cites the provider file it was read from."""
    for type_, spec in replacement.STATEFUL.items():
        assert spec.source.startswith(("hashicorp/", "GoogleCloudPlatform/")), type_
        assert set(spec.routine) <= set(spec.replace_inputs), type_


def test_a_subscription_is_replaced_by_its_address() -> None:
    """An e-mail subscription's endpoint, protocol and topic replace it (a new confirmation)."""
    spec = replacement.STATEFUL["aws:sns/topicSubscription:TopicSubscription"]
    assert set(spec.replace_inputs) == {"endpoint", "protocol", "topic"}
