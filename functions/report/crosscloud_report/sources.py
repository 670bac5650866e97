"""Where a report's figures come from: the object index and the channels database.

AWS: the DynamoDB object index the S3-triggered indexer keeps (one item per
object, partition ``bucket``): a Query of the uploads bucket's partition,
filtered on ``last_modified`` server-side. GCP: a listing of the uploads bucket
itself, which carries size, content type and update time for every object;
the GCP side keeps no separate index, so the bucket is the one honest source.
Both describe the objects that exist now: an object uploaded and deleted within
the week is not counted.
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from crosscloud_api.database import Database, Session
from crosscloud_api.storage import ObjectStore

from crosscloud_report.content import ChannelTotals, IndexedObject

PAGE = 1000

# boto3 ships no type information; the client is typed as Any on purpose.
DynamoDbClient = Any


class DynamoDbIndex:
    """The uploads of one bucket in a period, from the object index table."""

    def __init__(self, table: str, bucket: str, client: DynamoDbClient) -> None:
        """``client`` is a boto3 DynamoDB client (low level: items arrive typed)."""
        self.table = table
        self.bucket = bucket
        self.client = client

    def objects(self, start: datetime, end: datetime) -> Iterator[IndexedObject]:
        """Items of the bucket whose ``last_modified`` is in ``[start, end)``."""
        params: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "#bucket = :bucket",
            # The indexer writes ISO-8601 UTC with the same offset, which sorts as text.
            "FilterExpression": "#modified >= :start AND #modified < :end",
            "ExpressionAttributeNames": {"#bucket": "bucket", "#modified": "last_modified"},
            "ExpressionAttributeValues": {
                ":bucket": {"S": self.bucket},
                ":start": {"S": start.astimezone(UTC).isoformat()},
                ":end": {"S": end.astimezone(UTC).isoformat()},
            },
        }
        while True:
            page = self.client.query(**params)
            for item in page.get("Items", []):
                yield _indexed(item)
            if "LastEvaluatedKey" not in page:
                return
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class BucketListing:
    """The uploads in a period, from a listing of the bucket.

    The store's listings carry no content type (an S3 listing has none, and the API
    answers alike on both clouds), so each object of the period is asked for its own.
    """

    def __init__(self, store: ObjectStore) -> None:
        """``store`` is the API's store over the uploads bucket."""
        self.store = store

    def objects(self, start: datetime, end: datetime) -> Iterator[IndexedObject]:
        """Objects last written in ``[start, end)``."""
        cursor: str | None = None
        while True:
            page = self.store.list("", PAGE, cursor)
            for info in page.items:
                moment = _utc(info.last_modified)
                if start <= moment < end:
                    content_type = info.content_type or self.store.head(info.key).content_type
                    yield IndexedObject(info.key, info.size, content_type, moment)
            if page.next_cursor is None:
                return
            cursor = page.next_cursor


# The API's table (crosscloud_api/channels.py); read only, never created here.
CHANNEL_TOTALS = "SELECT COUNT(*), COALESCE(SUM(subscriber_count), 0) FROM channels"


class ChannelTotalsQuery:
    """Count and subscriber sum of the channels table, in one statement."""

    def __init__(self, database: Callable[[], Database]) -> None:
        """``database`` is called on first use (the API's ``open_database``)."""
        self._database = database
        self._opened: Database | None = None

    def totals(self) -> ChannelTotals:
        """The totals; zero when the API has not created the table yet.

        An unreachable server leaves the API's database layer as its
        BackendUnavailableError, so a scheduled run fails and is retried.
        """
        if self._opened is None:
            self._opened = self._database()
        return self._opened.transaction(_totals)


def _totals(session: Session) -> ChannelTotals:
    """Count and sum, or zeros when the table does not exist yet."""
    if not session.rows(session.dialect.table_exists, ["channels"]):
        return ChannelTotals(0, 0)
    [(count, subscribers)] = session.rows(CHANNEL_TOTALS)
    return ChannelTotals(int(count), int(subscribers))


def _indexed(item: dict[str, Any]) -> IndexedObject:
    """An index item (DynamoDB's typed JSON) as a plain value."""
    return IndexedObject(
        key=item["key"]["S"],
        size=int(item["size"]["N"]),
        content_type=item.get("content_type", {}).get("S"),
        last_modified=_utc(datetime.fromisoformat(item["last_modified"]["S"])),
    )


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC (naive means UTC already)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
