"""Settings of the API, read from the environment once, at the entry point, and validated here."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from crosscloud_api.exceptions import SettingsError

# A synchronous Lambda invocation carries at most 6 MB; base64 inflates a body by
# 4/3, so 4 MiB of file content (5.6 MB encoded) is the most an inline upload can
# hold on both clouds. Larger files go through the upload-link flow.
MAX_INLINE_UPLOAD_BYTES = 4 * 1024 * 1024
# The request as a whole (JSON envelope or multipart framing included).
MAX_REQUEST_BYTES = 6 * 1024 * 1024
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "application/json",
    }
)
SSL_MODES = ("require", "verify", "disable")
IP_TYPES = ("PUBLIC", "PRIVATE", "PSC")


@dataclass(frozen=True)
class UrlDatabase:
    """A database reached through a URL: ``sqlite:///file.db`` or ``postgresql://...`` (local)."""

    url: str


@dataclass(frozen=True)
class RdsDatabase:
    """RDS PostgreSQL whose credentials live in the RDS-managed Secrets Manager secret."""

    secret_arn: str
    host: str
    name: str
    port: int = 5432
    ssl_mode: str = "require"


@dataclass(frozen=True)
class CloudSqlDatabase:
    """Cloud SQL PostgreSQL reached through the Cloud SQL Python Connector."""

    instance: str
    name: str
    user: str
    password: str | None
    password_secret: str | None
    ip_type: str = "PUBLIC"
    # IAM database authentication: the connector logs in with the service
    # account's token, so there is no password at all.
    iam_auth: bool = False


DatabaseConfig = UrlDatabase | RdsDatabase | CloudSqlDatabase


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs to build its real backends."""

    storage_url: str
    database: DatabaseConfig
    max_upload_bytes: int = MAX_INLINE_UPLOAD_BYTES
    max_request_bytes: int = MAX_REQUEST_BYTES
    allowed_content_types: frozenset[str] = field(default=ALLOWED_CONTENT_TYPES)
    log_level: str = "INFO"
    # Where GCS signed URLs point; None means storage.googleapis.com. Set to the
    # emulator's address locally so links work against it.
    signed_url_endpoint: str | None = None
    # The bucket the report function writes to (same cloud as STORAGE_URL); None when
    # this deployment keeps no reports, and the /reports routes answer 404.
    reports_url: str | None = None

    def __post_init__(self) -> None:
        """Reject a storage or reports URL that names neither an S3 nor a GCS bucket,
        and a log level the logging module does not know."""
        if self.log_level not in LOG_LEVELS:
            allowed = ", ".join(LOG_LEVELS)
            raise SettingsError(f"LOG_LEVEL must be one of {allowed}, got {self.log_level!r}")
        scheme = _bucket_scheme("STORAGE_URL", self.storage_url)
        reports = self.reports_url
        if reports is not None and _bucket_scheme("REPORTS_URL", reports) != scheme:
            raise SettingsError(f"REPORTS_URL must be a {scheme}:// bucket like STORAGE_URL")

    @property
    def scheme(self) -> str:
        """``s3`` or ``gs``: the cloud whose storage the API uses."""
        return self.storage_url.partition("://")[0]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        """Read the settings from environment variables, naming any missing one."""
        return cls(
            storage_url=_require(env, "STORAGE_URL"),
            database=database_from_env(env),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            signed_url_endpoint=_emulator_url(env.get("STORAGE_EMULATOR_HOST")),
            reports_url=env.get("REPORTS_URL", "").strip() or None,
        )


def database_from_env(env: Mapping[str, str]) -> DatabaseConfig:
    """Choose the database from DATABASE_URL, DB_SECRET_ARN (RDS) or CLOUD_SQL_INSTANCE."""
    if env.get("DATABASE_URL"):
        return UrlDatabase(env["DATABASE_URL"])
    if env.get("DB_SECRET_ARN"):
        return RdsDatabase(
            secret_arn=env["DB_SECRET_ARN"],
            host=_require(env, "DB_HOST"),
            name=_require(env, "DB_NAME"),
            port=_port(env.get("DB_PORT", "5432")),
            ssl_mode=_choice(env, "DB_SSL_MODE", "require", SSL_MODES),
        )
    if env.get("CLOUD_SQL_INSTANCE"):
        password = env.get("DB_PASSWORD") or None
        password_secret = env.get("DB_PASSWORD_SECRET") or None
        iam_auth = _choice(env, "DB_IAM_AUTH", "false", ("true", "false")) == "true"
        if not iam_auth and password is None and password_secret is None:
            raise SettingsError(
                "set DB_IAM_AUTH=true, DB_PASSWORD or DB_PASSWORD_SECRET with CLOUD_SQL_INSTANCE"
            )
        return CloudSqlDatabase(
            instance=env["CLOUD_SQL_INSTANCE"],
            name=_require(env, "DB_NAME"),
            user=_require(env, "DB_USER"),
            password=password,
            password_secret=password_secret,
            ip_type=_choice(env, "CLOUD_SQL_IP_TYPE", "PUBLIC", IP_TYPES),
            iam_auth=iam_auth,
        )
    raise SettingsError("set one of DATABASE_URL, DB_SECRET_ARN or CLOUD_SQL_INSTANCE")


def _bucket_scheme(key: str, url: str) -> str:
    """The scheme of ``s3://bucket`` or ``gs://bucket``; anything else names ``key``."""
    scheme, _, bucket = url.partition("://")
    if scheme not in ("s3", "gs") or not bucket or "/" in bucket:
        raise SettingsError(f"{key} must look like s3://bucket or gs://bucket, got {url!r}")
    return scheme


def _emulator_url(host: str | None) -> str | None:
    """STORAGE_EMULATOR_HOST as a URL (the library accepts it with or without a scheme)."""
    if not host:
        return None
    return host if host.startswith(("http://", "https://")) else f"http://{host}"


def _require(env: Mapping[str, str], key: str) -> str:
    """Return a required variable or name it in the error."""
    value = env.get(key, "").strip()
    if not value:
        raise SettingsError(f"environment variable {key} is required")
    return value


def _choice(env: Mapping[str, str], key: str, default: str, allowed: tuple[str, ...]) -> str:
    """Return an optional variable restricted to ``allowed``."""
    value = env.get(key, default)
    if value not in allowed:
        raise SettingsError(f"{key} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _port(value: str) -> int:
    """Parse DB_PORT."""
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(f"DB_PORT must be a TCP port number, got {value!r}")
    return int(value)
