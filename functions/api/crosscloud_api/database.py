"""Connections to the channels database over plain DB-API: sqlite3 locally, pg8000 in the clouds.

A request's statements run in one transaction on a pooled connection, and
whatever goes wrong, the pool is left clean: the transaction is rolled back, and
a connection that cannot be trusted any more (broken socket, terminated backend,
an error raised half-way through the driver's protocol, a failed rollback) is
closed and replaced on next use. Errors leave this module as the API's own:
integrity violations as ConflictError, an unreachable or overloaded server as
BackendUnavailableError (503), anything else as the driver's exception (a logged
500), after the cleanup.

The repository needs a handful of statements on one table, so neither an ORM nor
SQL compilation earns its 4.4 MiB in the Lambda archive (bench/results.md).
"""

import sqlite3
import ssl
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from crosscloud_logging import get_logger

from crosscloud_api.exceptions import BackendUnavailableError, ConflictError, SettingsError
from crosscloud_api.secrets import Cached, DbCredentials, gcp_secret, rds_credentials
from crosscloud_api.settings import CloudSqlDatabase, DatabaseConfig, RdsDatabase, UrlDatabase

T = TypeVar("T")
CONNECT_TIMEOUT_SECONDS = 5
# Lambda serves one request per instance at a time and Cloud Functions is left at
# its default concurrency of one; the readiness check runs beside a request.
# Two idle connections cover that, and keep the server's connection count
# bounded as instances scale out.
MAX_IDLE_CONNECTIONS = 2
# PostgreSQL's "invalid password" SQLSTATE: the secret was rotated under us.
INVALID_PASSWORD = "28P01"  # noqa: S105 - an error code, not a password
log = get_logger("database")


class Failure(Enum):
    """What a failed statement means for the request and for its connection."""

    CONFLICT = "conflict"  # a constraint said no; the connection is fine
    REJECTED = "rejected"  # the server refused the statement; the connection is fine
    UNAVAILABLE = "unavailable"  # overloaded, shutting down, timed out: retry later
    DISCONNECTED = "disconnected"  # the connection is gone: retry later, reconnect
    UNKNOWN = "unknown"  # not the driver's error: the protocol state is unknown


@dataclass(frozen=True)
class Dialect:
    """What differs between the two databases: placeholders, catalog lookups, errors, times."""

    name: str
    placeholder: str
    # One placeholder: the table name; a row when the table exists.
    table_exists: str
    classify: Callable[[BaseException], Failure]
    timestamp_param: Callable[[datetime], Any]
    timestamp_value: Callable[[Any], datetime]

    def sql(self, statement: str) -> str:
        """``statement`` with its ``?`` placeholders in this driver's style."""
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)


