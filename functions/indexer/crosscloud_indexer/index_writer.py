"""Writes the object index table: one item per (bucket, key), written only by newer events."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from botocore.exceptions import ClientError

from crosscloud_indexer.events import ObjectEvent

Outcome = Literal["upserted", "deleted", "stale", "gone"]
# An item is written only when it is absent or holds an older (or the same)
# event: a redelivered event rewrites the same values, an older one is refused.
NEWER_OR_SAME = "attribute_not_exists(#key) OR #sequencer <= :sequencer"
_NAMES = {"#key": "key", "#sequencer": "sequencer"}

# boto3 ships no type information; clients are typed as Any on purpose.
Client = Any


@dataclass(frozen=True)
class IndexWriter:
    """Applies object events to the index table, reading metadata from S3."""

    table: str
    s3: Client
    dynamodb: Client

    def apply(self, event: ObjectEvent) -> Outcome:
        """Upsert or delete the event's row unless a newer event already wrote it."""
        if event.change == "removed":
            return self._delete(event)
        try:
            meta = self.s3.head_object(Bucket=event.bucket, Key=event.key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                # Deleted since: its removal event (newer) owns the row, and writing
                # here could resurrect an object that no longer exists.
                return "gone"
            raise
        return self._put(event, meta)

    def _put(self, event: ObjectEvent, meta: dict[str, Any]) -> Outcome:
        """Write the item if no newer event has."""
        last_modified: datetime = meta["LastModified"]
        item = {
            "bucket": {"S": event.bucket},
            "key": {"S": event.key},
            "size": {"N": str(int(meta["ContentLength"]))},
            "content_type": {"S": meta.get("ContentType", "binary/octet-stream")},
            "etag": {"S": str(meta["ETag"]).strip('"')},
            "last_modified": {"S": last_modified.astimezone(UTC).isoformat()},
            "sequencer": {"S": event.sequencer},
        }
        return self._conditional(
            "put_item", "upserted", Item=item, **self._condition(event.sequencer)
        )

    def _delete(self, event: ObjectEvent) -> Outcome:
        """Delete the item if no newer event has written it."""
        key = {"bucket": {"S": event.bucket}, "key": {"S": event.key}}
        return self._conditional(
            "delete_item", "deleted", Key=key, **self._condition(event.sequencer)
        )

    def _condition(self, sequencer: str) -> dict[str, Any]:
        """The conditional-write arguments for an event's sequencer."""
        return {
            "ConditionExpression": NEWER_OR_SAME,
            "ExpressionAttributeNames": _NAMES,
            "ExpressionAttributeValues": {":sequencer": {"S": sequencer}},
        }

    def _conditional(self, operation: str, done: Outcome, **params: Any) -> Outcome:
        """Run a conditional write; a failed condition means the event is stale."""
        try:
            getattr(self.dynamodb, operation)(TableName=self.table, **params)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return "stale"
            raise
        return done
