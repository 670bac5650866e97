"""Plain values the object stores return."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class ObjectInfo:
    """Metadata of one stored object."""

    key: str
    size: int
    # None in listings (S3 listings do not carry it; GCS ones leave it out to match).
    content_type: str | None
    etag: str
    last_modified: datetime

    def to_json(self) -> dict[str, Any]:
        """The object as the API returns it."""
        return {
            "key": self.key,
            "size": self.size,
            "content_type": self.content_type,
            "etag": self.etag,
            "last_modified": iso_utc(self.last_modified),
        }


@dataclass(frozen=True)
class ObjectPage:
    """One page of a listing and the cursor of the next one (None on the last page)."""

    items: list[ObjectInfo]
    next_cursor: str | None


@dataclass(frozen=True)
class SignedUrl:
    """A time-limited URL and the moment it stops working."""

    url: str
    expires_at: datetime


def iso_utc(moment: datetime) -> str:
    """ISO-8601 in UTC with a Z suffix; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
