"""End to end: upload through both APIs, ``make report``, download the links, check the figures."""

import base64
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import requests

from tests.tooling.test_local import (
    INDEX_SECONDS,
    Launcher,
    RunningCloud,
    eventually,
    http,
    index_row,
)
from tooling.local_cloud.report import ReportRunError, read_state
from tooling.local_cloud.seed import SAMPLE_CHANNELS

ROOT = Path(__file__).resolve().parents[3]
# Two text files and an image per cloud: 3 uploads, 5 + 11 + 256 bytes.
UPLOADS = (
    ("report/a.txt", "text/plain", b"hello"),
    ("report/b.txt", "text/plain", b"hello again"),
    ("report/c.png", "image/png", bytes(range(256))),
)
SUBSCRIBERS = sum(int(c["subscriber_count"]) for c in SAMPLE_CHANNELS)


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCloud]:
    """A local cloud of its own (the uploads are counted), with the files uploaded."""
    launcher = Launcher(tmp_path_factory.mktemp("report"))
    try:
        running = launcher.up()
        for provider in ("aws", "gcp"):
            for key, content_type, data in UPLOADS:
                upload = {
                    "key": key,
                    "content_type": content_type,
                    "content": base64.b64encode(data).decode(),
                }
                created = http("POST", f"{running.url(provider)}/files", json=upload)
                assert created.status_code == 201, created.text
        # The AWS report reads the index, which the indexer fills asynchronously.
        for key, _, _ in UPLOADS:
            eventually(lambda k=key: index_row(running, k) is not None, INDEX_SECONDS, key)
        yield running
    finally:
        launcher.close()


def this_week() -> str:
    """The current ISO week, the period the uploads fall in."""
    year, week, _ = datetime.now(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def make_report(cloud: RunningCloud, *args: str) -> subprocess.CompletedProcess[str]:
    """``make report`` (its module) against ``cloud``, output captured."""
    env = {**os.environ, "LOCAL_STATE_DIR": str(cloud.state_dir)}
    return subprocess.run(
        [sys.executable, "-B", "-m", "tooling.local_cloud.report", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def results(cloud: RunningCloud) -> dict[str, Any]:
    """Both clouds' runs for this week, as ``--json`` prints them."""
    ran = make_report(cloud, "--period", this_week(), "--json")
    assert ran.returncode == 0, ran.stderr
    return dict(json.loads(ran.stdout))


@pytest.mark.parametrize("provider", ["aws", "gcp"])
def test_the_figures_are_the_uploads_and_the_seeded_channels(
    results: dict[str, Any], provider: str
) -> None:
    """3 uploads of 272 bytes; the 3 sample channels and their subscribers."""
    summary = results[provider]["summary"]
    assert summary["period"] == this_week()
    assert (summary["uploads"], summary["bytes"]) == (3, sum(len(u[2]) for u in UPLOADS))
    assert (summary["channels"], summary["subscribers"]) == (len(SAMPLE_CHANNELS), SUBSCRIBERS)


@pytest.mark.parametrize("provider", ["aws", "gcp"])
def test_the_links_download_the_files_that_landed_in_the_reports_bucket(
    results: dict[str, Any], cloud: RunningCloud, provider: str
) -> None:
    """A CSV and a workbook under reports/<year>/W<week>/, each link serving its bytes."""
    year, week = this_week().split("-")
    keys = sorted(link["key"] for link in results[provider]["links"])
    assert [k.rsplit("/", 1)[0] for k in keys] == [f"reports/{year}/{week}"] * 2
    assert {k.rsplit(".", 1)[-1] for k in keys} == {"csv", "xlsx"}
    by_key = {link["key"]: link["url"] for link in results[provider]["links"]}
    csv_key = next(k for k in keys if k.endswith(".csv"))
    xlsx_key = next(k for k in keys if k.endswith(".xlsx"))
    csv = requests.get(by_key[csv_key], timeout=30)
    assert csv.status_code == 200
    rows = csv.text.splitlines()
    assert "content_type,text/plain,2,16" in rows
    assert "content_type,image/png,1,256" in rows
    workbook = openpyxl.load_workbook(
        io.BytesIO(requests.get(by_key[xlsx_key], timeout=30).content)
    )
    assert workbook.sheetnames
    assert results[provider]["downloaded"][csv_key] == len(csv.content)
    if provider == "aws":
        s3 = cloud.aws("s3")
        stored = s3.list_objects_v2(Bucket=cloud.endpoints["reports_bucket"], Prefix="reports/")
        assert {o["Key"] for o in stored["Contents"]} >= set(keys)


def test_aws_announcement_reached_the_sns_subscribed_queue(results: dict[str, Any]) -> None:
    """moto's SNS delivered the text message (period, totals, links) to the inbox queue."""
    notification = results["aws"]["notification"]
    assert notification["subject"] == f"crosscloud uploads report {this_week()}"
    assert "uploads: 3 (272 bytes)" in notification["message"]
    for link in results["aws"]["links"]:
        assert link["url"] in notification["message"]


def test_gcp_announcement_is_the_logged_json_message(cloud: RunningCloud) -> None:
    """No Pub/Sub emulator: the run logs the JSON message, links redacted."""
    ran = make_report(cloud, "--cloud", "gcp")
    assert ran.returncode == 0, ran.stderr
    lines = [json.loads(line) for line in ran.stderr.splitlines() if line.startswith("{")]
    (logged,) = [line for line in lines if line.get("message") == "report notification"]
    message = logged["notification"]
    assert {f["url"] for f in message["files"]} == {"(signed URL, not logged)"}
    assert "Pub/Sub" in ran.stdout


def test_without_a_running_cloud_it_says_so(tmp_path: Path) -> None:
    """A state directory with no local cloud: a message naming make local, exit 1."""
    with pytest.raises(ReportRunError, match="make local"):
        read_state(tmp_path)
    ran = subprocess.run(
        [sys.executable, "-B", "-m", "tooling.local_cloud.report"],
        cwd=ROOT,
        env={**os.environ, "LOCAL_STATE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 1
    assert "start `make local`" in ran.stderr
