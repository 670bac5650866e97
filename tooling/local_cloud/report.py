"""``make report``: run the weekly report now, on both clouds of a running ``make local``.

Each cloud's run is the report function's own code (``crosscloud_report``:
sources, store, notifier) in a child process whose environment points it at the
emulators, as the deployed function's environment points it at the cloud:

- AWS: the object index in moto's DynamoDB, the reports bucket in moto's S3,
  the announcement published to moto's SNS topic. moto delivers SNS to SQS, not
  e-mail, so the local cloud subscribed a queue; its message is printed here.
- GCP: a listing of the uploads bucket in the GCS emulator, the reports bucket
  there, links signed with the run's throwaway key. No Pub/Sub emulator installs
  from PyPI (Google's is a Java component of the gcloud CLI), so the announcement
  is the report's JSON log line (links redacted), printed by the child.

Then every link is downloaded and its size shown. The environment is read here
only (LOCAL_STATE_DIR, through the local cloud's config); see docs/local.md.
"""

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import requests

from function_builds.shared import import_path
from tooling.local_cloud import gcp
from tooling.local_cloud.aws import AwsEmulator
from tooling.local_cloud.cloud import STATE_FILE
from tooling.local_cloud.config import ROOT, LocalConfigError, config_from_env

REPORT_SOURCE = ROOT / "functions" / "report"
# The report borrows the API's storage and database modules (function_builds/archive.py SHARED).
API_SOURCE = ROOT / "functions" / "api"
CLOUDS = ("aws", "gcp")
TIMEOUT_SECONDS = 120
INBOX_WAIT_SECONDS = 5
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class ReportRunError(Exception):
    """The local cloud is not running, or a run failed; the message says which."""


def read_state(state_dir: Path) -> dict[str, Any]:
    """The running local cloud's endpoints, from the state file ``make local`` writes."""
    path = state_dir / STATE_FILE
    if not path.is_file():
        raise ReportRunError(f"no local cloud is running ({path} is missing): start `make local`")
    return dict(json.loads(path.read_text())["endpoints"])


def run_env(cloud: str, endpoints: Mapping[str, str], state_dir: Path) -> dict[str, str]:
    """The variables the report function would get on ``cloud``, pointed at the emulators."""
    if cloud == "aws":
        emulator = AwsEmulator(endpoints["moto"], endpoints["region"])
        return {
            **emulator.env(),
            "REPORTS_URL": f"s3://{endpoints['reports_bucket']}",
            "INDEX_TABLE": endpoints["index_table"],
            "UPLOADS_BUCKET": endpoints["uploads_bucket"],
            "REPORT_TOPIC": endpoints["report_topic_arn"],
            "DATABASE_URL": endpoints["aws_database_url"],
        }
    return {
        **gcp.emulator_env(endpoints["gcs"]),
        "REPORTS_URL": f"gs://{endpoints['gcs_reports_bucket']}",
        "UPLOADS_URL": f"gs://{endpoints['gcs_bucket']}",
        # The key make local wrote for this run's V4 links.
        "GOOGLE_APPLICATION_CREDENTIALS": str(state_dir / gcp.KEY_FILE),
        "DATABASE_URL": endpoints["gcp_database_url"],
    }


def run_cloud(cloud: str, env: Mapping[str, str], period: str | None) -> dict[str, Any]:
    """One run in a child process with the function's import path; its summary and links."""
    path = [*import_path(REPORT_SOURCE), API_SOURCE]
    child_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOOGLE_"))},
        **env,
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": os.pathsep.join(str(p) for p in path),
    }
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "result.json"
        command = [sys.executable, "-B", "-m", "tooling.local_cloud.report", "--child", str(out)]
        if period:
            command += ["--period", period]
        completed = subprocess.run(  # noqa: S603 - our own module, no shell
            command,
            cwd=ROOT,
            env=child_env,
            timeout=TIMEOUT_SECONDS,
            check=False,
            capture_output=True,
            text=True,
        )
        # The function's own log lines (JSON), kept apart from the results on stdout.
        sys.stderr.write(completed.stdout + completed.stderr)
        if completed.returncode != 0 or not out.is_file():
            raise ReportRunError(f"the {cloud} report run failed (exit {completed.returncode})")
        return dict(json.loads(out.read_text()))