class Session:
    """The statements of one transaction (write them with ``?`` placeholders)."""

    def __init__(self, cursor: Any, dialect: Dialect) -> None:
        """Run on ``cursor``."""
        self._cursor = cursor
        self.dialect = dialect

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        self._cursor.execute(self.dialect.sql(statement), tuple(params))
        return int(self._cursor.rowcount)

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query; its rows."""
        self._cursor.execute(self.dialect.sql(statement), tuple(params))
        return [tuple(row) for row in self._cursor.fetchall()]


class Database:
    """A small pool of DB-API connections that runs each unit of work in a transaction."""

    def __init__(
        self, dialect: Dialect, connect: Callable[[], Any], max_idle: int = MAX_IDLE_CONNECTIONS
    ) -> None:
        """``connect`` opens a new connection; nothing is opened until the first transaction."""
        self.dialect = dialect
        self._connect = connect
        self._max_idle = max_idle
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    def transaction(self, work: Callable[[Session], T], *, log_failure: bool = True) -> T:
        """Run ``work`` in a transaction and commit; on any error roll back and clean up.

        A pooled connection found dead (the server restarted, or ended the backend)
        fails before anything was committed, so the work is run once more on a new
        connection. ``log_failure=False`` is for callers that log a failure themselves.
        """
        for attempt in (1, 2):
            connection, reused = self._checkout()
            committing = False
            try:
                result = work(Session(connection.cursor(), self.dialect))
                committing = True
                connection.commit()
            except BaseException as error:
                failure = self._recover(connection, error, log_failure)
                retry = failure is Failure.DISCONNECTED and reused and not committing
                if retry and attempt == 1 and not _timed_out(error):
                    continue
                mapped = _api_error(failure)
                if mapped is None:
                    raise
                raise mapped from error
            self._checkin(connection)
            return result
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the idle connections (the pool stays usable)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            _close(connection)

    def _checkout(self) -> tuple[Any, bool]:
        """An idle connection (reused=True) or a new one; BackendUnavailableError if none opens."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        try:
            return self._connect(), False
        except Exception as error:
            # Whatever stops a connection (refused, DNS, TLS, credentials, the
            # Cloud SQL connector's API) means "no database" to the client; the log
            # says which. The text may hold hosts or user names, so only its type
            # and the server's code are logged.
            log.warning("database connection failed", extra={"fields": _describe(error)})
            raise BackendUnavailableError("database") from error

    def _checkin(self, connection: Any) -> None:
        """Keep a clean connection for the next request, up to ``max_idle``."""
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append(connection)
                return
        _close(connection)

    def _recover(self, connection: Any, error: BaseException, log_failure: bool) -> Failure:
        """Roll back and keep the connection if it is sound, else close it; the failure's kind."""
        failure = self.dialect.classify(error)
        if failure in (Failure.CONFLICT, Failure.REJECTED, Failure.UNAVAILABLE) and _rolled_back(
            connection
        ):
            self._checkin(connection)
        else:
            _close(connection)
            if failure is Failure.DISCONNECTED:
                # Its siblings went down with the same server; do not hand them out.
                self.close()
        if log_failure and failure is not Failure.CONFLICT:
            # Rejected statements and driver failures are bugs or unvalidated input;
            # a lost or busy server is the platform's weather.
            bug = failure in (Failure.REJECTED, Failure.UNKNOWN)
            level = log.error if bug else log.warning
            level("database statement failed", extra={"fields": _describe(error, failure)})
        return failure


def _api_error(failure: Failure) -> Exception | None:
    """The API exception a failure becomes; None to re-raise the driver's own (a 500)."""
    match failure:
        case Failure.CONFLICT:
            return ConflictError("the row already exists")
        case Failure.UNAVAILABLE | Failure.DISCONNECTED:
            return BackendUnavailableError("database")
        case _:
            return None


def _rolled_back(connection: Any) -> bool:
    """Roll back; False when even that fails (the connection is then unusable)."""
    try:
        connection.rollback()
    except Exception:
        return False
    return True


def _close(connection: Any) -> None:
    """Close a connection that is being thrown away, ignoring its errors."""
    try:
        connection.close()
    except Exception:  # already broken; nothing more to release
        log.debug("closing a discarded connection failed")


def _timed_out(error: BaseException) -> bool:
    """Whether a socket timeout caused ``error`` (retrying would double the wait)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _describe(error: BaseException, failure: Failure | None = None) -> dict[str, str]:
    """Log fields for a database error: its type, the server's SQLSTATE; never its text."""
    fields = {"error_type": type(error).__name__}
    if failure is not None:
        fields["failure"] = failure.value
    code = _sqlstate(error)
    if code:
        fields["sqlstate"] = code
    return fields


