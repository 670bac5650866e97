"""The LOCAL_* variables: defaults, overrides and the errors that name them."""

from pathlib import Path

import pytest

from tooling.local_cloud.config import (
    PORT_VARIABLES,
    LocalConfigError,
    config_from_env,
    with_dotenv,
)


def test_defaults() -> None:
    """Without variables: the documented ports and SQLite."""
    config = config_from_env({})
    assert config.ports.moto.number == 5000
    assert config.ports.gcs.number == 9023
    assert config.ports.aws_api.number == 3000
    assert config.ports.gcp_api.number == 8080
    assert config.database == "sqlite"
    assert [p.variable for p in config.ports.used("postgres")] == list(PORT_VARIABLES)


def test_overrides() -> None:
    """Every port and the database can be moved."""
    config = config_from_env({"LOCAL_AWS_API_PORT": "3100", "LOCAL_DATABASE": "postgres"})
    assert config.ports.aws_api.number == 3100
    assert config.ports.aws_api.variable == "LOCAL_AWS_API_PORT"
    assert config.database == "postgres"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LOCAL_MOTO_PORT": "http"}, "LOCAL_MOTO_PORT"),
        ({"LOCAL_GCS_PORT": "70000"}, "LOCAL_GCS_PORT"),
        ({"LOCAL_DATABASE": "mysql"}, "LOCAL_DATABASE"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], named: str) -> None:
    """A bad value is refused with the variable's name."""
    with pytest.raises(LocalConfigError, match=named):
        config_from_env(env)


def test_dotenv_fills_in_what_the_environment_does_not_set(tmp_path: Path) -> None:
    """.env values apply; an exported variable wins over the file; comments and quotes work."""
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# ports\nLOCAL_AWS_API_PORT=3100\nLOCAL_GCP_API_PORT='8180'\nLOCAL_DATABASE=postgres\n"
        "LOCAL_MOTO_PORT\n"
    )
    env = with_dotenv({"LOCAL_DATABASE": "sqlite"}, dotenv)
    assert env == {
        "LOCAL_AWS_API_PORT": "3100",
        "LOCAL_GCP_API_PORT": "8180",
        "LOCAL_DATABASE": "sqlite",
    }
    config = config_from_env(env)
    assert (config.ports.aws_api.number, config.ports.gcp_api.number) == (3100, 8180)
    assert config.database == "sqlite"


def test_a_missing_dotenv_changes_nothing(tmp_path: Path) -> None:
    """No .env: exactly the environment."""
    assert with_dotenv({"LOCAL_DATABASE": "postgres"}, tmp_path / ".env") == {
        "LOCAL_DATABASE": "postgres"
    }


def test_a_bad_value_from_dotenv_is_named(tmp_path: Path) -> None:
    """A value read from .env is validated like an exported one."""
    dotenv = tmp_path / ".env"
    dotenv.write_text("LOCAL_GCS_PORT=abc\n")
    with pytest.raises(LocalConfigError, match="LOCAL_GCS_PORT"):
        config_from_env(with_dotenv({}, dotenv))