def child(out: Path, period: str | None) -> None:
    """In the child: build the report's backends from the environment and run it once."""
    # Imported by name: these are the function's modules, on the child's PYTHONPATH only.
    settings_module = importlib.import_module("crosscloud_report.settings")
    wiring = importlib.import_module("crosscloud_report.wiring")
    runner = importlib.import_module("crosscloud_report.run")
    periods = importlib.import_module("crosscloud_reports.period")
    logging = importlib.import_module("crosscloud_logging")
    settings = settings_module.ReportSettings.from_env(os.environ)
    logging.configure_logging(settings.log_level)
    deps = wiring.build_deps(settings)
    chosen = periods.requested_period({"period": period} if period else {}, datetime.now(UTC))
    summary = runner.run_report(chosen, deps)
    links = deps.store.fresh_links(chosen, deps.link_seconds)
    out.write_text(json.dumps({"summary": summary, "links": [link.to_json() for link in links]}))


def announcement(endpoints: Mapping[str, str]) -> dict[str, str] | None:
    """The SNS message the AWS run published, read (and removed) from the subscribed queue."""
    sqs = AwsEmulator(endpoints["moto"], endpoints["region"]).client("sqs")
    queue = endpoints["report_inbox_url"]
    received = sqs.receive_message(
        QueueUrl=queue, MaxNumberOfMessages=1, WaitTimeSeconds=INBOX_WAIT_SECONDS
    )
    for message in received.get("Messages", []):
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        envelope = json.loads(message["Body"])
        return {"subject": envelope.get("Subject", ""), "message": envelope["Message"]}
    return None


def download_sizes(links: Sequence[Mapping[str, str]]) -> dict[str, int]:
    """Each link fetched: key -> bytes received (a failed download raises)."""
    sizes: dict[str, int] = {}
    for link in links:
        response = requests.get(link["url"], timeout=TIMEOUT_SECONDS)
        if response.status_code != 200:
            raise ReportRunError(f"{link['key']}: the link answered {response.status_code}")
        sizes[link["key"]] = len(response.content)
    return sizes


def run(clouds: Sequence[str], period: str | None, state_dir: Path) -> dict[str, Any]:
    """Run on each cloud; per cloud the summary, links, downloaded sizes and notification."""
    endpoints = read_state(state_dir)
    results: dict[str, Any] = {}
    for cloud in clouds:
        result = run_cloud(cloud, run_env(cloud, endpoints, state_dir), period)
        result["downloaded"] = download_sizes(result["links"])
        result["notification"] = (
            announcement(endpoints) if cloud == "aws" else {"logged": "report notification"}
        )
        results[cloud] = result
    return results


def describe(results: Mapping[str, Any], out: TextIO) -> None:
    """A readable account of each run."""
    for cloud, result in results.items():
        summary = result["summary"]
        print(f"\n== {cloud}: {summary['period']}: {summary['uploads']} uploads, "
              f"{summary['bytes']} bytes, {summary['channels']} channels "
              f"({summary['subscribers']} subscribers)", file=out)  # fmt: skip
        for link in result["links"]:
            size = result["downloaded"][link["key"]]
            print(f"  {link['key']}  ({size} bytes downloaded; link until {link['expires_at']})",
                  file=out)  # fmt: skip
            print(f"    {link['url']}", file=out)
        notification = result["notification"]
        if cloud == "aws" and notification:
            print(f"  SNS -> SQS inbox: {notification['subject']}", file=out)
            print("    " + notification["message"].replace("\n", "\n    "), file=out)
        elif cloud == "aws":
            print("  SNS: no message reached the inbox queue", file=out)
        else:
            print("  Pub/Sub: no emulator from PyPI; the JSON message is the "
                  "'report notification' log line above", file=out)  # fmt: skip


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    """``make report [PERIOD=2026-W05] [CLOUD=aws|gcp]``."""
    parser = argparse.ArgumentParser(prog="make report", description="Run the weekly report now.")
    parser.add_argument("--period", help="ISO week such as 2026-W05 (default: the last one)")
    parser.add_argument("--cloud", choices=[*CLOUDS, "both"], default="both")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.period)
        return EXIT_OK
    try:
        config = config_from_env(os.environ)
        clouds = CLOUDS if args.cloud == "both" else (args.cloud,)
        results = run(clouds, args.period, config.state_dir)
    except LocalConfigError as exc:
        print(f"make report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ReportRunError, requests.RequestException, subprocess.TimeoutExpired) as exc:
        print(f"make report: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(results, indent=2), file=out)
    else:
        describe(results, out)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
