"""The database layer leaves the pool clean after any error, on SQLite and on PostgreSQL."""

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from crosscloud_api import Services, Settings, create_app
from crosscloud_api.channels import ChannelFields, ChannelRepository
from crosscloud_api.database import (
    POSTGRESQL,
    SQLITE,
    Database,
    Failure,
    Session,
    open_database,
)
from crosscloud_api.exceptions import BackendUnavailableError, ConflictError, SettingsError
from crosscloud_api.settings import CloudSqlDatabase, UrlDatabase
from crosscloud_api.storage.s3 import S3Store
from flask.testing import FlaskClient
from pg8000 import exceptions as pg

from tooling.local_cloud.database import PostgresServer

FIELDS = ChannelFields(name="Space", url="https://example.com", subscriber_count=7)
INSERT = "INSERT INTO channels (id, name, url, subscriber_count, created_at, updated_at) "
INSERT += "VALUES (?, 'n', 'https://u', 1, ?, ?)"


class Counting:
    """Wraps a database's connect function, counting the connections it opens."""

    def __init__(self, database: Database) -> None:
        """Take over ``database``'s connect function."""
        self.opened = 0
        self._connect = database._connect
        database._connect = self

    def __call__(self) -> Any:
        """Open one more connection."""
        self.opened += 1
        return self._connect()


@pytest.fixture
def repo(each_database: Database) -> ChannelRepository:
    """A repository on ``each_database``, its table created."""
    repository = ChannelRepository(lambda: each_database)
    repository.check()
    return repository


def _count(session: Session) -> int:
    """How many channels there are."""
    return int(session.rows("SELECT COUNT(*) FROM channels")[0][0])


def _stamp(database: Database) -> Any:
    """A timestamp parameter in the database's own form."""
    from datetime import UTC, datetime

    return database.dialect.timestamp_param(datetime(2026, 1, 1, tzinfo=UTC))


def test_a_rejected_statement_rolls_back_and_the_next_request_succeeds(
    each_database: Database, repo: ChannelRepository
) -> None:
    """The server rejects the second statement: the first is undone, the driver's error is
    raised (a 500), and the same connection serves the next, unrelated request."""
    counting = Counting(each_database)
    stamp = _stamp(each_database)

    def work(session: Session) -> None:
        """Insert a row, then run a statement the server rejects."""
        session.execute(INSERT, ["written-first", stamp, stamp])
        session.rows("SELECT no_such_column FROM channels")

    with pytest.raises((sqlite3.Error, pg.DatabaseError)):
        each_database.transaction(work)
    assert each_database.transaction(_count) == 0
    assert repo.list(10, None) == ([], None)
    assert counting.opened == 0  # the connection opened by repo.check() was kept and reused


@pytest.mark.parametrize("name", ["lone surrogate \ud800", "nul \x00 byte"])
def test_text_the_database_cannot_store_fails_that_request_only(
    each_database: Database, repo: ChannelRepository, name: str
) -> None:
    """Text the driver cannot encode (a lone surrogate) or the server cannot store (NUL, on
    PostgreSQL) fails its own request; the next request on the instance succeeds."""
    # A 500 for this request; SQLite stores the NUL, which is fine too.
    with contextlib.suppress(UnicodeError, pg.DatabaseError):
        repo.create("bad", ChannelFields(name, "https://example.com", 1))
    repo.create("good", FIELDS)
    assert "good" in [c.id for c in repo.list(10, None)[0]]


def test_integrity_error_is_a_conflict_and_keeps_the_connection(
    each_database: Database, repo: ChannelRepository
) -> None:
    """A duplicate key is ConflictError; the transaction is rolled back, the connection kept."""
    counting = Counting(each_database)
    stamp = _stamp(each_database)

    def twice(session: Session) -> None:
        """Insert one id twice in one transaction."""
        session.execute(INSERT, ["dup", stamp, stamp])
        session.execute(INSERT, ["dup", stamp, stamp])

    with pytest.raises(ConflictError):
        each_database.transaction(twice)
    assert each_database.transaction(_count) == 0
    assert counting.opened == 0


