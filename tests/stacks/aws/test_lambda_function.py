"""The Lambda functions: code, runtime, limits, logs, least-privilege roles, alarms."""

import ast
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from function_builds.runtime import LAMBDA_RUNTIME
from tooling.synth import ROOT, Resource, SynthResult, synth

FUNCTION = "aws:lambda/function:Function"


def _policy(result: SynthResult, function: Resource) -> list[dict[str, Any]]:
    """The statements of the inline policy on the function's role."""
    (role,) = [
        r for r in result.of_type("aws:iam/role:Role") if r.state["arn"] == function.inputs["role"]
    ]
    (policy,) = [
        p for p in result.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role.id
    ]
    return json.loads(policy.inputs["policy"])["Statement"]


def _grants(statements: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Action → resources granted, for exact comparisons."""
    grants: dict[str, list[str]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            grants.setdefault(action, []).extend(statement["Resource"])
    return grants


def test_handlers_and_runtime_match_the_code(dev: SynthResult) -> None:
    """Handlers name functions in functions/; the runtime is the Python the code was built for."""
    handlers = {f.name: f.inputs["handler"] for f in dev.of_type(FUNCTION)}
    assert handlers == {
        "crosscloud-dev-api": "lambda_handler.handler",
        "crosscloud-dev-indexer": "indexer_handler.handler",
        "crosscloud-dev-report": "report_handler.handler",
    }
    for name, handler in handlers.items():
        module, function = handler.split(".")
        source = ROOT / "functions" / name.removeprefix("crosscloud-dev-") / f"{module}.py"
        tree = ast.parse(source.read_text())
        assert function in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    architecture = dev.config["crosscloud:functionArchitecture"]
    for function in dev.of_type(FUNCTION):
        assert function.inputs["runtime"] == LAMBDA_RUNTIME
        assert function.inputs["architectures"] == [architecture]
        # The staged code's dependencies were installed for this Python and CPU.
        python = LAMBDA_RUNTIME.removeprefix("python")
        code = Path(function.inputs["code"]["FileArchive"])
        assert code.name.endswith(f"-lambda-{architecture}-py{python}"), code


def test_code_is_a_staged_directory_of_the_function(dev: SynthResult) -> None:
    """Each function deploys a directory (hashed by the engine from names and contents alone)."""
    for function in dev.of_type(FUNCTION):
        tree = ROOT / function.inputs["code"]["FileArchive"]
        assert tree.is_dir(), tree
        handler_module = function.inputs["handler"].rsplit(".", 1)[0]
        assert (tree / f"{handler_module}.py").is_file()
        names = [p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()]
        assert not [n for n in names if n.endswith(".pyc") or "/tests/" in f"/{n}"], names
        assert "sourceCodeHash" not in function.inputs


def test_code_identical_across_synths(dev: SynthResult) -> None:
    """A second synth of the same sources deploys the same files: preview shows no change."""

    def contents(result: SynthResult) -> dict[str, dict[str, str]]:
        """Per function, every deployed file's SHA-256 by name."""
        trees = {f.name: ROOT / f.inputs["code"]["FileArchive"] for f in result.of_type(FUNCTION)}
        return {
            name: {
                p.relative_to(tree).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in tree.rglob("*")
                if p.is_file()
            }
            for name, tree in trees.items()
        }

    before = contents(dev)
    assert contents(synth("dev")) == before


def test_dev_reserves_no_concurrency(dev: SynthResult) -> None:
    """No function of dev reserves concurrency: a new account (quota 10) cannot reserve any."""
    assert dev.config["crosscloud:functionReservedConcurrency"] == "0"
    for function in dev.of_type(FUNCTION):
        assert "reservedConcurrentExecutions" not in function.inputs, function.name


def test_api_limits_come_from_config(prod: SynthResult) -> None:
    """Memory, timeout and reserved concurrency are the stack's settings."""
    api = prod.one(FUNCTION, "crosscloud-prod-api")
    assert api.inputs["memorySize"] == int(prod.config["crosscloud:functionMemoryMb"])
    assert api.inputs["timeout"] == int(prod.config["crosscloud:functionTimeoutSeconds"])
    # Shipped without a reservation (a new account cannot give one); set, it is the cap.
    assert "reservedConcurrentExecutions" not in api.inputs
    reserved = synth("prod", overrides={"crosscloud:functionReservedConcurrency": "50"})
    api = reserved.one(FUNCTION, "crosscloud-prod-api")
    assert api.inputs["reservedConcurrentExecutions"] == 50


def test_each_function_logs_to_its_own_log_group_with_retention(dev: SynthResult) -> None:
    """The stack creates /aws/lambda/<name> with the configured retention; logs are JSON."""
    groups = {
        g.inputs["name"]: g
        for g in dev.of_type("aws:cloudwatch/logGroup:LogGroup")
        if "name" in g.inputs
    }
    for function in dev.of_type(FUNCTION):
        group = groups[f"/aws/lambda/{function.inputs['name']}"]
        assert group.inputs["retentionInDays"] == int(dev.config["crosscloud:logRetentionDays"])
        assert function.inputs["loggingConfig"] == {
            "logFormat": "JSON",
            "logGroup": group.inputs["name"],
        }


def test_api_function_runs_in_the_private_subnets(dev: SynthResult) -> None:
    """The API function sits in the VPC's private subnets with the security group RDS admits."""
    api = dev.one(FUNCTION, "crosscloud-dev-api")
    subnets = {s.id for s in dev.of_type("aws:ec2/subnet:Subnet")}
    functions_group = dev.one("aws:ec2/securityGroup:SecurityGroup", "crosscloud-dev-vpc-functions")
    assert set(api.inputs["vpcConfig"]["subnetIds"]) == subnets
    assert api.inputs["vpcConfig"]["securityGroupIds"] == [functions_group.id]


def test_api_environment_points_at_this_stacks_resources(dev: SynthResult) -> None:
    """The API reads its bucket, database and secret from env vars naming this stack's resources."""
    variables = dev.one(FUNCTION, "crosscloud-dev-api").inputs["environment"]["variables"]
    db = dev.one("aws:rds/instance:Instance")
    assert variables["STORAGE_URL"] == f"s3://{dev.outputs['aws']['uploadsBucket']}"
    assert variables["REPORTS_URL"] == f"s3://{dev.outputs['aws']['reportsBucket']}"
    assert variables["DB_SECRET_ARN"] == db.state["masterUserSecrets"][0]["secretArn"]
    assert variables["DB_HOST"] == db.state["address"]
    assert variables["DB_NAME"] == "channels"
    assert not any("PASSWORD" in key or "TOKEN" in key for key in variables)


def test_api_environment_does_not_name_the_object_index(dev: SynthResult) -> None:
    """The API never reads the object index, so its environment does not point at the table."""
    variables = dev.one(FUNCTION, "crosscloud-dev-api").inputs["environment"]["variables"]
    assert "INDEX_TABLE" not in variables
    assert dev.outputs["aws"]["objectIndexTable"] not in variables.values()


def test_api_role_grants_exactly_what_the_api_needs(dev: SynthResult) -> None:
    """Secret read, object CRUD on uploads, read of reports/, own logs, its ENIs; nothing else."""
    api = dev.one(FUNCTION, "crosscloud-dev-api")
    statements = _policy(dev, api)
    grants = _grants(statements)
    uploads = dev.one("aws:s3/bucket:Bucket", "crosscloud-dev-uploads").state["arn"]
    reports = dev.one("aws:s3/bucket:Bucket", "crosscloud-dev-reports").state["arn"]
    secret = dev.outputs["aws"]["databaseSecretArn"]
    log_group = next(
        g.state["arn"]
        for g in dev.of_type("aws:cloudwatch/logGroup:LogGroup")
        if g.inputs.get("name") == "/aws/lambda/crosscloud-dev-api"
    )
    expected = {
        "logs:CreateLogStream": [f"{log_group}:*"],
        "logs:PutLogEvents": [f"{log_group}:*"],
        "secretsmanager:DescribeSecret": [secret],
        "secretsmanager:GetSecretValue": [secret],
        "s3:GetObject": [f"{uploads}/*", f"{reports}/reports/*"],
        "s3:PutObject": [f"{uploads}/*"],
        "s3:DeleteObject": [f"{uploads}/*"],
        "s3:ListBucket": [uploads, reports],
        "ec2:DescribeNetworkInterfaces": ["*"],
        "ec2:DescribeSubnets": ["*"],
    }
    for action, resources in expected.items():
        assert grants.pop(action) == resources, action
    # Listing the reports bucket is limited to the report function's prefix.
    (listing,) = [s for s in statements if s["Resource"] == [reports]]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["reports/*"]}}
    # The API never touches the object index: no DynamoDB action at all.
    assert not [action for action in grants if action.startswith("dynamodb:")]
    # What remains is ENI management, scoped to network interfaces, its subnets and group.
    assert sorted(grants) == [
        "ec2:AssignPrivateIpAddresses",
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:UnassignPrivateIpAddresses",
    ]
    for resources in grants.values():
        assert "*" not in resources
        assert any(r.endswith(":network-interface/*") for r in resources)


