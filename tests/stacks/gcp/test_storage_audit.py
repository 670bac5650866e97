"""Cloud Storage records: Data Access audit logs of every object read and write in the project."""

from tooling.synth import SynthResult

AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"


def test_reads_and_writes_of_objects_are_audited(stack: SynthResult) -> None:
    """One audit config for storage.googleapis.com, DATA_READ and DATA_WRITE, nobody exempted."""
    (config,) = stack.of_type(AUDIT_CONFIG)
    assert config.inputs["service"] == "storage.googleapis.com"
    assert config.inputs["project"] == stack.config["gcp:project"]
    assert config.inputs["auditLogConfigs"] == [
        {"logType": "DATA_READ"},
        {"logType": "DATA_WRITE"},
    ]


def test_audit_config_is_a_setting_not_protected_state(stack: SynthResult) -> None:
    """Even in prod it is not protected (changing or removing it must stay possible)."""
    assert stack.one(AUDIT_CONFIG).protect is False


def test_audit_config_goes_through_the_stack_provider(stack: SynthResult) -> None:
    """It is written with the stack's explicit provider, into the stack's project only."""
    (provider,) = stack.of_type("pulumi:providers:gcp")
    assert stack.one(AUDIT_CONFIG).provider.startswith(provider.urn + "::")
    assert provider.inputs["project"] == stack.config["gcp:project"]
