"""The figures' sources: the DynamoDB index, a bucket listing and the channels table."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from crosscloud_api.channels import ChannelFields, ChannelRepository
from crosscloud_api.database import SQLITE, Database, sqlite_database
from crosscloud_api.exceptions import BackendUnavailableError
from crosscloud_api.storage.gcs import GcsStore
from crosscloud_report.sources import BucketListing, ChannelTotalsQuery, DynamoDbIndex
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from .conftest import WEEK


def _row(key: str, size: int, modified: datetime, bucket: str = "uploads") -> dict[str, Any]:
    """An item as the indexer writes it."""
    return {
        "bucket": {"S": bucket},
        "key": {"S": key},
        "size": {"N": str(size)},
        "content_type": {"S": "image/png"},
        "etag": {"S": "e"},
        "last_modified": {"S": modified.isoformat()},
        "sequencer": {"S": "01"},
    }


def test_the_index_yields_the_buckets_rows_of_the_period(
    aws_client: Callable[..., Any], index_table: str
) -> None:
    """Rows of other buckets and outside the week are not returned; pages are followed."""
    dynamodb = aws_client("dynamodb")
    inside = datetime(2026, 1, 27, 8, 30, 15, 123000, tzinfo=UTC)
    for number in range(30):
        dynamodb.put_item(TableName=index_table, Item=_row(f"k{number:02d}", number, inside))
    dynamodb.put_item(TableName=index_table, Item=_row("old", 1, datetime(2026, 1, 1, tzinfo=UTC)))
    dynamodb.put_item(TableName=index_table, Item=_row("other", 1, inside, bucket="elsewhere"))

    class SmallPages:
        """The client, with a page size that forces pagination."""

        def query(self, **params: Any) -> Any:
            return dynamodb.query(Limit=7, **params)

    rows = list(DynamoDbIndex(index_table, "uploads", SmallPages()).objects(WEEK.start, WEEK.end))
    assert sorted(r.key for r in rows) == [f"k{n:02d}" for n in range(30)]
    assert rows[0].last_modified == inside
    assert {r.content_type for r in rows} == {"image/png"}


def test_a_gcs_listing_yields_the_objects_of_the_period(gcs_endpoint: str) -> None:
    """Objects written now are outside a past week, inside the current one."""
    client = storage.Client(
        project="test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": gcs_endpoint},
    )
    bucket = client.create_bucket(f"listing-{datetime.now(UTC).timestamp():.0f}")
    bucket.blob("x.csv").upload_from_string(b"a,b\n", content_type="text/csv")
    source = BucketListing(GcsStore(str(bucket.name), client=client))
    assert list(source.objects(WEEK.start, WEEK.end)) == []
    now = datetime.now(UTC)
    found = list(source.objects(now.replace(year=now.year - 1), now.replace(year=now.year + 1)))
    assert [(o.key, o.size, o.content_type) for o in found] == [("x.csv", 4, "text/csv")]


def test_channel_totals_count_and_sum(tmp_path: Path) -> None:
    """Zero before the API created the table; then the count and the subscriber sum."""
    database = sqlite_database(str(tmp_path / "channels.db"))
    query = ChannelTotalsQuery(lambda: database)
    assert (query.totals().channels, query.totals().subscribers) == (0, 0)

    repository = ChannelRepository(lambda: database)
    repository.create("one", ChannelFields("One", "https://one.test.dev", 1000))
    repository.create("two", ChannelFields("Two", "https://two.test.dev", 500))
    totals = query.totals()
    assert (totals.channels, totals.subscribers) == (2, 1500)


def test_an_unreachable_database_is_backend_unavailable() -> None:
    """A server that refuses connections fails the run as the API's BackendUnavailableError."""

    def refuse() -> object:
        raise OSError("connection refused")

    query = ChannelTotalsQuery(lambda: Database(SQLITE, refuse))
    with pytest.raises(BackendUnavailableError):
        query.totals()
