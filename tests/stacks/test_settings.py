"""Stack config validation: each bad value stops the program with a message naming the key."""

import shutil
from pathlib import Path
from typing import Any

import pytest

from stacks.exceptions import ConfigError
from stacks.settings import time_zone_problem
from tooling.synth import ROOT, synth

# (override, key the message must name, words the message must contain)
BAD_VALUES: list[tuple[dict[str, Any], str, str]] = [
    ({"crosscloud:clouds": "azure"}, "crosscloud:clouds", "allowed: aws, gcp, both"),
    ({"crosscloud:environment": "staging"}, "crosscloud:environment", "allowed: dev, prod"),
    ({"crosscloud:owner": None}, "crosscloud:owner", "is required"),
    ({"crosscloud:costCentre": ""}, "crosscloud:costCentre", "is required"),
    ({"crosscloud:owner": "bad owner!"}, "crosscloud:owner", "allowed"),
    ({"crosscloud:alarmEmails": ["not-an-email"]}, "crosscloud:alarmEmails", "email address"),
    ({"crosscloud:alarmEmails": "oops"}, "crosscloud:alarmEmails", "a list of strings"),
    # Reserved documentation names: SNS never delivers, Google IAM refuses the member.
    ({"crosscloud:alarmEmails": ["oncall@example.com"]}, "crosscloud:alarmEmails", "reserved"),
    ({"crosscloud:alarmEmails": ["ops@corp.test"]}, "crosscloud:alarmEmails", "reserved"),
    ({"crosscloud:gcpInvokers": ["group:a@example.org"]}, "crosscloud:gcpInvokers", "reserved"),
    ({"crosscloud:reportSchedule": "0 6 * * *"}, "crosscloud:reportSchedule", "weekly cron"),
    ({"crosscloud:reportSchedule": "rate(7 days)"}, "crosscloud:reportSchedule", "weekly cron"),
    ({"crosscloud:reportTimeZone": "CET+1"}, "crosscloud:reportTimeZone", "IANA time zone"),
    # Looks like a zone, is none: CreateSchedule would refuse it halfway through a deploy.
    (
        {"crosscloud:reportTimeZone": "Europe/Pariss"},
        "crosscloud:reportTimeZone",
        "got 'Europe/Pariss'; allowed: an IANA time zone",
    ),
    ({"crosscloud:reportTimeZone": "Factory"}, "crosscloud:reportTimeZone", "IANA time zone"),
    ({"crosscloud:reportEmails": ["r@example.com"]}, "crosscloud:reportEmails", "reserved"),
    ({"crosscloud:gcpInvokers": ["domain:example.net"]}, "crosscloud:gcpInvokers", "reserved"),
    ({"crosscloud:logRetentionDays": "10"}, "crosscloud:logRetentionDays", "one of 1, 3, 5, 7"),
    (
        {"crosscloud:auditLogRetentionDays": "100"},
        "crosscloud:auditLogRetentionDays",
        "one of 1, 3, 5, 7",
    ),
    ({"crosscloud:publicApi": "yes"}, "crosscloud:publicApi", "allowed: true, false"),
    (
        {"crosscloud:corsAllowedOrigins": ["http://evil.example.com"]},
        "crosscloud:corsAllowedOrigins",
        "https://",
    ),
    ({"crosscloud:dbInstanceClass": "t3.micro"}, "crosscloud:dbInstanceClass", "db.t4g.micro"),
    ({"crosscloud:dbGcpTier": "huge"}, "crosscloud:dbGcpTier", "Cloud SQL tier"),
    ({"crosscloud:dbAllocatedStorageGb": "5"}, "crosscloud:dbAllocatedStorageGb", "20 to 65536"),
    (
        {"crosscloud:dbAllocatedStorageGb": "100", "crosscloud:dbMaxAllocatedStorageGb": "50"},
        "crosscloud:dbMaxAllocatedStorageGb",
        "at least dbAllocatedStorageGb (100)",
    ),
    ({"crosscloud:dbBackupRetentionDays": "36"}, "crosscloud:dbBackupRetentionDays", "1 to 35"),
    ({"crosscloud:dbLogMinDurationMs": "50"}, "crosscloud:dbLogMinDurationMs", "-1 (off) or 100"),
    ({"crosscloud:dbLogMinDurationMs": "-2"}, "crosscloud:dbLogMinDurationMs", "-1 to 2147483647"),
    ({"crosscloud:dbLogTempFilesKb": "-5"}, "crosscloud:dbLogTempFilesKb", "-1 to 2147483647"),
    (
        {"crosscloud:dbLogMinErrorStatement": "panic"},
        "crosscloud:dbLogMinErrorStatement",
        "notice, warning, error",
    ),
    ({"crosscloud:dbLogMinMessages": "debug1"}, "crosscloud:dbLogMinMessages", "warning"),
    ({"crosscloud:dbAuditLogClasses": ["all"]}, "crosscloud:dbAuditLogClasses", "one of ddl"),
    (
        {"crosscloud:dbAuditLogClasses": ["write"]},
        "crosscloud:dbAuditLogClasses",
        "lacks ddl, role",
    ),
    (
        {"crosscloud:dbMonitoringIntervalSeconds": "20"},
        "crosscloud:dbMonitoringIntervalSeconds",
        "one of 0, 1, 5, 10, 15, 30, 60",
    ),
    ({"crosscloud:functionMemoryMb": "64"}, "crosscloud:functionMemoryMb", "128 to 10240"),
    ({"crosscloud:functionTimeoutSeconds": "60"}, "crosscloud:functionTimeoutSeconds", "1 to 30"),
    (
        {"crosscloud:functionReservedConcurrency": "-1"},
        "crosscloud:functionReservedConcurrency",
        "0 to 1000",
    ),
    (
        {"crosscloud:indexerReservedConcurrency": "1001"},
        "crosscloud:indexerReservedConcurrency",
        "0 to 1000",
    ),
    (
        {"crosscloud:indexerReservedConcurrency": "1"},
        "crosscloud:indexerReservedConcurrency",
        "0 (no reservation) or a whole number from 2 to 1000",
    ),
    ({"crosscloud:functionMaxInstances": "-1"}, "crosscloud:functionMaxInstances", "1 to 1000"),
    ({"crosscloud:functionArchitecture": "arm"}, "crosscloud:functionArchitecture", "arm64"),
    ({"crosscloud:vpcCidr": "10.0.0.0/8"}, "crosscloud:vpcCidr", "/16 to /24"),
    ({"crosscloud:natGateway": "maybe"}, "crosscloud:natGateway", "true, false"),
    ({"crosscloud:vpcFlowLogTraffic": "ACCEPT"}, "crosscloud:vpcFlowLogTraffic", "REJECT, ALL"),
    ({"crosscloud:gcpIngress": "PUBLIC"}, "crosscloud:gcpIngress", "ALLOW_INTERNAL_ONLY"),
    ({"crosscloud:gcpInvokers": ["allUsers"]}, "crosscloud:gcpInvokers", "publicApi"),
    ({"crosscloud:appSecrets": ["bad-name"]}, "crosscloud:appSecrets", "camelCase"),
    ({"aws:region": None}, "aws:region", "required when clouds includes aws"),
    ({"aws:region": "mars-1"}, "aws:region", "eu-west-1"),
    ({"gcp:project": None}, "gcp:project", "required when clouds includes gcp"),
    ({"gcp:region": "Europe"}, "gcp:region", "europe-west1"),
]