# --- PostgreSQL through the app: the scenarios -----------------------------------


@pytest.fixture
def pg_database(postgres_server: PostgresServer, postgres_database: str) -> Iterator[Database]:
    """The channels database on the test server, through the pg8000 code path of the clouds."""
    opened = open_database(UrlDatabase(postgres_server.url(postgres_database)))
    yield opened
    opened.close()


@pytest.fixture
def pg_client(settings: Settings, s3_store: S3Store, pg_database: Database) -> FlaskClient:
    """The API on moto S3 and the PostgreSQL database."""
    services = Services(s3_store, ChannelRepository(lambda: pg_database))
    return create_app(settings, services).test_client()


def _owner_sql(server: PostgresServer, database: str, statement: str) -> None:
    """Run ``statement`` in ``database`` as its owner, the application role."""
    import pg8000.native

    connection = pg8000.native.Connection(
        server.user, password=server.password, host=server.host, port=server.port, database=database
    )
    try:
        connection.run(statement)
    finally:
        connection.close()


@pytest.mark.postgres
def test_after_a_statement_postgresql_rejects_the_next_request_succeeds(
    pg_client: FlaskClient,
    postgres_server: PostgresServer,
    postgres_database: str,
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    """PostgreSQL rejects an insert (a trigger raising invalid_parameter_value, standing in for
    any input the server refuses): a JSON 500, logged with the SQLSTATE; then unrelated
    requests on the same app succeed."""
    assert pg_client.get("/channels").status_code == 200  # creates the table
    _owner_sql(
        postgres_server,
        postgres_database,
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.name = 'refused' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '22023'; "
        "END IF; RETURN NEW; END $$; "
        "CREATE TRIGGER refuse BEFORE INSERT ON channels FOR EACH ROW EXECUTE FUNCTION refuse();",
    )
    log_lines()
    refused = pg_client.post("/channels", json={"id": "r", "name": "refused", "url": "https://r"})
    assert refused.status_code == 500
    assert refused.json == {"error": "internal_error", "message": "internal server error"}
    failed = [line for line in log_lines() if line["message"] == "database statement failed"]
    assert [(f["sqlstate"], f["failure"]) for f in failed] == [("22023", "rejected")]
    assert pg_client.get("/channels").status_code == 200
    created = pg_client.post("/channels", json={"id": "ok", "name": "Ok", "url": "https://ok"})
    assert created.status_code == 201
    assert [c["id"] for c in pg_client.get("/channels").json["items"]] == ["ok"]  # type: ignore[index]


@pytest.mark.postgres
def test_a_terminated_backend_is_replaced_without_failing_the_request(
    pg_client: FlaskClient,
    pg_database: Database,
    postgres_server: PostgresServer,
    postgres_database: str,
) -> None:
    """pg_terminate_backend between requests: the dead pooled connection is found on the next
    request's first statement, discarded, and the request runs on a new connection."""
    assert (
        pg_client.post("/channels", json={"id": "a", "name": "A", "url": "https://a"}).status_code
        == 201
    )
    counting = Counting(pg_database)
    _terminate_backends(postgres_server, postgres_database)
    response = pg_client.get("/channels/a")
    assert response.status_code == 200
    assert counting.opened == 1


@pytest.mark.postgres
def test_server_down_is_503_then_requests_succeed_when_it_is_back(
    pg_client: FlaskClient, postgres_server: PostgresServer
) -> None:
    """While PostgreSQL is stopped: 503 with Retry-After and no detail; after it restarts the
    same app serves again (nothing is restarted but the server)."""
    assert (
        pg_client.post("/channels", json={"id": "a", "name": "A", "url": "https://a"}).status_code
        == 201
    )
    _pg_ctl(postgres_server, "stop", "-m", "fast")
    try:
        down = pg_client.get("/channels")
        assert down.status_code == 503
        assert down.headers["Retry-After"] == "5"
        assert down.json == {
            "error": "backend_unavailable",
            "message": "the database is unavailable, retry later",
        }
    finally:
        _pg_ctl(postgres_server, "start")
    assert pg_client.get("/channels/a").status_code == 200


def _terminate_backends(server: PostgresServer, database: str) -> None:
    """End every session of the application role in ``database``, as a failover would."""
    server.run_sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608 - fixture names
        f"WHERE datname = '{database}' AND usename = '{server.user}'"
    )