def _sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE pg8000 attaches to a server error (its first argument is a dict)."""
    details = error.args[0] if error.args else None
    return details.get("C") if isinstance(details, dict) else None


# --- SQLite (make local, tests) -------------------------------------------------------------


# Primary result codes of a file that cannot serve now (sqlite.org/rescode.html): BUSY,
# LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL. sqlite3 raises most errors,
# a syntax error included, as OperationalError, so the code decides.
_SQLITE_TRY_LATER = frozenset({5, 6, 7, 8, 10, 13, 14, 15})


def _sqlite_classify(error: BaseException) -> Failure:
    """sqlite3's errors: a constraint, a file that cannot serve now, or a rejected statement."""
    if isinstance(error, sqlite3.IntegrityError):
        return Failure.CONFLICT
    if not isinstance(error, sqlite3.Error):
        return Failure.UNKNOWN
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _SQLITE_TRY_LATER:
        return Failure.UNAVAILABLE
    return Failure.REJECTED


def _sqlite_timestamp(value: Any) -> datetime:
    """SQLite keeps the ISO text written below; read back as an aware UTC datetime."""
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


SQLITE = Dialect(
    name="sqlite",
    placeholder="?",
    table_exists="SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    classify=_sqlite_classify,
    timestamp_param=lambda value: value.astimezone(UTC).isoformat(),
    timestamp_value=_sqlite_timestamp,
)


def sqlite_database(path: str) -> Database:
    """A database in the file at ``path``, or in memory for ``:memory:`` (shared by the pool)."""
    if path == ":memory:":
        # Each plain ":memory:" connection would be its own empty database.
        target, uri = f"file:crosscloud-{uuid.uuid4().hex}?mode=memory&cache=shared", True
    else:
        target, uri = path, False

    def connect() -> sqlite3.Connection:
        """Open the file; the pool hands a connection to one thread at a time."""
        return sqlite3.connect(
            target, timeout=CONNECT_TIMEOUT_SECONDS, check_same_thread=False, uri=uri
        )

    return Database(SQLITE, connect)


# --- PostgreSQL through pg8000 (RDS, Cloud SQL, make local) ---------------------------------

# SQLSTATE classes and codes (postgresql.org/docs/current/errcodes-appendix.html).
_CONNECTION_LOST = ("08", "57P01", "57P02")  # connection exception; backend terminated
_TRY_LATER = ("53", "57P03", "57014", "40001", "40P01", "28", "3D000", "58")


def _postgres_classify(error: BaseException) -> Failure:
    """pg8000's errors: server errors carry a SQLSTATE; InterfaceError is a broken connection."""
    from pg8000 import exceptions as pg

    if isinstance(error, pg.InterfaceError | OSError):
        return Failure.DISCONNECTED
    if not isinstance(error, pg.DatabaseError):
        return Failure.UNKNOWN
    code = _sqlstate(error) or ""
    if code.startswith("23"):
        return Failure.CONFLICT
    if code.startswith(_CONNECTION_LOST):
        return Failure.DISCONNECTED
    if code.startswith(_TRY_LATER):
        return Failure.UNAVAILABLE
    return Failure.REJECTED


POSTGRESQL = Dialect(
    name="postgresql",
    placeholder="%s",
    table_exists=(
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = %s"
    ),
    classify=_postgres_classify,
    timestamp_param=lambda value: value,
    timestamp_value=lambda value: value.astimezone(UTC),
)


def open_database(
    config: DatabaseConfig,
    *,
    secrets_client: Callable[[], Any] | None = None,
    connector: Callable[[CloudSqlDatabase], Any] | None = None,
) -> Database:
    """The database for ``config``; no connection is opened until first use."""
    match config:
        case UrlDatabase(url=url):
            return _url_database(url)
        case RdsDatabase():
            return _rds_database(config, secrets_client or _aws_secrets_client)
        case CloudSqlDatabase():
            return _cloud_sql_database(
                config, secrets_client or _gcp_secrets_client, connector or _cloud_sql_connector
            )


