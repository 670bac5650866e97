"""The channels repository: SQLAlchemy Core over any engine (SQLite, PostgreSQL)."""

import threading
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from crosscloud_logging import get_logger
from sqlalchemy import exc as sa_exc

from crosscloud_api.exceptions import (
    BackendUnavailableError,
    ConflictError,
    NotFoundError,
)
from crosscloud_api.storage.model import iso_utc

log = get_logger("channels")

metadata = sa.MetaData()
channels_table = sa.Table(
    "channels",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("subscriber_count", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
# Errors that mean "the database cannot be reached", as opposed to a bug.
_UNREACHABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError, OSError)


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
        engine: Callable[[], sa.Engine],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``engine`` is called once, on first use, so a cold start opens no connection."""
        self._engine_factory = engine
        self._engine: sa.Engine | None = None
        self._schema_ready = False
        self._clock = clock
        self._lock = threading.Lock()

    def list(self, limit: int, after: str | None) -> tuple[list[Channel], str | None]:
        """Up to ``limit`` channels ordered by id, after id ``after``; and the next page's start."""
        query = sa.select(channels_table).order_by(channels_table.c.id).limit(limit + 1)
        if after is not None:
            query = query.where(channels_table.c.id > after)
        with self._connection() as conn:
            rows = [_channel(row) for row in conn.execute(query)]
        has_more = len(rows) > limit
        return rows[:limit], rows[limit - 1].id if has_more else None

    def get(self, channel_id: str) -> Channel:
        """One channel."""
        query = sa.select(channels_table).where(channels_table.c.id == channel_id)
        with self._connection() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(f"channel {channel_id!r} not found")
        return _channel(row)

    def create(self, channel_id: str, fields: ChannelFields) -> Channel:
        """Insert a channel; ConflictError when the id is taken (decided by the primary key)."""
        now = self._clock()
        values = {"id": channel_id, **vars(fields), "created_at": now, "updated_at": now}
        try:
            with self._connection() as conn:
                conn.execute(sa.insert(channels_table).values(**values))
        except sa_exc.IntegrityError as exc:
            raise ConflictError(f"channel {channel_id!r} already exists") from exc
        return Channel(**values)

    def replace(self, channel_id: str, fields: ChannelFields) -> Channel:
        """Overwrite a channel's writable fields."""
        statement = (
            sa.update(channels_table)
            .where(channels_table.c.id == channel_id)
            .values(**vars(fields), updated_at=self._clock())
        )
        with self._connection() as conn:
            if conn.execute(statement).rowcount == 0:
                raise NotFoundError(f"channel {channel_id!r} not found")
        return self.get(channel_id)

    def delete(self, channel_id: str) -> None:
        """Delete a channel."""
        statement = sa.delete(channels_table).where(channels_table.c.id == channel_id)
        with self._connection() as conn:
            if conn.execute(statement).rowcount == 0:
                raise NotFoundError(f"channel {channel_id!r} not found")

    def check(self) -> None:
        """Run ``SELECT 1``."""
        with self._connection() as conn:
            conn.execute(sa.text("SELECT 1"))

    @contextmanager
    def _connection(self) -> Generator[sa.Connection]:
        """A transaction on a pooled connection; connection failures become a 503."""
        try:
            with self._ready_engine().begin() as conn:
                yield conn
        except _UNREACHABLE as exc:
            raise BackendUnavailableError("database") from exc

    def _ready_engine(self) -> sa.Engine:
        """The engine, with the schema created (idempotently) the first time."""
        with self._lock:
            if self._engine is None:
                self._engine = self._engine_factory()
            if not self._schema_ready:
                # Retried on the next request if the database was down at the first.
                metadata.create_all(self._engine, checkfirst=True)
                create_audit_extension(self._engine)
                self._schema_ready = True
            return self._engine


def create_audit_extension(engine: sa.Engine) -> None:
    """Create pgAudit's extension on PostgreSQL, where the server preloads it; else log why not.

    Both clouds preload pgaudit and set pgaudit.log (RDS parameter group, Cloud
    SQL flags), but the extension itself must be created in the database, by a
    role allowed to (the master user the API connects as: rds_superuser /
    cloudsqlsuperuser). Until the server has restarted with pgaudit preloaded
    this fails; that must not take the API down, so it is logged and tried
    again at the next cold start.
    """
    if engine.dialect.name != "postgresql":
        return
    try:
        with engine.begin() as conn:
            # Looked up first: CREATE EXTENSION, even a no-op, is DDL that pgAudit
            # would record at every cold start.
            if conn.execute(_PGAUDIT_INSTALLED).first() is None:
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pgaudit"))
    except sa_exc.DBAPIError as exc:
        # The server's code and text tell "not preloaded yet" (reboot the
        # instance) from "permission denied"; neither carries request data.
        log.warning(
            "pgaudit extension not created",
            extra={"fields": {"error": type(exc.orig).__name__, **_server_error(exc.orig)}},
        )


_PGAUDIT_INSTALLED = sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pgaudit'")


def _server_error(error: BaseException | None) -> dict[str, str]:
    """SQLSTATE and message of a PostgreSQL error (pg8000: a dict argument; psycopg: attributes)."""
    if error is None:
        return {}
    detail = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    sqlstate = getattr(error, "sqlstate", None) or detail.get("C")
    message = detail.get("M") or (str(error) if sqlstate else "")
    return {k: str(v) for k, v in (("sqlstate", sqlstate), ("reason", message)) if v}


def _channel(row: sa.Row[Any]) -> Channel:
    """A Channel from a row; SQLite returns naive datetimes, which are UTC here."""
    values = row._asdict()
    for column in ("created_at", "updated_at"):
        if values[column].tzinfo is None:
            values[column] = values[column].replace(tzinfo=UTC)
    return Channel(**values)
