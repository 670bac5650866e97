"""The API's Cloud Function: code, runtime, limits, environment and who may invoke it."""

import ast
import importlib
import re
from collections.abc import Callable

import pytest

from function_builds.shared import import_path
from tooling.synth import ROOT, SynthResult, synth

API_DIR = ROOT / "functions" / "api"
MAIN = API_DIR / "main.py"
INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
FUNCTION = "gcp:cloudfunctionsv2/function:Function"
REPOSITORY = "gcp:artifactregistry/repository:Repository"


def _http_functions(source: str) -> set[str]:
    """Names of the module-level functions decorated with ``@functions_framework.http``."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if ast.unparse(decorator) == "functions_framework.http":
                    names.add(node.name)
    return names


def test_entry_point_is_the_http_function_in_main(stack: SynthResult) -> None:
    """The deployed entry point is an ``@functions_framework.http`` function of main.py."""
    entry_point = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api").inputs["buildConfig"][
        "entryPoint"
    ]
    assert entry_point in _http_functions(MAIN.read_text())


def test_runtime_is_python_312_or_newer_and_parses_the_code(stack: SynthResult) -> None:
    """A python3.12+ runtime, and main.py is valid syntax for that version."""
    runtime = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api").inputs["buildConfig"]["runtime"]
    match = re.fullmatch(r"python3(\d+)", runtime)
    assert match is not None, runtime
    minor = int(match.group(1))
    assert minor >= 12
    ast.parse(MAIN.read_text(), feature_version=(3, minor))


def test_source_is_the_uploaded_archive(stack: SynthResult) -> None:
    """The build reads the hash-named object from the source bucket."""
    obj = stack.one("gcp:storage/bucketObject:BucketObject", f"crosscloud-{stack.stack}-api-source")
    function = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api")
    storage = function.inputs["buildConfig"]["source"]["storageSource"]
    assert storage == {"bucket": obj.inputs["bucket"], "object": obj.inputs["name"]}


def test_limits_and_ingress_come_from_config(stack: SynthResult) -> None:
    """Memory, timeout, max instances and ingress are the stack's settings."""
    config = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api").inputs["serviceConfig"]
    settings = stack.config
    assert config["availableMemory"] == f"{settings['crosscloud:functionMemoryMb']}Mi"
    assert config["timeoutSeconds"] == int(settings["crosscloud:functionTimeoutSeconds"])
    assert config["maxInstanceCount"] == int(settings["crosscloud:functionMaxInstances"])
    assert config["ingressSettings"] == settings["crosscloud:gcpIngress"]
    assert (
        stack.one(FUNCTION, f"crosscloud-{stack.stack}-api").inputs["location"]
        == settings["gcp:region"]
    )


def test_runs_and_builds_as_the_stacks_own_accounts(
    stack: SynthResult, account_email: Callable[[SynthResult, str], str]
) -> None:
    """Not the project's default accounts: the stack's runtime and build accounts, looked up."""
    function = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api")
    project = stack.config["gcp:project"]
    assert function.inputs["serviceConfig"]["serviceAccountEmail"] == account_email(stack, "api")
    # build_config.service_account takes the account's full resource name.
    assert function.inputs["buildConfig"]["serviceAccount"] == (
        f"projects/{project}/serviceAccounts/{account_email(stack, 'build')}"
    )
    # The deployer may not create accounts: the bootstrap does.
    assert not stack.of_type("gcp:serviceaccount/account:Account")


def test_image_goes_to_the_stacks_own_repository(stack: SynthResult) -> None:
    """The build pushes to the stack's Docker repository, in the function's region."""
    function = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api")
    repository = stack.one(REPOSITORY)
    assert function.inputs["buildConfig"]["dockerRepository"] == repository.id
    assert repository.id == (
        f"projects/{stack.config['gcp:project']}/locations/{stack.config['gcp:region']}"
        f"/repositories/crosscloud-{stack.stack}-functions"
    )
    assert repository.inputs["format"] == "DOCKER"
    assert repository.inputs["location"] == stack.config["gcp:region"]