def _url_database(url: str) -> Database:
    """``sqlite:///path`` (``sqlite://`` in memory) or ``postgresql[+pg8000]://u:p@host:port/db``."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if parts.netloc or parts.query:
            raise SettingsError("DATABASE_URL must look like sqlite:///path/to/file.db")
        return sqlite_database(unquote(parts.path[1:]) or ":memory:")
    if parts.scheme not in ("postgresql", "postgresql+pg8000", "postgres"):
        raise SettingsError(
            "DATABASE_URL must be sqlite:///file.db or postgresql://user:password@host:port/name"
        )
    try:
        port = parts.port or 5432
    except ValueError as exc:
        raise SettingsError("DATABASE_URL has an invalid port") from exc
    name, host, user = unquote(parts.path.lstrip("/")), parts.hostname, parts.username
    if not host or not user or not name or parts.query:
        raise SettingsError("DATABASE_URL must be postgresql://user:password@host:port/name")
    import pg8000.dbapi

    def connect() -> Any:
        """Open a plain connection (local servers only: no TLS)."""
        return pg8000.dbapi.connect(
            user=unquote(user),
            password=unquote(parts.password) if parts.password else None,
            host=host,
            port=port,
            database=name,
            timeout=CONNECT_TIMEOUT_SECONDS,
        )

    return Database(POSTGRESQL, connect)


def _rds_database(config: RdsDatabase, secrets_client: Callable[[], Any]) -> Database:
    """PostgreSQL via pg8000 with the credentials of the RDS-managed secret."""
    import pg8000.dbapi

    credentials = Cached(lambda: rds_credentials(secrets_client(), config.secret_arn))
    ssl_context = _ssl_context(config.ssl_mode)

    def connect() -> Any:
        """Open a connection; re-read the secret once if RDS rotated the password."""
        for attempt in (1, 2):
            creds: DbCredentials = credentials.get()
            try:
                return pg8000.dbapi.connect(
                    user=creds.username,
                    password=creds.password,
                    host=config.host,
                    port=config.port,
                    database=config.name,
                    ssl_context=ssl_context,
                    timeout=CONNECT_TIMEOUT_SECONDS,
                )
            except pg8000.dbapi.DatabaseError as exc:
                if attempt == 2 or _sqlstate(exc) != INVALID_PASSWORD:
                    raise
                credentials.invalidate()
        raise AssertionError("unreachable")

    return Database(POSTGRESQL, connect)


def _cloud_sql_database(
    config: CloudSqlDatabase,
    secrets_client: Callable[[], Any],
    connector: Callable[[CloudSqlDatabase], Any],
) -> Database:
    """PostgreSQL through the Cloud SQL Python Connector (IAM-authorised TLS, no IP allow-list)."""
    shared = Cached(lambda: connector(config))
    secret_name = config.password_secret or ""
    password = Cached(lambda: config.password or gcp_secret(secrets_client(), secret_name))

    def connect() -> Any:
        """A pg8000 connection through the connector (a token instead of a password for IAM)."""
        credentials = {} if config.iam_auth else {"password": password.get()}
        return shared.get().connect(
            config.instance,
            "pg8000",
            user=config.user,
            db=config.name,
            timeout=CONNECT_TIMEOUT_SECONDS,
            **credentials,
        )

    return Database(POSTGRESQL, connect)


def _cloud_sql_connector(config: CloudSqlDatabase) -> Any:
    """The Cloud SQL Python Connector for ``config``, refreshing its certificate lazily."""
    from google.cloud.sql.connector import Connector

    return Connector(
        ip_type=config.ip_type, enable_iam_auth=config.iam_auth, refresh_strategy="lazy"
    )


def _ssl_context(mode: str) -> ssl.SSLContext | None:
    """TLS for RDS: ``require`` encrypts; ``verify`` also checks the certificate chain."""
    if mode == "disable":
        return None
    context = ssl.create_default_context()
    if mode == "require":
        # The RDS CA bundle is not in the Lambda trust store; "require" matches
        # libpq's sslmode=require: encrypted, server identity unchecked.
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _aws_secrets_client() -> Any:
    """A Secrets Manager client with short timeouts."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 2})
    return boto3.client("secretsmanager", config=config)


def _gcp_secrets_client() -> Any:
    """A Secret Manager client."""
    from google.cloud import secretmanager

    return secretmanager.SecretManagerServiceClient()
