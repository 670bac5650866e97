"""The channels repository: a handful of SQL statements on one table, on SQLite or PostgreSQL."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crosscloud_logging import get_logger

from crosscloud_api.database import Database, Session
from crosscloud_api.exceptions import ConflictError, NotFoundError
from crosscloud_api.storage.model import iso_utc

log = get_logger("channels")

# Every query reads the columns in this order; _channel unpacks them.
SELECT = "SELECT id, name, url, subscriber_count, created_at, updated_at FROM channels"
FIRST_PAGE = SELECT + " ORDER BY id LIMIT ?"
NEXT_PAGE = SELECT + " WHERE id > ? ORDER BY id LIMIT ?"
ONE = SELECT + " WHERE id = ?"
INSERT = (
    "INSERT INTO channels (id, name, url, subscriber_count, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
# The types SQLAlchemy gave the table when it created it: deployed databases keep it.
CREATE_TABLE = """
CREATE TABLE channels (
    id VARCHAR(64) NOT NULL,
    name VARCHAR(200) NOT NULL,
    url VARCHAR(2048) NOT NULL,
    subscriber_count BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (id)
)
"""


@dataclass(frozen=True)
class ChannelFields:
    """The writable fields of a channel, already validated."""

    name: str
    url: str
    subscriber_count: int


@dataclass(frozen=True)
class Channel:
    """A stored channel."""

    id: str
    name: str
    url: str
    subscriber_count: int
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The channel as the API returns it."""
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "subscriber_count": self.subscriber_count,
            "created_at": iso_utc(self.created_at),
            "updated_at": iso_utc(self.updated_at),
        }


class ChannelRepository:
    """CRUD and keyset pagination over the channels table; the schema is created on first use."""

    def __init__(
        self,
        database: Callable[[], Database],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``database`` is called once, on first use, so a cold start opens no connection."""
        self._database_factory = database
        self._database: Database | None = None
        self._schema_ready = False
        self._clock = clock
        self._lock = threading.Lock()

    def list(self, limit: int, after: str | None) -> tuple[list[Channel], str | None]:
        """Up to ``limit`` channels ordered by id, after id ``after``; and the next page's start."""
        if after is None:
            query, params = FIRST_PAGE, [limit + 1]
        else:
            query, params = NEXT_PAGE, [after, limit + 1]
        database = self._ready()
        rows = database.transaction(lambda session: session.rows(query, params))
        channels = [_channel(row, database) for row in rows]
        has_more = len(channels) > limit
        return channels[:limit], channels[limit - 1].id if has_more else None

    def get(self, channel_id: str) -> Channel:
        """One channel."""
        database = self._ready()
        rows = database.transaction(lambda session: _select(session, channel_id))
        if not rows:
            raise NotFoundError(f"channel {channel_id!r} not found")
        return _channel(rows[0], database)

    def create(self, channel_id: str, fields: ChannelFields) -> Channel:
        """Insert a channel; ConflictError when the id is taken (decided by the primary key)."""
        now = self._clock()
        channel = Channel(channel_id, fields.name, fields.url, fields.subscriber_count, now, now)
        database = self._ready()
        stamp = database.dialect.timestamp_param(now)
        values = [channel_id, fields.name, fields.url, fields.subscriber_count, stamp, stamp]
        try:
            database.transaction(lambda session: session.execute(INSERT, values))
        except ConflictError as exc:
            raise ConflictError(f"channel {channel_id!r} already exists") from exc
        return channel

    def replace(self, channel_id: str, fields: ChannelFields) -> Channel:
        """Overwrite a channel's writable fields; the stored row, read in the same transaction."""
        database = self._ready()
        stamp = database.dialect.timestamp_param(self._clock())
        statement = (
            "UPDATE channels SET name = ?, url = ?, subscriber_count = ?, updated_at = ? "
            "WHERE id = ?"
        )
        values = [fields.name, fields.url, fields.subscriber_count, stamp, channel_id]

        def work(session: Session) -> list[tuple[Any, ...]]:
            """Update, then read back what was stored."""
            if session.execute(statement, values) == 0:
                return []
            return _select(session, channel_id)

        rows = database.transaction(work)
        if not rows:
            raise NotFoundError(f"channel {channel_id!r} not found")
        return _channel(rows[0], database)

    def delete(self, channel_id: str) -> None:
        """Delete a channel."""
        statement = "DELETE FROM channels WHERE id = ?"
        deleted = self._ready().transaction(
            lambda session: session.execute(statement, [channel_id])
        )
        if deleted == 0:
            raise NotFoundError(f"channel {channel_id!r} not found")

    def check(self) -> None:
        """Run ``SELECT 1``."""
        self._ready().transaction(lambda session: session.rows("SELECT 1"))

    def _ready(self) -> Database:
        """The database, with the schema created (idempotently) the first time."""
        with self._lock:
            if self._database is None:
                self._database = self._database_factory()
            if not self._schema_ready:
                # Retried on the next request if the database was down at the first.
                self._database.transaction(_create_table)
                create_audit_extension(self._database)
                self._schema_ready = True
            return self._database


def _create_table(session: Session) -> None:
    """Create the table unless it exists (looked up first: pgAudit records every DDL)."""
    if not session.rows(session.dialect.table_exists, ["channels"]):
        session.execute(CREATE_TABLE)


def _select(session: Session, channel_id: str) -> list[tuple[Any, ...]]:
    """The row of one channel, if any."""
    return session.rows(ONE, [channel_id])


def create_audit_extension(database: Database) -> None:
    """Create pgAudit's extension on PostgreSQL, where the server preloads it; else log why not.

    Both clouds preload pgaudit and set pgaudit.log (RDS parameter group, Cloud
    SQL flags), but the extension itself must be created in the database, by a
    role allowed to (the master user the API connects as: rds_superuser /
    cloudsqlsuperuser). Until the server has restarted with pgaudit preloaded
    this fails; that must not take the API down, so it is logged and tried
    again at the next cold start.
    """
    if database.dialect.name != "postgresql":
        return

    def work(session: Session) -> None:
        """Look the extension up first: CREATE EXTENSION, even a no-op, is DDL pgAudit records."""
        if not session.rows(_PGAUDIT_INSTALLED):
            session.execute("CREATE EXTENSION IF NOT EXISTS pgaudit")

    try:
        database.transaction(work, log_failure=False)
    except Exception as exc:
        # The server's code and text tell "not preloaded yet" (reboot the
        # instance) from "permission denied"; neither carries request data.
        error = exc.__cause__ if isinstance(exc.__cause__, Exception) else exc
        log.warning(
            "pgaudit extension not created",
            extra={"fields": {"error": type(error).__name__, **_server_error(error)}},
        )


_PGAUDIT_INSTALLED = "SELECT 1 FROM pg_extension WHERE extname = 'pgaudit'"


def _server_error(error: BaseException) -> dict[str, str]:
    """SQLSTATE and message of a PostgreSQL error (pg8000 gives the server's fields as a dict)."""
    detail = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    sqlstate, message = detail.get("C"), detail.get("M")
    return {k: str(v) for k, v in (("sqlstate", sqlstate), ("reason", message)) if v}


def _channel(row: tuple[Any, ...], database: Database) -> Channel:
    """A Channel from a row of SELECT, with its timestamps as aware UTC datetimes."""
    channel_id, name, url, count, created_at, updated_at = row
    read = database.dialect.timestamp_value
    return Channel(channel_id, name, url, int(count), read(created_at), read(updated_at))
