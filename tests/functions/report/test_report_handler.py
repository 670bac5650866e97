"""The Lambda entry point, configured like the stack configures it, against moto."""

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import report_handler
import requests
from crosscloud_reports.period import last_complete_week

from .conftest import REGION_CONFIG


@pytest.fixture
def report_env(
    aws_env: str,
    aws_client: Callable[..., Any],
    index_table: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[dict[str, str]]:
    """Reports bucket, index rows, topic with a queue subscribed; the function's variables."""
    s3, sns, sqs = aws_client("s3"), aws_client("sns"), aws_client("sqs")
    reports = f"reports-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=reports, CreateBucketConfiguration=REGION_CONFIG)
    topic = sns.create_topic(Name=f"reports-{uuid.uuid4().hex[:8]}")["TopicArn"]
    queue = sqs.create_queue(QueueName=f"inbox-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])
    week = last_complete_week(datetime.now(UTC))
    moment = week.start.replace(hour=10).isoformat()
    for key, size in (("a.png", 10), ("b.pdf", 30)):
        aws_client("dynamodb").put_item(
            TableName=index_table,
            Item={
                "bucket": {"S": "uploads"},
                "key": {"S": key},
                "size": {"N": str(size)},
                "content_type": {"S": "image/png" if key.endswith("png") else "application/pdf"},
                "last_modified": {"S": moment},
                "sequencer": {"S": "01"},
            },
        )
    env = {
        "REPORTS_URL": f"s3://{reports}",
        "INDEX_TABLE": index_table,
        "UPLOADS_BUCKET": "uploads",
        "REPORT_TOPIC": topic,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'channels.db'}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    report_handler.deps.cache_clear()
    yield {**env, "QUEUE_URL": queue, "BUCKET": reports}
    report_handler.deps.cache_clear()


def test_a_scheduled_run_writes_the_last_week_and_announces_it(
    report_env: dict[str, str], aws_client: Callable[..., Any], lambda_context: Any
) -> None:
    """``{}`` → last complete week: files in the bucket, one SNS message with working links."""
    week = last_complete_week(datetime.now(UTC))
    summary = report_handler.handler({}, lambda_context)
    assert summary["period"] == week.name
    assert (summary["uploads"], summary["bytes"], summary["channels"]) == (2, 40, 0)
    assert summary["keys"] == [
        f"{week.prefix}uploads-{week.name}.csv",
        f"{week.prefix}uploads-{week.name}.xlsx",
    ]
    assert "url" not in json.dumps(summary)
    messages = aws_client("sqs").receive_message(
        QueueUrl=report_env["QUEUE_URL"], MaxNumberOfMessages=10
    )["Messages"]
    assert len(messages) == 1
    envelope = json.loads(messages[0]["Body"])
    assert envelope["Subject"] == f"crosscloud uploads report {week.name}"
    assert "uploads: 2 (40 bytes)" in envelope["Message"]
    url = next(line.strip() for line in envelope["Message"].splitlines() if "csv?" in line)
    body = requests.get(url, timeout=10).content.decode()
    assert "total,uploads,2,40" in body


def test_an_on_demand_run_names_its_period(
    report_env: dict[str, str], aws_client: Callable[..., Any], lambda_context: Any
) -> None:
    """``{"period": ...}`` reports that week (here an empty one) under its own prefix."""
    summary = report_handler.handler({"period": "2025-W10"}, lambda_context)
    assert (summary["period"], summary["uploads"]) == ("2025-W10", 0)
    keys = aws_client("s3").list_objects_v2(Bucket=report_env["BUCKET"])["Contents"]
    assert {k["Key"] for k in keys} == {
        "reports/2025/W10/manifest.json",
        "reports/2025/W10/uploads-2025-W10.csv",
        "reports/2025/W10/uploads-2025-W10.xlsx",
    }
