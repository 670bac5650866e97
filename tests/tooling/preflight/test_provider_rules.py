"""Provider rules: each rejects what its provider rejects, and the shipped stacks pass."""

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from stacks.settings import STACK_NAME_MAX
from tooling.mock_cloud import GET_ACCOUNT
from tooling.preflight.provider_rules import AUTONAMES, RULES, check
from tooling.preflight.provider_rules.engine import Rule, evaluate, values_at
from tooling.synth import ROOT, Resource, SynthResult, list_stacks, synth

# (type, path) -> (a value the provider accepts, one every rule at that path rejects)
CASES: dict[tuple[str, str], tuple[Any, Any]] = {
    **{
        (type_, f"{direction}[].description"): (
            "PostgreSQL from the functions security group",
            "PostgreSQL from the functions' security group",
        )
        for type_ in (
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        )
        for direction in ("ingress", "egress")
    },
    **{
        (type_, f"{direction}[].cidrBlocks[]"): ("10.40.0.0/16", "10.40.0.1/16")
        for type_ in (
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        )
        for direction in ("ingress", "egress")
    },
    ("aws:ec2/securityGroup:SecurityGroup", "description"): (
        "Functions in the VPC: outbound only",
        "'" * 256,
    ),
    ("aws:ec2/securityGroup:SecurityGroup", "name"): ("crosscloud-dev-db-0a1b2c3", "sg-db"),
    ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "description"): (
        "HTTPS to s3 through its gateway endpoint",
        "HTTPS to the functions' endpoints",
    ),
    ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "cidrIpv4"): (
        "0.0.0.0/0",
        "10.40.0.1/16",
    ),
    ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "fromPort"): (443, 65536),
    ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "toPort"): (-1, -2),
    # A destination, exactly one: a group and a prefix list together are refused.
    ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", ""): (
        {"ipProtocol": "tcp", "prefixListId": "pl-63a5400a"},
        {"ipProtocol": "tcp", "prefixListId": "pl-63a5400a", "referencedSecurityGroupId": "sg-1"},
    ),
    ("aws:iam/role:Role", "name"): ("crosscloud-dev-api-0a1b2c3", "r" * 65),
    ("aws:iam/role:Role", "description"): (
        "Execution role of crosscloud-dev-api",
        "the \u201capi\u201d",
    ),
    ("aws:iam/rolePolicy:RolePolicy", "name"): ("crosscloud-dev-api", "has a space"),
    ("aws:iam/rolePolicy:RolePolicy", "role"): (
        "crosscloud-dev-api-0a1b2c3",
        "arn:aws:iam::123456789012:role/crosscloud-dev-api",
    ),
    ("aws:iam/policy:Policy", "name"): ("github-actions-crosscloud-deploy", "p" * 129),
    ("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "url"): (
        "https://token.actions.githubusercontent.com",
        "http://token.actions.githubusercontent.com",
    ),
    ("aws:lambda/function:Function", "name"): ("crosscloud-dev-api", "f" * 65),
    ("aws:rds/instance:Instance", "monitoringInterval"): (60.0, 45.0),
    ("aws:rds/instance:Instance", "performanceInsightsRetentionPeriod"): (7.0, 30.0),
    ("aws:rds/parameterGroup:ParameterGroup", "parameters[].applyMethod"): (
        "pending-reboot",
        "on-reboot",
    ),
    ("aws:ec2/flowLog:FlowLog", "trafficType"): ("REJECT", "rejected"),
    ("aws:ec2/flowLog:FlowLog", "logDestinationType"): ("cloud-watch-logs", "cloudwatch"),
    ("aws:ec2/flowLog:FlowLog", "maxAggregationInterval"): (600.0, 300.0),
    ("aws:s3/bucketLogging:BucketLogging", "bucket"): ("crosscloud-dev-uploads-0a1b2c3", ""),
    ("aws:cloudwatch/logGroup:LogGroup", "retentionInDays"): (365.0, 10.0),
    ("aws:lambda/function:Function", "loggingConfig.logGroup"): (
        "/aws/lambda/crosscloud-dev-api",
        "/aws/lambda/crosscloud dev api",
    ),
    ("aws:lambda/permission:Permission", "statementId"): ("crosscloud-dev-http-0a1b2c3", "a.b"),
    ("aws:scheduler/schedule:Schedule", "name"): ("crosscloud-dev-report-schedule-0a1b2c3", "a b"),
    ("aws:scheduler/schedule:Schedule", "description"): ("Weekly uploads report", "x" * 513),
    ("aws:scheduler/schedule:Schedule", "scheduleExpression"): ("cron(0 6 ? * MON *)", ""),
    ("aws:scheduler/schedule:Schedule", "scheduleExpressionTimezone"): ("Europe/Paris", "x" * 51),
    ("aws:scheduler/schedule:Schedule", "flexibleTimeWindow.mode"): ("OFF", "off"),
    ("aws:scheduler/schedule:Schedule", "target.retryPolicy.maximumEventAgeInSeconds"): (
        21600,
        30,
    ),
    ("aws:scheduler/schedule:Schedule", "target.retryPolicy.maximumRetryAttempts"): (3, 186),
    ("aws:scheduler/schedule:Schedule", "target.input"): ("{}", ""),
    ("aws:lambda/permission:Permission", "action"): ("lambda:InvokeFunction", "InvokeFunction"),
    ("aws:lambda/permission:Permission", "function"): ("crosscloud-dev-api", "crosscloud dev"),
    ("aws:cloudwatch/logGroup:LogGroup", "name"): ("/aws/lambda/crosscloud-dev-api", "a b"),
    ("aws:rds/instance:Instance", "identifier"): ("crosscloud-dev-db0a1b2c3", "D" * 64),
    ("aws:rds/parameterGroup:ParameterGroup", "name"): ("crosscloud-dev-db-0a1b2c3", "db--"),
    ("aws:rds/subnetGroup:SubnetGroup", "name"): ("crosscloud-dev-db-0a1b2c3", "Default"),
    ("aws:s3/bucket:Bucket", "bucket"): ("crosscloud-dev-uploads-0a1b2c3", "Crosscloud_Dev"),
    ("aws:sqs/queue:Queue", "name"): ("crosscloud-dev-indexer-events-0a1b2c3", "events.v2"),
    ("aws:sqs/queue:Queue", "visibilityTimeoutSeconds"): (180, 43_201),
    ("aws:sqs/queue:Queue", "messageRetentionSeconds"): (345_600, 30),
    ("aws:sqs/queue:Queue", ""): (
        {"sqsManagedSseEnabled": True},
        {"sqsManagedSseEnabled": True, "kmsMasterKeyId": "alias/aws/sqs"},
    ),
    ("aws:sqs/queue:Queue", "redrivePolicy"): (
        '{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:123456789012:dlq", "maxReceiveCount": 5}',
        "maxReceiveCount=5",
    ),
    ("aws:sqs/queuePolicy:QueuePolicy", "policy"): ('{"Statement": []}', "{'Statement': []}"),
    ("aws:lambda/eventSourceMapping:EventSourceMapping", "functionResponseTypes[]"): (
        "ReportBatchItemFailures",
        "ReportBatchItemFailure",
    ),
    ("aws:lambda/eventSourceMapping:EventSourceMapping", "scalingConfig.maximumConcurrency"): (
        5,
        1,
    ),
    ("aws:lambda/eventSourceMapping:EventSourceMapping", "batchSize"): (10, 0),
    ("aws:lambda/eventSourceMapping:EventSourceMapping", "maximumBatchingWindowInSeconds"): (
        1,
        301,
    ),
    # A batch above 10 from SQS needs a window; exactly one source.
    ("aws:lambda/eventSourceMapping:EventSourceMapping", ""): (
        {
            "eventSourceArn": "arn:aws:sqs:eu-west-1:123456789012:events",
            "batchSize": 100,
            "maximumBatchingWindowInSeconds": 1,
        },
        {
            "eventSourceArn": "arn:aws:sqs:eu-west-1:123456789012:events",
            "selfManagedEventSource": {"endpoints": {"KAFKA_BOOTSTRAP_SERVERS": "b:9092"}},
            "batchSize": 100,
        },
    ),
    ("aws:lambda/eventSourceMapping:EventSourceMapping", "functionName"): (
        "crosscloud-dev-indexer",
        "crosscloud dev indexer",
    ),
    ("aws:s3/bucketNotification:BucketNotification", "queues[].events[]"): (
        "s3:ObjectRemoved:*",
        "s3:ObjectDeleted:*",
    ),
    ("aws:s3/bucketNotification:BucketNotification", "queues[].queueArn"): (
        "arn:aws:sqs:eu-west-1:123456789012:crosscloud-dev-indexer-events-0a1b2c3",
        "https://sqs.eu-west-1.amazonaws.com/123456789012/crosscloud-dev-indexer-events",
    ),
    ("gcp:serviceaccount/account:Account", "accountId"): (
        "crosscloud-dev-api",
        "crosscloud-abcdefghij-klmno-api",
    ),
    ("gcp:serviceaccount/account:Account", "description"): ("runtime", "d" * 257),
    ("gcp:iam/workloadIdentityPool:WorkloadIdentityPool", "workloadIdentityPoolId"): (
        "crosscloud-github",
        "gcp-github",
    ),
    ("gcp:iam/workloadIdentityPool:WorkloadIdentityPool", "displayName"): (
        "GitHub Actions",
        "n" * 33,
    ),
    ("gcp:iam/workloadIdentityPool:WorkloadIdentityPool", "description"): ("pool", "d" * 257),
    (
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "workloadIdentityPoolProviderId",
    ): ("github", "gh"),
    ("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider", "displayName"): (
        "GitHub",
        "n" * 33,
    ),
    ("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider", "attributeCondition"): (
        "assertion.repository == 'example-org/crosscloud'",
        "c" * 4097,
    ),
    ("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider", ""): (
        {"oidc": {"issuerUri": "https://token.actions.githubusercontent.com"}},
        {"aws": {"accountId": "123456789012"}, "oidc": {"issuerUri": "https://x"}},
    ),
    ("gcp:projects/service:Service", "service"): (
        "iamcredentials.googleapis.com",
        "source.googleapis.com",
    ),
    ("gcp:secretmanager/secret:Secret", "secretId"): (
        "crosscloud-dev-apiToken",
        "crosscloud-dev/apiToken",
    ),
    ("pulumi:providers:gcp", "defaultLabels{key}"): ("cost-centre", "Cost-Centre"),
    ("pulumi:providers:gcp", "defaultLabels{}"): ("cc-1001", "CC 1001"),
    ("gcp:sql/databaseInstance:DatabaseInstance", "settings.userLabels{key}"): ("stack", "1stack"),
    ("gcp:sql/databaseInstance:DatabaseInstance", "settings.userLabels{}"): ("dev", "Dev"),
    ("gcp:sql/databaseInstance:DatabaseInstance", "settings.databaseFlags[]"): (
        {"name": "pgaudit.log", "value": "ddl,role,-misc"},
        {"name": "pgaudit.log", "value": "ddl,roles"},
    ),
    ("gcp:projects/iAMAuditConfig:IAMAuditConfig", "auditLogConfigs[].logType"): (
        "DATA_READ",
        "DATA_READS",
    ),
    ("gcp:cloudscheduler/job:Job", "name"): ("crosscloud-dev-report-schedule", "report.weekly"),
    ("gcp:cloudscheduler/job:Job", "description"): ("Weekly uploads report", "d" * 501),
    ("gcp:cloudscheduler/job:Job", "timeZone"): ("Europe/Paris", "CET+1"),
    ("gcp:cloudscheduler/job:Job", ""): (
        {"httpTarget": {"uri": "https://x.run.app"}},
        {"httpTarget": {"uri": "https://x"}, "pubsubTarget": {"topicName": "t"}},
    ),
    ("gcp:cloudscheduler/job:Job", "attemptDeadline"): ("320s", "1801s"),
    ("gcp:cloudscheduler/job:Job", "retryConfig.retryCount"): (3, 6),
    ("gcp:cloudscheduler/job:Job", "httpTarget.body"): ("e30=", "{}"),
    ("gcp:cloudscheduler/job:Job", "httpTarget.headers{key}"): (
        "Content-Type",
        "X-Google-Trace",
    ),
    ("gcp:pubsub/topic:Topic", "name"): ("crosscloud-dev-report", "google-report"),
    ("gcp:pubsub/topic:Topic", "messageRetentionDuration"): ("604800s", "300s"),
    ("gcp:pubsub/topic:Topic", "messageStoragePolicy.allowedPersistenceRegions"): (
        ["europe-west1"],
        [],
    ),
    ("gcp:pubsub/topic:Topic", "labels{key}"): ("owner", "Owner"),
    ("gcp:pubsub/topic:Topic", "labels{}"): ("platform-team", "platform team"),
    ("gcp:storage/bucket:Bucket", "labels{key}"): ("owner", "Owner"),
    ("gcp:storage/bucket:Bucket", "labels{}"): ("platform-team", "platform team"),
}


