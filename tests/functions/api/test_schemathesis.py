"""schemathesis against /openapi.json: every operation, every check, the stateful links.

Both entry points (the Lambda handler through apig-wsgi, main.api through
functions-framework) on both databases (SQLite, a real PostgreSQL), each built
from its environment as deployed. A fixed seed and a bounded number of examples
keep the run reproducible and its time bounded.
"""

import base64
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import functions_framework
import lambda_handler
import pytest
import schemathesis
from crosscloud_api import create_app
from crosscloud_api.settings import Settings
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from tooling.local_cloud.gcp import create_bucket, emulator_env, write_signing_key

SEED = 20261202
EXAMPLES = 5  # per operation and mode; raise locally for a deeper search
STATEFUL_STEPS = 12
TARGETS = [
    pytest.param(("aws", "sqlite"), id="aws-sqlite"),
    pytest.param(("gcp", "sqlite"), id="gcp-sqlite"),
    pytest.param(("aws", "postgres"), id="aws-postgres", marks=pytest.mark.postgres),
    pytest.param(("gcp", "postgres"), id="gcp-postgres", marks=pytest.mark.postgres),
]
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _lambda_as_wsgi(handler: lambda_handler.LambdaHandler) -> Wsgi:
    """A WSGI app that turns each request into an HTTP API (payload 2.0) event for ``handler``."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Send one request through the Lambda entry point's adapter."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}  # fmt: skip
        for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(name):
                headers[name.replace("_", "-").lower()] = environ[name]
        # WSGI's PATH_INFO is the URL's bytes as latin-1; API Gateway sends them quoted.
        raw_path = quote(environ["PATH_INFO"].encode("latin-1"), safe="/")
        method = environ["REQUEST_METHOD"]
        event = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": raw_path,
            "rawQueryString": environ.get("QUERY_STRING", ""),
            "headers": headers,
            "requestContext": {
                "http": {
                    "method": method,
                    "path": raw_path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1",
                    "userAgent": "schemathesis",
                },
                "requestId": uuid.uuid4().hex,
                "stage": "$default",
            },
            "body": base64.b64encode(body).decode(),
            "isBase64Encoded": True,
        }
        result = handler(event, None)
        payload = result.get("body", "")
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
        status = f"{result['statusCode']} X"
        start_response(status, list(result.get("headers", {}).items()))
        return [data]

    return app


@pytest.fixture(
    scope="module", params=TARGETS, ids=lambda t: "-".join(t) if isinstance(t, tuple) else None
)
def api(
    request: pytest.FixtureRequest,
    moto_endpoint: str,
    gcs_endpoint: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """One entry point on one database, configured from its environment."""
    cloud, database = request.param
    state = tmp_path_factory.mktemp(f"{cloud}-{database}")
    bucket, reports = (f"fuzz-{uuid.uuid4().hex[:12]}" for _ in range(2))
    if database == "sqlite":
        database_url = f"sqlite:///{state / 'channels.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        name = f"fuzz_{uuid.uuid4().hex[:12]}"
        server.run_sql(f"CREATE DATABASE {name} OWNER {server.user}")
        database_url = server.url(name)
    with pytest.MonkeyPatch.context() as env:
        for key, value in {
            "AWS_ENDPOINT_URL": moto_endpoint, "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "GOOGLE_APPLICATION_CREDENTIALS": str(write_signing_key(state)),
            "DATABASE_URL": database_url, **emulator_env(gcs_endpoint),
        }.items():  # fmt: skip
            env.setenv(key, value)
        if cloud == "aws":
            import boto3

            for name in (bucket, reports):
                boto3.client("s3").create_bucket(
                    Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
                )
            env.setenv("STORAGE_URL", f"s3://{bucket}")
            env.setenv("REPORTS_URL", f"s3://{reports}")
            import os

            app = create_app(Settings.from_env(os.environ))
            yield _lambda_as_wsgi(lambda_handler.build_handler(app))
            _close_database(app)
        else:
            create_bucket(gcs_endpoint, bucket)
            create_bucket(gcs_endpoint, reports)
            env.setenv("STORAGE_URL", f"gs://{bucket}")
            env.setenv("REPORTS_URL", f"gs://{reports}")
            source = Path(lambda_handler.__file__).with_name("main.py")
            framework = functions_framework.create_app(target="api", source=str(source))
            yield framework
            # The framework loaded main.py as its own module; its cached app holds the pool.
            for module in list(sys.modules.values()):
                built = getattr(module, "application", None)
                if getattr(module, "__file__", None) == str(source) and built is not None:
                    _close_database(built())


def _close_database(app: Any) -> None:
    """Close the app's pooled database connections (a dropped database leaves them dangling)."""
    database = app.extensions["crosscloud"].channels._database
    if database is not None:
        database.close()


CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": EXAMPLES, "database": "none"},
    "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
}


@pytest.fixture(scope="module")
def api_schema(api: Wsgi) -> Any:
    """The schema each entry point serves, loaded from the entry point itself; every check on."""
    config = SchemathesisConfig.from_dict(CONFIG)
    config.projects.default.checks.update(included_check_names=["all"])
    loaded = schemathesis.openapi.from_wsgi("/openapi.json", api, config=config)
    loaded.hook("map_case")(_no_made_up_cursor)
    return loaded


def _no_made_up_cursor(context: Any, case: Any) -> Any:
    """Leave a generated cursor out of positive cases.

    A cursor is valid only if the API issued it for the same listing, which no
    JSON Schema can state: a string that matches the pattern is still refused
    (400 invalid_cursor), which schemathesis would count as valid data rejected.
    Negative cases keep theirs; test_contract and the route tests cover real cursors.
    """
    if case.meta is not None and case.meta.generation.mode.is_positive and case.query:
        case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    return case


def test_every_operation_and_link_keeps_the_contract(api_schema: Any) -> None:
    """All phases (examples, coverage, fuzzing, stateful links), all checks: no failure."""
    problems: list[str] = []
    operations: set[str] = set()
    for event in from_schema(api_schema).execute():
        if isinstance(event, events.ScenarioFinished):
            operations.add(event.recorder.label)
            problems += _failures(event.recorder)
        elif isinstance(event, events.FuzzScenarioFinished):
            problems += _failures(event.recorder)
        elif isinstance(event, events.FatalError) or (
            isinstance(event, events.NonFatalError) and event.related_to_operation
        ):
            problems.append(f"{type(event).__name__}: {getattr(event, 'value', None) or event}")
    assert not problems, "\n\n".join(problems)
    assert {"POST /channels", "PUT /channels/{channel_id}", "POST /files", "GET /reports",
            "POST /reports/{period}/link"} <= operations  # fmt: skip


def _failures(recorder: Any) -> list[str]:
    """One line per failed check: operation, check, title and the request to reproduce it."""
    lines = []
    for checks in recorder.checks.values():
        for check in checks:
            if check.status == Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                if _known_false_positive(
                    check.name, recorder, f"{failure.title} {failure.message}"
                ):
                    continue
                lines.append(
                    f"{recorder.label} {check.name}: {failure.title} {failure.message}\n"
                    f"{check.failure_info.code_sample}"
                )
    return lines


def _known_false_positive(check: str, recorder: Any, message: str) -> bool:
    """Two findings that come from how the document's templates overlap, not from the API.

    - ``/files/{key}`` takes keys with slashes, so ``/files/a/link`` is also the
      metadata URL of the object ``a/link``: OPTIONS there truthfully allows GET and
      DELETE besides POST, which schemathesis reads as undocumented methods of
      ``/files/{key}/link``.
    - Filling ``{key}`` from a link (``$response.body#/key``), schemathesis keeps only
      the value's first segment (key ``a/b`` is requested as ``/files/a``), so a file
      whose key has a slash looks "not found" right after its creation.
    """
    if check == "allow_header_conformance":
        overlapping = "Undocumented methods advertised: DELETE, GET" in message
        return recorder.label.startswith("POST /files/{key}/") and overlapping
    if check == "ensure_resource_availability":
        created = [c.value for c in recorder.cases.values() if c.value.method == "POST"]
        return any(isinstance(c.body, dict) and "/" in str(c.body.get("key", "")) for c in created)
    return False
