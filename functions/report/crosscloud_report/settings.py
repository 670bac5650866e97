"""Settings of the report function, read from the environment once, at the entry point."""

from collections.abc import Mapping
from dataclasses import dataclass

from crosscloud_api.settings import DatabaseConfig, database_from_env
from crosscloud_reports.exceptions import ReportSettingsError


@dataclass(frozen=True)
class ReportSettings:
    """Where the figures come from, where the files go and whom to tell."""

    # s3://bucket or gs://bucket: where reports are written.
    reports_url: str
    database: DatabaseConfig
    # AWS: the object index table and the uploads bucket its rows describe.
    index_table: str | None = None
    uploads_bucket: str | None = None
    # GCP: the uploads bucket, listed directly.
    uploads_url: str | None = None
    # An SNS topic ARN (AWS) or projects/<p>/topics/<t> (GCP); None logs the message.
    topic: str | None = None
    link_seconds: int | None = None
    log_level: str = "INFO"
    # GCS signed URLs point here instead of storage.googleapis.com (the local emulator).
    signed_url_endpoint: str | None = None

    @property
    def scheme(self) -> str:
        """``s3`` or ``gs``."""
        return self.reports_url.partition("://")[0]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "ReportSettings":
        """Read and check the variables; the error names the variable."""
        reports_url = _require(env, "REPORTS_URL")
        scheme, _, bucket = reports_url.partition("://")
        if scheme not in ("s3", "gs") or not bucket or "/" in bucket:
            raise ReportSettingsError(
                f"REPORTS_URL must be s3://bucket or gs://bucket, got {reports_url!r}"
            )
        try:
            database = database_from_env(env)
        except Exception as exc:  # the API's SettingsError, whose text names the variable
            raise ReportSettingsError(str(exc)) from exc
        settings = cls(
            reports_url=reports_url,
            database=database,
            index_table=env.get("INDEX_TABLE") or None,
            uploads_bucket=env.get("UPLOADS_BUCKET") or None,
            uploads_url=env.get("UPLOADS_URL") or None,
            topic=env.get("REPORT_TOPIC") or None,
            link_seconds=_seconds(env.get("LINK_EXPIRY_SECONDS")),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            signed_url_endpoint=_emulator_url(env.get("STORAGE_EMULATOR_HOST")),
        )
        if scheme == "s3" and not (settings.index_table and settings.uploads_bucket):
            raise ReportSettingsError("INDEX_TABLE and UPLOADS_BUCKET are required on AWS")
        if scheme == "gs" and not (settings.uploads_url or "").startswith("gs://"):
            raise ReportSettingsError("UPLOADS_URL (gs://bucket) is required on GCP")
        return settings


def _require(env: Mapping[str, str], key: str) -> str:
    """A required variable, or an error naming it."""
    value = env.get(key, "").strip()
    if not value:
        raise ReportSettingsError(f"environment variable {key} is required")
    return value


def _seconds(value: str | None) -> int | None:
    """LINK_EXPIRY_SECONDS as a positive whole number, if set."""
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ReportSettingsError(f"LINK_EXPIRY_SECONDS must be a positive integer, got {value!r}")
    return int(value)


def _emulator_url(host: str | None) -> str | None:
    """STORAGE_EMULATOR_HOST as a URL."""
    if not host:
        return None
    return host if host.startswith(("http://", "https://")) else f"http://{host}"
