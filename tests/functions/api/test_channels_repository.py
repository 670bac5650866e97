"""The channels repository against SQLite and a real PostgreSQL server."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import crosscloud_api.channels as channels_module
import pytest
from crosscloud_api.channels import ChannelFields, ChannelRepository
from crosscloud_api.database import POSTGRESQL, SQLITE, Database, open_database
from crosscloud_api.exceptions import BackendUnavailableError, ConflictError, NotFoundError
from crosscloud_api.settings import RdsDatabase, UrlDatabase

FIELDS = ChannelFields(name="Space", url="https://example.com", subscriber_count=7)


class StepClock:
    """A clock that advances one second per call, so timestamps are predictable."""

    def __init__(self) -> None:
        """Start at a fixed instant."""
        self.now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        """The next instant."""
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def repo(each_database: Database) -> ChannelRepository:
    """A repository with a stepping clock."""
    return ChannelRepository(lambda: each_database, clock=StepClock())


def test_create_get_replace_delete(repo: ChannelRepository) -> None:
    """The full life of a channel, with timestamps resolved to UTC."""
    created = repo.create("space", FIELDS)
    assert repo.get("space") == created
    assert created.created_at == datetime(2026, 11, 21, 12, 0, 1, tzinfo=UTC)
    replaced = repo.replace("space", ChannelFields("Space 2", "https://x.io", 9))
    assert (replaced.name, replaced.url, replaced.subscriber_count) == (
        "Space 2",
        "https://x.io",
        9,
    )
    assert replaced.created_at == created.created_at
    assert replaced.updated_at == datetime(2026, 11, 21, 12, 0, 2, tzinfo=UTC)
    assert repo.get("space") == replaced
    repo.delete("space")
    with pytest.raises(NotFoundError):
        repo.get("space")


def test_duplicate_id_conflicts(repo: ChannelRepository) -> None:
    """The primary key decides: the second insert is a ConflictError naming the channel."""
    repo.create("space", FIELDS)
    with pytest.raises(ConflictError, match="channel 'space' already exists"):
        repo.create("space", FIELDS)
    items, _ = repo.list(10, None)
    assert [c.id for c in items] == ["space"]


def test_keyset_pages(repo: ChannelRepository) -> None:
    """Pages are ordered by id; the last id of a full page starts the next."""
    for channel_id in ["b", "d", "a", "c", "e"]:
        repo.create(channel_id, FIELDS)
    page, after = repo.list(2, None)
    assert ([c.id for c in page], after) == (["a", "b"], "b")
    page, after = repo.list(2, after)
    assert ([c.id for c in page], after) == (["c", "d"], "d")
    page, after = repo.list(2, after)
    assert ([c.id for c in page], after) == (["e"], None)


def test_missing_rows_are_not_found(repo: ChannelRepository) -> None:
    """Replace and delete of an unknown id raise NotFoundError."""
    with pytest.raises(NotFoundError):
        repo.replace("ghost", FIELDS)
    with pytest.raises(NotFoundError):
        repo.delete("ghost")


def test_large_counts_and_long_text_round_trip(repo: ChannelRepository) -> None:
    """The column limits hold exactly: 64-char ids, 200-char names, 2048-char URLs, 2**53."""
    fields = ChannelFields("n" * 200, "https://" + "u" * 2040, 2**53)
    created = repo.create("i" * 64, fields)
    assert repo.get("i" * 64) == created
    assert created.subscriber_count == 2**53


def test_schema_creation_is_idempotent(each_database_url: str) -> None:
    """Two repositories (two cold starts) on one database both work."""
    first, second = (open_database(UrlDatabase(each_database_url)) for _ in range(2))
    try:
        ChannelRepository(lambda: first).create("one", FIELDS)
        assert ChannelRepository(lambda: second).get("one").name == "Space"
    finally:
        first.close()
        second.close()


def test_unreachable_database_is_backend_unavailable() -> None:
    """A refused connection becomes BackendUnavailableError, and a later call retries."""
    calls: list[int] = []

    def database() -> Database:
        """Count database creations (only one is expected)."""
        calls.append(1)
        return open_database(UrlDatabase("postgresql://app:pw@127.0.0.1:1/none"))

    repo = ChannelRepository(database)
    for _ in range(2):
        with pytest.raises(BackendUnavailableError) as caught:
            repo.check()
        assert caught.value.backend == "database"
    assert len(calls) == 1


@pytest.mark.postgres
def test_rds_database_reads_the_managed_secret_once(
    postgres_server: Any,
    postgres_database: str,
    aws_client: Callable[..., Any],
) -> None:
    """Credentials come from the Secrets Manager secret, read once for many connections."""
    secrets = aws_client("secretsmanager")
    document = {"username": postgres_server.user, "password": postgres_server.password}
    arn = secrets.create_secret(Name=f"rds!{postgres_database}", SecretString=json.dumps(document))[
        "ARN"
    ]
    reads: list[str] = []

    class CountingClient:
        """Secrets Manager, counting reads."""

        def get_secret_value(self, SecretId: str) -> dict[str, Any]:  # noqa: N803 - boto3's name
            """Delegate to moto."""
            reads.append(SecretId)
            return secrets.get_secret_value(SecretId=SecretId)

    config = RdsDatabase(
        secret_arn=arn,
        host=postgres_server.host,
        name=postgres_database,
        port=postgres_server.port,
        ssl_mode="disable",
    )
    database = open_database(config, secrets_client=CountingClient)
    try:
        repo = ChannelRepository(lambda: database)
        repo.create("rds", FIELDS)
        database.close()  # force new connections
        assert repo.get("rds").name == "Space"
    finally:
        database.close()
    assert reads == [arn]


@pytest.mark.postgres
def test_rds_database_rereads_a_rotated_secret(
    postgres_server: Any, postgres_database: str, aws_client: Callable[..., Any]
) -> None:
    """After a rotation the cached password fails once; the secret is read again."""
    secrets = aws_client("secretsmanager")
    stale = {"username": postgres_server.user, "password": "rotated-away"}
    arn = secrets.create_secret(Name=f"rot-{postgres_database}", SecretString=json.dumps(stale))[
        "ARN"
    ]
    database = open_database(
        RdsDatabase(arn, postgres_server.host, postgres_database, postgres_server.port, "disable"),
        secrets_client=lambda: secrets,
    )
    select_one = "SELECT 1"
    try:
        with pytest.raises(BackendUnavailableError):
            database.transaction(lambda session: session.rows(select_one))
        current = {"username": postgres_server.user, "password": postgres_server.password}
        secrets.put_secret_value(SecretId=arn, SecretString=json.dumps(current))
        assert database.transaction(lambda session: session.rows(select_one)) == [(1,)]
    finally:
        database.close()


class _Cursor:
    """A DB-API cursor that records statements and finds nothing."""

    def __init__(self, statements: list[str]) -> None:
        """Record into ``statements``."""
        self.statements = statements
        self.rowcount = 0

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        """Record the SQL text."""
        self.statements.append(statement)

    def fetchall(self) -> list[tuple[Any, ...]]:
        """No rows: the extension is not installed yet."""
        return []


class _Connection:
    """A DB-API connection whose cursors record into one list."""

    def __init__(self) -> None:
        """Nothing executed yet."""
        self.statements: list[str] = []

    def cursor(self) -> _Cursor:
        """A recording cursor."""
        return _Cursor(self.statements)

    def commit(self) -> None:
        """Nothing to commit."""

    def rollback(self) -> None:
        """Nothing to roll back."""

    def close(self) -> None:
        """Nothing to close."""


class _Warnings:
    """A logger stand-in that keeps warning messages and their fields."""

    def __init__(self) -> None:
        """No warnings yet."""
        self.records: list[tuple[str, Any]] = []

    def warning(self, message: str, *, extra: Any = None) -> None:
        """Keep the message and its extra fields."""
        self.records.append((message, extra))


def test_pgaudit_extension_is_created_on_postgresql() -> None:
    """On PostgreSQL the schema setup looks pgaudit up, then creates it when it is missing."""
    connection = _Connection()
    channels_module.create_audit_extension(Database(POSTGRESQL, lambda: connection))
    assert connection.statements == [
        "SELECT 1 FROM pg_extension WHERE extname = 'pgaudit'",
        "CREATE EXTENSION IF NOT EXISTS pgaudit",
    ]


def test_pgaudit_extension_is_not_tried_elsewhere() -> None:
    """SQLite (tests, make local) has no pgAudit: nothing is executed."""
    connection = _Connection()
    channels_module.create_audit_extension(Database(SQLITE, lambda: connection))
    assert connection.statements == []


@pytest.mark.postgres
def test_pgaudit_extension_failure_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, postgres_server: Any, postgres_database: str
) -> None:
    """Before the server restarts with pgaudit preloaded the statement fails: a warning naming
    the error class and the server's code, and the repository keeps serving.

    The test server has no pgaudit at all, which fails the same statement the same way.
    """
    warnings = _Warnings()
    monkeypatch.setattr(channels_module, "log", warnings)
    database = open_database(UrlDatabase(postgres_server.url(postgres_database)))
    try:
        repo = ChannelRepository(lambda: database)
        repo.create("audited", FIELDS)
        assert repo.get("audited").name == "Space"
    finally:
        database.close()
    [(message, extra)] = warnings.records
    assert message == "pgaudit extension not created"
    fields = extra["fields"]
    assert fields["error"] == "DatabaseError"
    assert fields["sqlstate"] == "0A000"  # feature_not_supported: extension not available
    assert "pgaudit" in fields["reason"]