def _pg_ctl(server: PostgresServer, action: str, *options: str) -> None:
    """Stop or start the test cluster in place (same data, port and socket directory)."""
    import subprocess

    from tooling.local_cloud.config import HOST

    data = server.socket_dir / "data"
    listen = f"-c listen_addresses={HOST} -p {server.port} -k {server.socket_dir} -c fsync=off"
    extra = ("-o", listen, "-l", str(server.socket_dir / "log")) if action == "start" else ()
    subprocess.run(
        [*server.run_as, str(server.bin_dir / "pg_ctl"), "-D", str(data), *extra, *options,
         "-w", "-t", "30", action],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


# --- The transaction rules, on scripted connections ----------------------------------------


class _ScriptedConnection:
    """A DB-API connection whose statements (or commit, or rollback) raise what it is told."""

    def __init__(self, **errors: BaseException) -> None:
        """``execute``, ``commit`` and ``rollback`` errors, by name."""
        self.errors = errors
        self.closed = False
        self.rolled_back = 0

    def cursor(self) -> "_ScriptedConnection":
        """Itself: the cursor methods are on the same object."""
        return self

    rowcount = 1

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        """Fail if told to."""
        if "execute" in self.errors:
            raise self.errors["execute"]

    def fetchall(self) -> list[tuple[Any, ...]]:
        """One row."""
        return [(1,)]

    def commit(self) -> None:
        """Fail if told to."""
        if "commit" in self.errors:
            raise self.errors["commit"]

    def rollback(self) -> None:
        """Count; fail if told to."""
        self.rolled_back += 1
        if "rollback" in self.errors:
            raise self.errors["rollback"]

    def close(self) -> None:
        """Remember."""
        self.closed = True


def _pool(*connections: _ScriptedConnection) -> tuple[Database, list[_ScriptedConnection]]:
    """A PostgreSQL-dialect database handing out ``connections`` in order; and those handed out."""
    queue, handed = list(connections), []

    def connect() -> _ScriptedConnection:
        """The next scripted connection."""
        handed.append(queue.pop(0))
        return handed[-1]

    return Database(POSTGRESQL, connect), handed


def _select(session: Session) -> list[tuple[Any, ...]]:
    """One query."""
    return session.rows("SELECT 1")


def _dead() -> pg.InterfaceError:
    """What pg8000 raises on a closed socket."""
    error = pg.InterfaceError("network error")
    error.__cause__ = ConnectionResetError()
    return error


def _with_stale_idle_connection(stale: _ScriptedConnection) -> tuple[Database, list[Any]]:
    """A pool whose idle connection is ``stale``, followed by a healthy one."""
    database, handed = _pool(_ScriptedConnection(), _ScriptedConnection())
    database.transaction(_select)
    handed[0].errors = stale.errors
    return database, handed


def test_a_dead_pooled_connection_is_retried_once_on_a_new_one() -> None:
    """The first statement on a reused connection finds it dead: closed, and the work runs
    again on a fresh connection, which is then kept."""
    database, handed = _with_stale_idle_connection(_ScriptedConnection(execute=_dead()))
    assert database.transaction(_select) == [(1,)]
    assert len(handed) == 2
    assert handed[0].closed
    assert not handed[1].closed


def test_a_fresh_connection_that_dies_is_a_503_without_retry() -> None:
    """A new connection failing is not a stale pool: 503, nothing retried."""
    database, handed = _pool(_ScriptedConnection(execute=_dead()), _ScriptedConnection())
    with pytest.raises(BackendUnavailableError):
        database.transaction(_select)
    assert len(handed) == 1
    assert handed[0].closed


def test_a_commit_that_loses_the_connection_is_not_retried() -> None:
    """The commit may have happened: the client is told 503 and decides, nothing runs twice."""
    database, handed = _with_stale_idle_connection(_ScriptedConnection(commit=_dead()))
    with pytest.raises(BackendUnavailableError):
        database.transaction(_select)
    assert len(handed) == 1


def test_a_timed_out_statement_is_not_retried() -> None:
    """A timeout already cost its seconds; retrying would double the wait."""
    timed_out = pg.InterfaceError("network error")
    timed_out.__cause__ = TimeoutError()
    database, handed = _with_stale_idle_connection(_ScriptedConnection(execute=timed_out))
    with pytest.raises(BackendUnavailableError):
        database.transaction(_select)
    assert len(handed) == 1


def test_a_failed_rollback_discards_the_connection() -> None:
    """The statement was rejected, but the rollback fails too: the connection is closed."""
    rejected = pg.DatabaseError({"C": "22P02", "M": "invalid input"})
    database, handed = _pool(
        _ScriptedConnection(execute=rejected, rollback=_dead()), _ScriptedConnection()
    )
    with pytest.raises(pg.DatabaseError):
        database.transaction(_select)
    assert handed[0].closed
    assert database.transaction(_select) == [(1,)]
    assert len(handed) == 2


def test_an_error_from_inside_the_driver_discards_the_connection() -> None:
    """Not a server error (an encoding failure half-way through a message): the protocol
    state is unknown, so the connection is closed, never rolled back and reused."""
    database, handed = _pool(
        _ScriptedConnection(execute=UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogate")),
        _ScriptedConnection(),
    )
    with pytest.raises(UnicodeEncodeError):
        database.transaction(_select)
    assert handed[0].closed
    assert handed[0].rolled_back == 0


def test_the_pool_keeps_at_most_two_idle_connections() -> None:
    """Connections beyond two are closed when returned, bounding the server's count."""
    database, handed = _pool(*(_ScriptedConnection() for _ in range(3)))
    first = [database._checkout()[0] for _ in range(3)]
    for connection in first:
        database._checkin(connection)
    assert [c.closed for c in handed] == [False, False, True]


@pytest.mark.parametrize(
    ("sqlstate", "failure"),
    [
        ("23505", Failure.CONFLICT),  # unique_violation
        ("23514", Failure.CONFLICT),  # check_violation
        ("22021", Failure.REJECTED),  # character_not_in_repertoire (NUL in text)
        ("22003", Failure.REJECTED),  # numeric_value_out_of_range
        ("42703", Failure.REJECTED),  # undefined_column
        ("57P01", Failure.DISCONNECTED),  # admin_shutdown (pg_terminate_backend)
        ("08006", Failure.DISCONNECTED),  # connection_failure
        ("53300", Failure.UNAVAILABLE),  # too_many_connections
        ("57P03", Failure.UNAVAILABLE),  # cannot_connect_now (starting up)
        ("40001", Failure.UNAVAILABLE),  # serialization_failure
        ("57014", Failure.UNAVAILABLE),  # query_canceled (statement timeout)
    ],
)
def test_postgresql_errors_are_classified_by_sqlstate(sqlstate: str, failure: Failure) -> None:
    """The server's SQLSTATE decides what an error means."""
    assert POSTGRESQL.classify(pg.DatabaseError({"C": sqlstate, "M": "m"})) is failure


def test_postgresql_driver_errors_are_classified() -> None:
    """A closed socket is a lost connection; anything outside the driver is unknown."""
    assert POSTGRESQL.classify(_dead()) is Failure.DISCONNECTED
    assert POSTGRESQL.classify(ConnectionResetError()) is Failure.DISCONNECTED
    assert POSTGRESQL.classify(ValueError()) is Failure.UNKNOWN


def test_sqlite_errors_are_classified_by_result_code(tmp_path: Path) -> None:
    """sqlite3 raises a syntax error and a locked file alike; the result code tells them apart."""
    connection = sqlite3.connect(tmp_path / "x.db", timeout=0)
    other = sqlite3.connect(tmp_path / "x.db", timeout=0)
    try:
        with pytest.raises(sqlite3.Error) as syntax:
            connection.execute("SELEC 1")
        assert SQLITE.classify(syntax.value) is Failure.REJECTED
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(sqlite3.Error) as locked:
            connection.execute("CREATE TABLE t (x)")
        assert SQLITE.classify(locked.value) is Failure.UNAVAILABLE
        assert SQLITE.classify(sqlite3.IntegrityError()) is Failure.CONFLICT
    finally:
        other.close()
        connection.close()


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u:p@h/db",
        "postgresql://u:p@h:notaport/db",
        "postgresql://h/db",
        "postgresql://u:p@h:5432/",
        "sqlite://host/x.db",
    ],
)
def test_invalid_database_urls_name_the_variable(url: str) -> None:
    """A URL the layer cannot use is a SettingsError naming DATABASE_URL."""
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        open_database(UrlDatabase(url))


