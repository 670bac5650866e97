"""The LOCAL_* variables: defaults, overrides and the errors that name them."""

import pytest

from tooling.local_cloud.config import PORT_VARIABLES, LocalConfigError, config_from_env


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