def place(path: str, value: Any) -> Any:
    """Inputs holding ``value`` at ``path`` (the inverse of the engine's path walk)."""
    if not path:
        return value
    head, _, rest = path.partition(".")
    inner = place(rest, value)
    if head.endswith("[]"):
        return {head[:-2]: [inner]}
    if head.endswith("{key}"):
        return {head[:-5]: {inner: "v"}}
    if head.endswith("{}"):
        return {head[:-2]: {"k": inner}}
    return {head: inner}


def resource(
    type_: str, inputs: Any, name: str = "thing", secret: frozenset[str] = frozenset()
) -> Resource:
    """A registered custom resource as the synth records it."""
    return Resource(
        urn=f"urn:pulumi:test::crosscloud::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        inputs=inputs,
        state={},
        parent="",
        dependencies=(),
        provider="urn:pulumi:test::crosscloud::pulumi:providers:x::p::id",
        protect=False,
        retain_on_delete=False,
        secret_inputs=secret,
    )


def rule_id(rule: Rule) -> str:
    """A readable test id."""
    return f"{rule.type.rsplit(':', 1)[-1]}.{rule.path or '<resource>'}:{rule.source[-40:]}"


def test_every_rule_has_a_case() -> None:
    """No rule in the table goes untested: each (type, path) has a passing and a failing value."""
    assert {(rule.type, rule.path) for rule in RULES} <= set(CASES)


