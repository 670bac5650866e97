"""End to end: ``python -m tooling.local`` on free ports, driven with requests and boto3."""

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from tooling.local import stop_when_orphaned
from tooling.local_cloud.database import postgres_bin
from tooling.local_cloud.seed import SAMPLE_CHANNELS
from tooling.local_cloud.stack import StackResources, from_synth
from tooling.synth import synth

ROOT = Path(__file__).resolve().parents[2]
PORT_VARIABLES = (
    "LOCAL_MOTO_PORT",
    "LOCAL_GCS_PORT",
    "LOCAL_AWS_API_PORT",
    "LOCAL_GCP_API_PORT",
    "LOCAL_POSTGRES_PORT",
)
START_SECONDS = 90.0
STOP_SECONDS = 30.0
INDEX_SECONDS = 20.0
TIMEOUT = 30
CLOUDS = ("aws", "gcp")
JSON = "application/json"


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def refuses_connections(port: int) -> bool:
    """Whether nothing listens on ``port`` any more."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def eventually(check: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``seconds`` (a bound only)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@dataclass
class RunningCloud:
    """One ``python -m tooling.local`` process, its ports and what it reported."""

    process: subprocess.Popen[bytes]
    ports: dict[str, int]
    state_dir: Path
    output: Any
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def endpoints(self) -> dict[str, str]:
        """URLs and resource names from the state file."""
        return self.state["endpoints"]

    def url(self, cloud: str) -> str:
        """The base URL of the ``aws`` or ``gcp`` endpoint."""
        return self.endpoints[f"{cloud}_api"]

    def text(self) -> str:
        """Everything the process printed so far."""
        self.output.seek(0)
        return self.output.read().decode(errors="replace")

    def aws(self, service: str) -> Any:
        """A boto3 client on the cloud's moto server."""
        return boto3.client(
            service,
            endpoint_url=self.endpoints["moto"],
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def interrupt(self) -> int:
        """Ctrl-C as a terminal sends it (to the whole process group); the exit code."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=STOP_SECONDS)

    def kill_leftovers(self) -> None:
        """Last resort after a failure: nothing of it survives the test.

        Each component leads its own process group (see the state file).
        """
        groups = [self.process.pid, *self.state.get("processes", {}).values()]
        for group in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=STOP_SECONDS)


def launch(state_dir: Path, extra_env: dict[str, str] | None = None) -> RunningCloud:
    """Start the local cloud on free ports in its own process group, without waiting."""
    ports = {variable: free_port() for variable in PORT_VARIABLES}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, **(extra_env or {})}
    env["LOCAL_STATE_DIR"] = str(state_dir)
    # Closed by the caller (Launcher.close or the test), after the process is gone.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-B", "-m", "tooling.local"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        # Its own group: the test can Ctrl-C it, and kill every child if all else fails.
        start_new_session=True,
    )
    return RunningCloud(process, ports, state_dir, output)


@dataclass
class Launcher:
    """Starts local clouds and guarantees each is gone afterwards."""

    base_dir: Path
    started: list[RunningCloud] = field(default_factory=list)

    def up(self, extra_env: dict[str, str] | None = None) -> RunningCloud:
        """Start one and wait until it has written its state file."""
        cloud = launch(self.base_dir / uuid.uuid4().hex[:8], extra_env)
        self.started.append(cloud)
        state_file = cloud.state_dir / "local-cloud.json"
        deadline = time.monotonic() + START_SECONDS
        while not state_file.exists():
            if cloud.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the local cloud did not start:\n{cloud.text()}")
            time.sleep(0.2)
        cloud.state = json.loads(state_file.read_text())
        return cloud

    def close(self) -> None:
        """Ctrl-C each cloud; kill whatever is left of its process group."""
        for cloud in self.started:
            try:
                cloud.interrupt()
            finally:
                cloud.kill_leftovers()
                cloud.output.close()


@pytest.fixture(scope="module")
def launcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    """A launcher whose clouds are stopped at the end of the module, also after failures."""
    clouds = Launcher(tmp_path_factory.mktemp("local"))
    try:
        yield clouds
    finally:
        clouds.close()


@pytest.fixture(scope="module")
def cloud(launcher: Launcher) -> RunningCloud:
    """The local cloud most tests share (SQLite)."""
    return launcher.up()


@pytest.fixture(scope="module")
def stack() -> StackResources:
    """What the Pulumi program declares for the local stack."""
    return from_synth(synth("local"))


def http(method: str, url: str, **kwargs: Any) -> requests.Response:
    """One request with a bounded wait."""
    return requests.request(method, url, timeout=TIMEOUT, **kwargs)


def index_row(cloud: RunningCloud, key: str) -> dict[str, Any] | None:
    """The object index row of ``key`` in the uploads bucket, if any."""
    item = cloud.aws("dynamodb").get_item(
        TableName=cloud.endpoints["index_table"],
        Key={"bucket": {"S": cloud.endpoints["uploads_bucket"]}, "key": {"S": key}},
        ConsistentRead=True,
    )
    return item.get("Item")


def test_emulator_resources_come_from_the_stack(cloud: RunningCloud, stack: StackResources) -> None:
    """The bucket, table keys, secrets and indexer events are the ones the program declares."""
    assert cloud.endpoints["uploads_bucket"] == stack.uploads_bucket
    buckets = [b["Name"] for b in cloud.aws("s3").list_buckets()["Buckets"]]
    assert stack.uploads_bucket in buckets
    table = cloud.aws("dynamodb").describe_table(TableName=stack.index_table.name)["Table"]
    keys = {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]}
    assert keys == {stack.index_table.hash_key: "HASH", stack.index_table.range_key: "RANGE"}
    secrets = cloud.aws("secretsmanager").list_secrets()["SecretList"]
    assert sorted(s["Name"] for s in secrets) == sorted(stack.app_secrets)
    assert cloud.endpoints["gcs_bucket"] == stack.gcs_bucket
    notification = cloud.aws("s3").get_bucket_notification_configuration(
        Bucket=stack.uploads_bucket
    )
    [queue] = notification["QueueConfigurations"]
    source = stack.indexer_source
    assert sorted(queue["Events"]) == sorted(source.events)
    sqs = cloud.aws("sqs")
    queue_url = sqs.get_queue_url(QueueName=source.queue_name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert queue["QueueArn"] == attributes["QueueArn"]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert int(redrive["maxReceiveCount"]) == source.max_receive_count
    assert redrive["deadLetterTargetArn"].endswith(f":{source.dead_letter_queue_name}")


def test_start_up_prints_endpoints_and_examples(cloud: RunningCloud) -> None:
    """The banner names both endpoint URLs and shows requests to copy."""
    output = cloud.text()
    assert cloud.url("aws") in output
    assert cloud.url("gcp") in output
    assert f"curl {cloud.url('aws')}/health/ready" in output


@pytest.mark.parametrize("provider", CLOUDS)
def test_sample_channels_are_seeded(cloud: RunningCloud, provider: str) -> None:
    """Each endpoint lists the sample channels."""
    response = http("GET", f"{cloud.url(provider)}/channels")
    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    assert {c["id"] for c in SAMPLE_CHANNELS} <= ids


@pytest.mark.parametrize("provider", CLOUDS)
def test_channel_create_read_update_delete(cloud: RunningCloud, provider: str) -> None:
    """A channel goes through its whole life over real HTTP."""
    base = f"{cloud.url(provider)}/channels"
    channel = {"id": f"e2e-{provider}", "name": "End to end", "url": "https://example.com/e2e"}
    created = http("POST", base, json=channel)
    assert created.status_code == 201, created.text
    assert http("POST", base, json=channel).status_code == 409
    assert http("GET", f"{base}/e2e-{provider}").json()["name"] == "End to end"
    update = {"name": "Renamed", "url": "https://example.com/renamed", "subscriber_count": 7}
    replaced = http("PUT", f"{base}/e2e-{provider}", json=update)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["subscriber_count"] == 7
    assert http("DELETE", f"{base}/e2e-{provider}").status_code == 204
    assert http("GET", f"{base}/e2e-{provider}").status_code == 404


def test_aws_upload_is_downloadable_and_indexed_until_deleted(cloud: RunningCloud) -> None:
    """JSON upload -> presigned download -> index row (S3->SQS->indexer) -> delete -> row gone."""
    key, content = "e2e/report one.txt", b"hello from the local cloud\n"
    upload = {
        "key": key,
        "content_type": "text/plain",
        "content": base64.b64encode(content).decode(),
    }
    created = http("POST", f"{cloud.url('aws')}/files", json=upload)
    assert created.status_code == 201, created.text
    link = http("POST", f"{cloud.url('aws')}/files/{key}/link", json={"expires_in": 60})
    assert link.status_code == 200, link.text
    assert http("GET", link.json()["url"]).content == content
    eventually(lambda: index_row(cloud, key) is not None, INDEX_SECONDS, "the index row")
    row = index_row(cloud, key)
    assert row is not None
    assert row["size"] == {"N": str(len(content))}
    assert row["content_type"] == {"S": "text/plain"}
    assert http("DELETE", f"{cloud.url('aws')}/files/{key}").status_code == 204
    eventually(lambda: index_row(cloud, key) is None, INDEX_SECONDS, "the index row to go")


@pytest.mark.parametrize("provider", CLOUDS)
def test_multipart_upload_binary_file(cloud: RunningCloud, provider: str) -> None:
    """A binary multipart upload keeps its bytes, is listed, described and deleted."""
    key = f"e2e/{provider} image+1.png"
    data = bytes(range(256)) * 4  # not UTF-8: the AWS front must send it base64-encoded
    files = {"file": ("image.png", data, "image/png")}
    created = http("POST", f"{cloud.url(provider)}/files", data={"key": key}, files=files)
    assert created.status_code == 201, created.text
    assert created.json()["size"] == len(data)
    meta = http("GET", f"{cloud.url(provider)}/files/{key}")
    assert meta.json()["content_type"] == "image/png"
    listed = http("GET", f"{cloud.url(provider)}/files", params={"prefix": "e2e/"})
    assert key in [item["key"] for item in listed.json()["items"]]
    if provider == "aws":
        # The key travels URL-encoded in the S3 event ('+' and space): the row has it decoded.
        eventually(lambda: index_row(cloud, key) is not None, INDEX_SECONDS, "the index row")
    assert http("DELETE", f"{cloud.url(provider)}/files/{key}").status_code == 204
    assert http("GET", f"{cloud.url(provider)}/files/{key}").status_code == 404


def test_gcp_share_link_downloads_the_file(cloud: RunningCloud) -> None:
    """A GCS V4 link downloads the uploaded bytes from the emulator."""
    key, content = "e2e/shared.txt", b"shared"
    encoded = base64.b64encode(content).decode()
    upload = {"key": key, "content_type": "text/plain", "content": encoded}
    assert http("POST", f"{cloud.url('gcp')}/files", json=upload).status_code == 201
    link = http("POST", f"{cloud.url('gcp')}/files/{key}/link", json={})
    assert link.status_code == 200, link.text
    assert http("GET", link.json()["url"]).content == content


@pytest.mark.parametrize("provider", CLOUDS)
@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "error_field"),
    [
        ("POST", "/channels", {"data": "{not json", "headers": {"Content-Type": JSON}}, 400, None),
        ("POST", "/channels", {"json": {"id": "Bad Id!", "name": "x", "url": "https://e.x"}},
         400, "id"),
        ("POST", "/files", {"json": {"key": "../escape", "content_type": "text/plain",
                                     "content": "aGk="}}, 400, "key"),
        ("POST", "/files", {"data": b"raw", "headers": {"Content-Type": "application/x-raw"}},
         415, None),
        ("GET", "/channels/does-not-exist", {}, 404, None),
        ("PATCH", "/channels", {}, 405, None),
    ],
)  # fmt: skip
def test_bad_requests_get_json_errors(
    cloud: RunningCloud,
    provider: str,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    error_field: str | None,
) -> None:
    """Bad input is a 4xx with the API's JSON error body on both endpoints."""
    response = http(method, cloud.url(provider) + path, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["error"], str)
    assert isinstance(body["message"], str)
    if error_field is not None:
        assert body["field"] == error_field


def test_taken_port_is_named_with_its_variable(tmp_path: Path) -> None:
    """A port in use stops the start with one message naming the port and its variable."""
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = int(blocker.getsockname()[1])
        run = launch(tmp_path, {"LOCAL_GCP_API_PORT": str(taken)})
        try:
            code = run.process.wait(timeout=STOP_SECONDS)
            output = run.text()
        finally:
            run.kill_leftovers()
            run.output.close()
    assert code != 0
    assert f"port {taken}" in output
    assert "LOCAL_GCP_API_PORT" in output
    assert "Traceback" not in output
    # Checked before anything started: the other ports were never bound.
    assert refuses_connections(run.ports["LOCAL_MOTO_PORT"])


def test_readiness_reports_a_stopped_backend_then_ctrl_c_leaves_nothing(
    launcher: Launcher,
) -> None:
    """Stopping an emulator turns /health/ready into 503; Ctrl-C then stops every process.

    Its own cloud, since it kills the emulators; on PostgreSQL when the server is installed.
    """
    database = "postgres" if postgres_bin() is not None else "sqlite"
    cloud = launcher.up({"LOCAL_DATABASE": database})
    for provider in CLOUDS:
        ready = http("GET", f"{cloud.url(provider)}/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "storage": "ok"}
    processes = cloud.state["processes"]
    for provider, backend, port in (("aws", "moto", "LOCAL_MOTO_PORT"),
                                    ("gcp", "gcs", "LOCAL_GCS_PORT")):  # fmt: skip
        os.kill(processes[backend], signal.SIGTERM)
        eventually(lambda port=port: refuses_connections(cloud.ports[port]), 10, backend)
        response = http("GET", f"{cloud.url(provider)}/health/ready")
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"]
        body = response.json()
        assert body["error"] == "not_ready"
        assert body["checks"]["storage"] != "ok"
        assert body["checks"]["database"] == "ok"

    assert cloud.interrupt() == 0, cloud.text()
    assert "[local] stopped" in cloud.text()
    assert not (cloud.state_dir / "local-cloud.json").exists()
    for pid in processes.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    for variable, port in cloud.ports.items():
        if variable != "LOCAL_POSTGRES_PORT" or database == "postgres":
            assert refuses_connections(port), variable


def test_an_orphaned_local_cloud_stops_itself() -> None:
    """When the parent dies (its id changes), the stop event is set."""
    parents = iter([100, 100, 1])
    stop = threading.Event()
    watcher = stop_when_orphaned(stop, getppid=lambda: next(parents, 1), interval=0.01)
    assert stop.wait(timeout=10)
    watcher.join(timeout=10)