def test_roles_trust_lambda_from_this_account_only(dev: SynthResult) -> None:
    """Execution roles can be assumed by lambda.amazonaws.com on behalf of this account only."""
    for function in dev.of_type(FUNCTION):
        (role,) = [
            r for r in dev.of_type("aws:iam/role:Role") if r.state["arn"] == function.inputs["role"]
        ]
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
        assert statement["Action"] == "sts:AssumeRole"
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


@pytest.mark.parametrize("function_name", ["crosscloud-dev-api", "crosscloud-dev-indexer"])
def test_function_alarms(dev: SynthResult, function_name: str) -> None:
    """Errors, throttles and a p99 duration at 80% of the timeout alarm for each function."""
    function = dev.one(FUNCTION, function_name)
    alarms = {
        a.inputs["metricName"]: a
        for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs.get("dimensions") == {"FunctionName": function.inputs["name"]}
    }
    assert sorted(alarms) == ["Duration", "Errors", "Throttles"]
    duration = alarms["Duration"].inputs
    assert duration["extendedStatistic"] == "p99"
    assert duration["threshold"] == function.inputs["timeout"] * 1000 * 0.8


def test_synth_records_the_deployed_code_hash(dev: SynthResult) -> None:
    """Each function's code input carries the staged tree's content hash, so a plan sees edits."""
    for function in dev.of_type(FUNCTION):
        tree = ROOT / function.inputs["code"]["FileArchive"]
        digest = hashlib.sha256()
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            name = path.relative_to(tree).as_posix()
            digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        assert function.inputs["code"]["sha256"] == digest.hexdigest()