@pytest.mark.parametrize("rule", RULES, ids=[rule_id(r) for r in RULES])
def test_rule_passes_the_good_value_and_rejects_the_bad(rule: Rule) -> None:
    """The good value yields no finding; the bad one a finding naming the property and source."""
    good, bad = CASES[(rule.type, rule.path)]
    assert evaluate([resource(rule.type, place(rule.path, good))], [rule], AUTONAMES) == []
    findings = evaluate([resource(rule.type, place(rule.path, bad))], [rule], AUTONAMES)
    assert len(findings) == 1
    assert findings[0].subject.endswith(f"{rule.type}::thing")
    assert rule.source in findings[0].fix
    assert rule.stage in findings[0].problem


def test_the_old_apostrophe_description_is_a_finding(dev: SynthResult) -> None:
    """The RDS rule description with an apostrophe is reported on the real dev stack."""
    db_sg = dev.one("aws:ec2/securityGroup:SecurityGroup", "crosscloud-dev-db-db")
    ingress = [
        {
            **db_sg.inputs["ingress"][0],
            "description": "PostgreSQL from the functions' security group",
        }
    ]
    broken = replace(db_sg, inputs={**db_sg.inputs, "ingress": ingress})
    result = replace(dev, resources=tuple(broken if r is db_sg else r for r in dev.resources))
    findings = list(check(result))
    assert [f.subject for f in findings] == [db_sg.urn]
    assert findings[0].problem.startswith(
        'ingress[0].description = "PostgreSQL from the functions\' security group"'
    )
    assert "A-Za-z" not in findings[0].fix  # says it in words
    assert "._-:/()#,@[]+=&;{}!$*" in findings[0].fix
    assert "ec2/validate.go validSecurityGroupRuleDescription" in findings[0].fix