@pytest.mark.parametrize(
    ("override", "key", "allowed"),
    BAD_VALUES,
    ids=[case[1] + "-" + str(i) for i, case in enumerate(BAD_VALUES)],
)
def test_bad_value_names_key_and_what_is_allowed(
    override: dict[str, Any], key: str, allowed: str
) -> None:
    """One bad value → one ConfigError naming that key and what is allowed, nothing else."""
    with pytest.raises(ConfigError) as caught:
        synth("dev", overrides=override)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{key}: "), problems
    assert allowed in problems[0]


def test_config_error_registers_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A config error stops the program before it registers any resource of its own."""
    from tooling import synth as synth_module

    registered: list[str] = []
    original = synth_module.RecordingMonitor.RegisterResource

    def spy(self: synth_module.RecordingMonitor, request: Any) -> Any:
        registered.append(request.type)
        return original(self, request)

    monkeypatch.setattr(synth_module.RecordingMonitor, "RegisterResource", spy)
    with pytest.raises(ConfigError):
        synth("dev", overrides={"crosscloud:environment": "staging"})
    # The runtime registers the root stack before the program starts; nothing else.
    assert registered == ["pulumi:pulumi:Stack"]


def test_all_problems_reported_at_once() -> None:
    """Several bad keys are listed together, so one run shows everything to fix."""
    with pytest.raises(ConfigError) as caught:
        synth(
            "dev",
            overrides={"crosscloud:clouds": "azure", "crosscloud:functionMemoryMb": "1"},
        )
    message = str(caught.value)
    assert "crosscloud:clouds" in message
    assert "crosscloud:functionMemoryMb" in message
    assert "Traceback" not in message


def test_prod_requires_an_alarm_email_and_a_week_of_backups() -> None:
    """Prod refuses empty alarm and report lists and fewer than 7 days of backups."""
    with pytest.raises(ConfigError) as caught:
        synth(
            "prod",
            overrides={
                "crosscloud:alarmEmails": [],
                "crosscloud:reportEmails": [],
                "crosscloud:dbBackupRetentionDays": "3",
            },
        )
    keys = sorted(problem.split(":")[1] for problem in caught.value.problems)
    assert keys == ["alarmEmails", "dbBackupRetentionDays", "reportEmails"]


def test_app_secret_must_be_set() -> None:
    """A named app secret without a config value is a config error naming its key."""
    with pytest.raises(ConfigError) as caught:
        synth("dev", secrets={})
    assert caught.value.problems == (
        "crosscloud:apiToken: is required; set it with "
        "`pulumi config set --secret crosscloud:apiToken`",
    )


def test_app_secret_in_plain_text_is_refused() -> None:
    """A secret stored as plain config is refused: it would sit unencrypted in the stack file."""
    with pytest.raises(ConfigError) as caught:
        synth("dev", overrides={"crosscloud:apiToken": "plain"}, secrets={})
    assert "stored in plain text" in caught.value.problems[0]


@pytest.mark.parametrize("stack", ["abcdefghij-klmn", "Dev", "team--a", "dev-", "dev_1", "1dev"])
def test_stack_name_that_cannot_prefix_every_physical_name_is_refused(
    stack: str, tmp_path: Path
) -> None:
    """A stack name too long for "crosscloud-<stack>-build" (30) or not lowercase is refused."""
    for entry in ("__main__.py", "stacks", "functions", "build", "Pulumi.yaml"):
        (tmp_path / entry).symlink_to(ROOT / entry)
    shutil.copy(ROOT / "Pulumi.dev.yaml", tmp_path / f"Pulumi.{stack}.yaml")
    with pytest.raises(ConfigError) as caught:
        synth(stack, root=tmp_path)
    assert list(caught.value.problems) == [
        f"stack name: got {stack!r}; allowed: 1-13 lowercase letters, digits and single "
        "hyphens, starting with a letter (it prefixes every physical name)"
    ]


def test_without_a_time_zone_database_the_zone_cannot_pass() -> None:
    """No tz database on the deploying machine: a clear refusal, not a pass by pattern."""
    assert "no IANA time zone database" in time_zone_problem("Europe/Paris", set())
    assert time_zone_problem("Europe/Paris", {"Europe/Paris", "GMT"}) == ""
    assert time_zone_problem("GMT", {"Europe/Paris", "GMT"}) == ""