def test_environment_points_at_this_stacks_resources(stack: SynthResult) -> None:
    """Storage, Cloud SQL instance, database and user are this stack's own."""
    function = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api")
    env = function.inputs["serviceConfig"]["environmentVariables"]
    uploads = stack.one("gcp:storage/bucket:Bucket", f"crosscloud-{stack.stack}-uploads")
    instance = stack.one("gcp:sql/databaseInstance:DatabaseInstance")
    user = stack.one("gcp:sql/user:User", f"crosscloud-{stack.stack}-api-db-user")
    reports = stack.one("gcp:storage/bucket:Bucket", f"crosscloud-{stack.stack}-reports")
    assert env["STORAGE_URL"] == f"gs://{uploads.state['name']}"
    assert env["REPORTS_URL"] == f"gs://{reports.state['name']}"
    assert env["CLOUD_SQL_INSTANCE"] == instance.state["connectionName"]
    assert env["CLOUD_SQL_IP_TYPE"] == "PUBLIC"
    assert env["DB_NAME"] == stack.one("gcp:sql/database:Database").inputs["name"]
    assert env["DB_USER"] == user.inputs["name"]
    assert env["DB_IAM_AUTH"] == "true"
    # No password anywhere: IAM database authentication.
    assert not {"DB_PASSWORD", "DB_PASSWORD_SECRET"} & set(env)


def test_every_function_declares_the_variable_the_platform_would_add(stack: SynthResult) -> None:
    """LOG_EXECUTION_ID=true, which Cloud Functions sets itself: the config equals what runs."""
    functions = stack.of_type(FUNCTION)
    assert functions
    for function in functions:
        env = function.inputs["serviceConfig"]["environmentVariables"]
        assert env["LOG_EXECUTION_ID"] == "true", function.name


def test_function_settings_accept_the_deployed_environment(
    stack: SynthResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API's own settings parser accepts exactly what the stack deploys."""
    for path in import_path(API_DIR):
        monkeypatch.syspath_prepend(str(path))
    settings_module = importlib.import_module("crosscloud_api.settings")
    config = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api").inputs["serviceConfig"]
    env = dict(config["environmentVariables"])
    env |= {entry["key"]: "secret-value" for entry in config["secretEnvironmentVariables"]}
    settings = settings_module.Settings.from_env(env)
    assert settings.storage_url == env["STORAGE_URL"]
    assert settings.reports_url == env["REPORTS_URL"]
    assert settings.database.instance == env["CLOUD_SQL_INSTANCE"]
    assert settings.database.user == env["DB_USER"]
    assert settings.database.name == env["DB_NAME"]
    # IAM database authentication: the connector uses a token, no password anywhere.
    assert settings.database.iam_auth is True
    assert settings.database.password is None
    assert settings.database.password_secret is None


def test_deploys_after_its_grants(stack: SynthResult) -> None:
    """Secret access is checked at deploy time and the build needs its grants: grants come first."""
    function = stack.one(FUNCTION, f"crosscloud-{stack.stack}-api")
    for type_ in (
        "gcp:secretmanager/secretIamMember:SecretIamMember",
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        "gcp:sql/user:User",
        "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
        "gcp:projects/iAMMember:IAMMember",
    ):
        for grant in stack.of_type(type_):
            if ":ReportIdentity$" in grant.urn:
                continue  # the report function's grants: test_uploads_report.py

            assert grant.urn in function.dependencies, grant.name


def _invoker_members(result: SynthResult) -> list[str]:
    """Members holding roles/run.invoker on the function's service."""
    function = result.one(FUNCTION, f"crosscloud-{result.stack}-api")
    service = function.state["serviceConfig"]["service"].rsplit("/", 1)[-1]
    bindings = [b for b in result.of_type(INVOKER) if b.parent == function.parent]
    for binding in bindings:
        assert binding.inputs["role"] == "roles/run.invoker"
        assert binding.inputs["name"] == service
        assert binding.inputs["location"] == function.inputs["location"]
        assert binding.inputs["project"] == result.config["gcp:project"]
    return sorted(b.inputs["member"] for b in bindings)


def test_private_by_default(dev: SynthResult, prod: SynthResult) -> None:
    """Nobody may invoke until gcpInvokers names someone; the shipped stacks name nobody."""
    assert _invoker_members(dev) == []
    assert _invoker_members(prod) == []


def test_invokers_follow_config() -> None:
    """Each gcpInvokers member gets exactly one run.invoker binding."""
    members = [
        "group:api-clients@crosscloud.offline",
        "serviceAccount:ci@p.iam.gserviceaccount.com",
    ]
    result = synth("prod", overrides={"crosscloud:gcpInvokers": members})
    assert _invoker_members(result) == sorted(members)


def test_all_users_only_when_public(public_dev: SynthResult) -> None:
    """publicApi: true is what adds allUsers."""
    assert _invoker_members(public_dev) == ["allUsers"]