@pytest.mark.parametrize("stack", list_stacks())
def test_shipped_stacks_have_no_findings(stack: str, synths: dict[str, SynthResult]) -> None:
    """Every resource of dev, prod and local passes every provider rule."""
    assert synths[stack].resources
    assert list(check(synths[stack])) == []


def test_bootstrap_has_no_findings() -> None:
    """The bootstrap project's CI identities pass every provider rule."""
    result = synth("main", root=ROOT / "bootstrap")
    assert result.of_type("gcp:iam/workloadIdentityPool:WorkloadIdentityPool")
    assert list(check(result)) == []


def test_longest_stack_name_the_settings_accept_has_no_findings(tmp_path: Path) -> None:
    """A stack name of the settings' maximum length yields names every provider accepts."""
    for entry in ("__main__.py", "stacks", "functions", "build", "Pulumi.yaml"):
        (tmp_path / entry).symlink_to(ROOT / entry)
    stack = "abcdefghij-klmnopq"[:STACK_NAME_MAX]
    shutil.copy(ROOT / "Pulumi.prod.yaml", tmp_path / f"Pulumi.{stack}.yaml")
    result = synth(stack, root=tmp_path)
    account_ids = [i.args["accountId"] for i in result.invokes if i.token == GET_ACCOUNT]
    assert max(map(len, account_ids)) == 30
    assert list(check(result)) == []