def test_sqlite_memory_url_is_one_database_for_the_whole_pool() -> None:
    """``sqlite://`` is an in-memory database that every pooled connection shares."""
    database = open_database(UrlDatabase("sqlite://"))
    keep = database._checkout()[0]  # holds the shared memory database open
    try:
        database.transaction(lambda s: s.execute("CREATE TABLE t (x)"))
        database.transaction(lambda s: s.execute("INSERT INTO t VALUES (1)"))
        assert database.transaction(lambda s: s.rows("SELECT x FROM t")) == [(1,)]
    finally:
        keep.close()
        database.close()


# --- Cloud SQL: the connector's pg8000 connection ------------------------------------------


@pytest.mark.postgres
def test_cloud_sql_connects_through_the_connector_with_the_secret_password(
    postgres_server: PostgresServer, postgres_database: str
) -> None:
    """The connector is built once from the config and asked for pg8000 connections to the
    instance, with the password read once from Secret Manager; channels work over them."""
    import pg8000.dbapi

    calls: list[tuple[str, str, dict[str, Any]]] = []
    secret_reads: list[str] = []

    class Connector:
        """Stands in for google.cloud.sql.connector.Connector, connecting to the test server."""

        def connect(self, instance: str, driver: str, **kwargs: Any) -> Any:
            """Record the call; open a real pg8000 connection."""
            calls.append((instance, driver, kwargs))
            return pg8000.dbapi.connect(
                user=kwargs["user"],
                password=kwargs["password"],
                host=postgres_server.host,
                port=postgres_server.port,
                database=kwargs["db"],
            )

    class SecretManager:
        """Secret Manager returning the test role's password."""

        def access_secret_version(self, name: str, timeout: float) -> Any:
            """The secret's payload."""
            secret_reads.append(name)
            payload = type("Payload", (), {"data": postgres_server.password.encode()})()
            return type("Response", (), {"payload": payload})()

    connectors: list[CloudSqlDatabase] = []

    def connector(config: CloudSqlDatabase) -> Connector:
        """Build the stand-in, remembering the config it was built from."""
        connectors.append(config)
        return Connector()

    secret = "projects/p/secrets/db-password/versions/3"
    config = CloudSqlDatabase(
        instance="p:europe-west1:db",
        name=postgres_database,
        user=postgres_server.user,
        password=None,
        password_secret=secret,
    )
    database = open_database(config, secrets_client=SecretManager, connector=connector)
    try:
        repo = ChannelRepository(lambda: database)
        repo.create("gcp", FIELDS)
        database.close()  # the next request opens a new connection
        assert repo.get("gcp").name == "Space"
    finally:
        database.close()
    assert connectors == [config]
    assert secret_reads == [secret]
    assert len(calls) == 2
    assert {(instance, driver) for instance, driver, _ in calls} == {
        ("p:europe-west1:db", "pg8000")
    }
    assert calls[0][2] == {
        "user": postgres_server.user,
        "db": postgres_database,
        "timeout": 5,
        "password": postgres_server.password,
    }
