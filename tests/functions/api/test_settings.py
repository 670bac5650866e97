"""Settings.from_env: each deployment's variables, and errors that name the variable."""

import pytest
from crosscloud_api.exceptions import SettingsError
from crosscloud_api.settings import CloudSqlDatabase, RdsDatabase, Settings, UrlDatabase


def test_local_settings() -> None:
    """DATABASE_URL and STORAGE_URL are enough locally."""
    settings = Settings.from_env({"STORAGE_URL": "s3://b", "DATABASE_URL": "sqlite:///x.db"})
    assert settings.database == UrlDatabase("sqlite:///x.db")
    assert settings.max_upload_bytes == 4 * 1024 * 1024
    assert settings.signed_url_endpoint is None


def test_emulator_host_becomes_the_signed_url_endpoint() -> None:
    """Locally, GCS links point at the emulator named by STORAGE_EMULATOR_HOST."""
    env = {"STORAGE_URL": "gs://b", "DATABASE_URL": "sqlite://"}
    with_host = Settings.from_env({**env, "STORAGE_EMULATOR_HOST": "localhost:9023"})
    assert with_host.signed_url_endpoint == "http://localhost:9023"
    with_url = Settings.from_env({**env, "STORAGE_EMULATOR_HOST": "http://127.0.0.1:9023"})
    assert with_url.signed_url_endpoint == "http://127.0.0.1:9023"


def test_aws_settings() -> None:
    """On AWS the database comes from the RDS-managed secret."""
    env = {
        "STORAGE_URL": "s3://uploads",
        "DB_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-x",
        "DB_HOST": "db.example",
        "DB_NAME": "crosscloud",
    }
    assert Settings.from_env(env).database == RdsDatabase(
        secret_arn=env["DB_SECRET_ARN"], host="db.example", name="crosscloud", port=5432
    )


def test_gcp_settings() -> None:
    """On GCP the database is a Cloud SQL instance; the password may be a secret reference."""
    env = {
        "STORAGE_URL": "gs://uploads",
        "CLOUD_SQL_INSTANCE": "proj:europe-west1:db",
        "DB_NAME": "crosscloud",
        "DB_USER": "api",
        "DB_PASSWORD_SECRET": "projects/p/secrets/db-password/versions/1",
        "CLOUD_SQL_IP_TYPE": "PRIVATE",
    }
    database = Settings.from_env(env).database
    assert database == CloudSqlDatabase(
        instance="proj:europe-west1:db",
        name="crosscloud",
        user="api",
        password=None,
        password_secret="projects/p/secrets/db-password/versions/1",
        ip_type="PRIVATE",
    )


def test_gcp_settings_with_iam_database_auth() -> None:
    """DB_IAM_AUTH=true needs no password."""
    env = {
        "STORAGE_URL": "gs://uploads",
        "CLOUD_SQL_INSTANCE": "proj:europe-west1:db",
        "DB_NAME": "crosscloud",
        "DB_USER": "api-sa@proj.iam",
        "DB_IAM_AUTH": "true",
    }
    database = Settings.from_env(env).database
    assert isinstance(database, CloudSqlDatabase)
    assert database.iam_auth is True
    assert database.password is None
    assert database.password_secret is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "sqlite://"}, "STORAGE_URL"),
        ({"STORAGE_URL": "ftp://b", "DATABASE_URL": "sqlite://"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://b/prefix", "DATABASE_URL": "sqlite://"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://b"}, "DATABASE_URL"),
        ({"STORAGE_URL": "s3://b", "DB_SECRET_ARN": "arn"}, "DB_HOST"),
        ({"STORAGE_URL": "s3://b", "DB_SECRET_ARN": "a", "DB_HOST": "h", "DB_NAME": "n",
          "DB_PORT": "99999"}, "DB_PORT"),
        ({"STORAGE_URL": "s3://b", "DB_SECRET_ARN": "a", "DB_HOST": "h", "DB_NAME": "n",
          "DB_SSL_MODE": "off"}, "DB_SSL_MODE"),
        ({"STORAGE_URL": "gs://b", "CLOUD_SQL_INSTANCE": "i", "DB_NAME": "n", "DB_USER": "u"},
         "DB_PASSWORD"),
        ({"STORAGE_URL": "gs://b", "CLOUD_SQL_INSTANCE": "i", "DB_NAME": "n", "DB_USER": "u",
          "DB_IAM_AUTH": "yes"}, "DB_IAM_AUTH"),
    ],
)  # fmt: skip
def test_invalid_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    """Every error names the variable to fix."""
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_an_unknown_log_level_is_named_with_the_allowed_ones() -> None:
    """LOG_LEVEL is checked with the rest, not when logging is first set up."""
    env = {"STORAGE_URL": "s3://b", "DATABASE_URL": "sqlite://", "LOG_LEVEL": "verbose"}
    with pytest.raises(SettingsError, match=r"LOG_LEVEL must be one of DEBUG, INFO, .*'VERBOSE'"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "LOG_LEVEL": "warning"}).log_level == "WARNING"
