"""SQLAlchemy engines for each deployment: a URL, RDS with a managed secret, or Cloud SQL."""

import ssl
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from crosscloud_api.secrets import Cached, DbCredentials, gcp_secret, rds_credentials
from crosscloud_api.settings import CloudSqlDatabase, DatabaseConfig, RdsDatabase, UrlDatabase

CONNECT_TIMEOUT_SECONDS = 5
# A serverless instance serves a handful of concurrent requests; a small pool
# keeps the database's connection count bounded as instances scale out.
POOL_OPTIONS: dict[str, Any] = {"pool_size": 2, "max_overflow": 2, "pool_recycle": 300}
# PostgreSQL's "invalid password" SQLSTATE: the secret was rotated under us.
INVALID_PASSWORD = "28P01"  # noqa: S105 - an error code, not a password


def build_engine(
    config: DatabaseConfig,
    *,
    secrets_client: Callable[[], Any] | None = None,
) -> sa.Engine:
    """Create the engine for ``config``; no connection is opened until first use."""
    match config:
        case UrlDatabase(url=url):
            return sa.create_engine(url, pool_pre_ping=True)
        case RdsDatabase():
            return _rds_engine(config, secrets_client or _aws_secrets_client)
        case CloudSqlDatabase():
            return _cloud_sql_engine(config, secrets_client or _gcp_secrets_client)


def _rds_engine(config: RdsDatabase, secrets_client: Callable[[], Any]) -> sa.Engine:
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

    return sa.create_engine(
        "postgresql+pg8000://", creator=connect, pool_pre_ping=True, **POOL_OPTIONS
    )


def _cloud_sql_engine(config: CloudSqlDatabase, secrets_client: Callable[[], Any]) -> sa.Engine:
    """PostgreSQL through the Cloud SQL Python Connector (IAM-authorised TLS, no IP allow-list)."""
    from google.cloud.sql.connector import Connector

    connector = Cached(
        lambda: Connector(
            ip_type=config.ip_type, enable_iam_auth=config.iam_auth, refresh_strategy="lazy"
        )
    )
    secret_name = config.password_secret or ""
    password = Cached(lambda: config.password or gcp_secret(secrets_client(), secret_name))

    def connect() -> Any:
        """Open a connection through the connector (with a token instead of a password for IAM)."""
        credentials = {} if config.iam_auth else {"password": password.get()}
        return connector.get().connect(
            config.instance,
            "pg8000",
            user=config.user,
            db=config.name,
            timeout=CONNECT_TIMEOUT_SECONDS,
            **credentials,
        )

    return sa.create_engine(
        "postgresql+pg8000://", creator=connect, pool_pre_ping=True, **POOL_OPTIONS
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


def _sqlstate(exc: Exception) -> str | None:
    """The SQLSTATE pg8000 attaches to a server error (its first argument is a dict)."""
    details = exc.args[0] if exc.args else None
    return details.get("C") if isinstance(details, dict) else None


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