def test_auto_name_is_checked_as_the_provider_generates_it() -> None:
    """An unnamed bucket is checked under its generated name: lowercased, plus 8 characters."""
    bucket = resource("aws:s3/bucket:Bucket", {}, name="Uploads_Bucket")
    findings = check_one(bucket)
    assert len(findings) == 1
    assert findings[0].problem.startswith("bucket = 'uploads_bucket-0a1b2c3' (auto-named)")


def test_auto_name_too_long_for_its_maximum_is_a_finding() -> None:
    """A Lambda function is auto-named at most 64 characters: a 57-character prefix cannot fit."""
    function = resource("aws:lambda/function:Function", {}, name="f" * 57)
    findings = check_one(function)
    assert [f.problem.split(" is ")[0] for f in findings] == [
        "name",
        "name = " + repr("f" * 57 + "-0a1b2c3") + " (auto-named)",
    ]
    assert "longer than the 64 the provider allows" in findings[0].problem


def test_explicit_name_is_not_auto_named() -> None:
    """A name the program sets is checked as set, without an auto-name finding."""
    function = resource("aws:lambda/function:Function", {"name": "f" * 64}, name="f" * 64)
    assert check_one(function) == []


def test_secret_values_stay_out_of_findings() -> None:
    """A rejected secret input is reported by property, with the value masked."""
    secret = resource(
        "gcp:secretmanager/secret:Secret",
        {"secretId": "hunter2/hunter2"},
        secret=frozenset({"secretId"}),
    )
    findings = check_one(secret)
    assert len(findings) == 1
    assert "hunter2" not in findings[0].render()
    assert findings[0].problem.startswith("secretId = [secret]")


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("log_connections", "on", True),
        ("log_connections", "true", False),
        ("log_temp_files", "-1", True),
        ("log_temp_files", "-2", False),
        ("log_min_duration_statement", "2147483647", True),
        ("log_min_duration_statement", "2147483648", False),
        ("log_min_duration_statement", "1s", False),
        ("log_min_error_statement", "error", True),
        ("log_min_messages", "warn", False),
        ("pgaudit.log", "none", True),
        ("log_statement", "ddl", False),
    ],
)
def test_cloud_sql_flags_as_postgresql_parses_them(name: str, value: str, accepted: bool) -> None:
    """on/off booleans, integers from -1 to INT_MAX, message levels; unknown flags are reported."""
    (rule,) = [r for r in RULES if r.path == "settings.databaseFlags[]"]
    assert rule.check.fails({"name": name, "value": value}, {}) is not accepted


def test_paths_walk_lists_maps_and_json_strings() -> None:
    """Paths select list items, map values and keys, also inside JSON-encoded provider config."""
    inputs = {
        "ingress": [{"description": "a"}, {"description": "b"}],
        "defaultLabels": '{"stack": "dev", "owner": "platform-team"}',
    }
    assert list(values_at(inputs, "ingress[].description")) == [
        ("ingress[0].description", "a"),
        ("ingress[1].description", "b"),
    ]
    assert [v for _, v in values_at(inputs, "defaultLabels{key}")] == ["stack", "owner"]
    assert [v for _, v in values_at(inputs, "defaultLabels{}")] == ["dev", "platform-team"]
    assert list(values_at(inputs, "egress[].description")) == []


def check_one(item: Resource) -> list[Any]:
    """Every finding for one resource."""
    return evaluate([item], RULES, AUTONAMES)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_egress_rules_with_nat_have_no_findings(stack: str) -> None:
    """With a NAT gateway the extra HTTPS-to-anywhere rule passes every provider rule too."""
    result = synth(stack, overrides={"crosscloud:natGateway": "true"})
    rules = result.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert any(r.inputs.get("cidrIpv4") == "0.0.0.0/0" for r in rules)
    assert list(check(result)) == []
