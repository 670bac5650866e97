"""The channels repository against SQLite and a real PostgreSQL server."""

import json
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import crosscloud_api.channels as channels_module
import pytest
import sqlalchemy as sa
from crosscloud_api.channels import ChannelFields, ChannelRepository
from crosscloud_api.database import build_engine
from crosscloud_api.exceptions import BackendUnavailableError, ConflictError, NotFoundError
from crosscloud_api.settings import RdsDatabase
from sqlalchemy import exc as sa_exc

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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL on SQLite, then on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'repo.db'}"
    server = request.getfixturevalue("postgres_server")
    return server.url(request.getfixturevalue("postgres_database"))


@pytest.fixture
def repo(engine_url: str) -> Iterator[ChannelRepository]:
    """A repository with a stepping clock; its engine is disposed afterwards."""
    engine = sa.create_engine(engine_url, pool_pre_ping=True)
    yield ChannelRepository(lambda: engine, clock=StepClock())
    engine.dispose()


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
    repo.delete("space")
    with pytest.raises(NotFoundError):
        repo.get("space")


def test_duplicate_id_conflicts(repo: ChannelRepository) -> None:
    """The primary key decides: the second insert is a ConflictError."""
    repo.create("space", FIELDS)
    with pytest.raises(ConflictError):
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


def test_schema_creation_is_idempotent(engine_url: str) -> None:
    """Two repositories (two cold starts) on one database both work."""
    engine = sa.create_engine(engine_url)
    try:
        ChannelRepository(lambda: engine).create("one", FIELDS)
        assert ChannelRepository(lambda: engine).get("one").name == "Space"
    finally:
        engine.dispose()


def test_unreachable_database_is_backend_unavailable() -> None:
    """A refused connection becomes BackendUnavailableError, and a later call retries."""
    calls: list[int] = []

    def engine() -> sa.Engine:
        """Count engine creations (only one is expected)."""
        calls.append(1)
        return sa.create_engine("postgresql+pg8000://app:pw@127.0.0.1:1/none")

    repo = ChannelRepository(engine)
    for _ in range(2):
        with pytest.raises(BackendUnavailableError) as caught:
            repo.check()
        assert caught.value.backend == "database"
    assert len(calls) == 1


@pytest.mark.postgres
def test_rds_engine_reads_the_managed_secret_once(
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
    engine = build_engine(config, secrets_client=CountingClient)
    try:
        repo = ChannelRepository(lambda: engine)
        repo.create("rds", FIELDS)
        engine.dispose()  # force new connections
        assert repo.get("rds").name == "Space"
    finally:
        engine.dispose()
    assert reads == [arn]


@pytest.mark.postgres
def test_rds_engine_rereads_a_rotated_secret(
    postgres_server: Any, postgres_database: str, aws_client: Callable[..., Any]
) -> None:
    """After a rotation the cached password fails once; the secret is read again."""
    secrets = aws_client("secretsmanager")
    stale = {"username": postgres_server.user, "password": "rotated-away"}
    arn = secrets.create_secret(Name=f"rot-{postgres_database}", SecretString=json.dumps(stale))[
        "ARN"
    ]
    engine = build_engine(
        RdsDatabase(arn, postgres_server.host, postgres_database, postgres_server.port, "disable"),
        secrets_client=lambda: secrets,
    )
    try:
        with pytest.raises(sa_exc.DatabaseError):
            engine.connect().close()
        current = {"username": postgres_server.user, "password": postgres_server.password}
        secrets.put_secret_value(SecretId=arn, SecretString=json.dumps(current))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


class _Connection:
    """Records statements; raises ``error`` on execute when given one."""

    def __init__(self, error: Exception | None) -> None:
        """Nothing executed yet."""
        self.statements: list[str] = []
        self.error = error

    def execute(self, statement: Any) -> Any:
        """Record the SQL text, or fail as the server would; a lookup finds nothing."""
        if self.error is not None:
            raise self.error
        self.statements.append(str(statement))
        return type("Result", (), {"first": staticmethod(lambda: None)})()


class _Engine:
    """Just enough of an Engine: a dialect name and ``begin()``."""

    def __init__(self, dialect: str, error: Exception | None = None) -> None:
        """An engine of ``dialect`` whose one connection behaves as given."""
        self.dialect = type("Dialect", (), {"name": dialect})()
        self.connection = _Connection(error)
        self.begun = 0

    @contextmanager
    def begin(self) -> Generator[_Connection]:
        """A transaction: the one connection, counted."""
        self.begun += 1
        yield self.connection


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
    engine = _Engine("postgresql")
    channels_module.create_audit_extension(engine)  # type: ignore[arg-type]
    assert engine.connection.statements == [
        "SELECT 1 FROM pg_extension WHERE extname = 'pgaudit'",
        "CREATE EXTENSION IF NOT EXISTS pgaudit",
    ]


def test_pgaudit_extension_is_not_tried_elsewhere() -> None:
    """SQLite (tests, make local) has no pgAudit: nothing is executed."""
    engine = _Engine("sqlite")
    channels_module.create_audit_extension(engine)  # type: ignore[arg-type]
    assert engine.begun == 0


def test_pgaudit_extension_failure_is_logged_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the server restarts with pgaudit preloaded the statement fails: a warning naming
    the error class, and the API keeps serving."""
    warnings = _Warnings()
    monkeypatch.setattr(channels_module, "log", warnings)
    # pg8000's shape: the server's fields as a dict (C: SQLSTATE, M: message).
    server = Exception({"S": "ERROR", "C": "58P01", "M": "could not open extension control file"})
    failure = sa_exc.ProgrammingError("CREATE EXTENSION", {}, server)
    channels_module.create_audit_extension(_Engine("postgresql", failure))  # type: ignore[arg-type]
    assert warnings.records == [
        (
            "pgaudit extension not created",
            {
                "fields": {
                    "error": "Exception",
                    "sqlstate": "58P01",
                    "reason": "could not open extension control file",
                }
            },
        )
    ]
