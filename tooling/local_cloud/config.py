"""What one run of the local cloud needs: ports, database, state directory; read at the edge."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
STACK = "local"
DATABASES = ("sqlite", "postgres")


class LocalConfigError(Exception):
    """An environment variable of ``make local`` has a value it cannot use.

    Not the stacks' ``ConfigError``: that one lists bad Pulumi stack keys and is a
    ``pulumi.RunError``; this one names one bad shell variable, before any program runs.
    """


@dataclass(frozen=True)
class Port:
    """A TCP port and the environment variable that moves it (named in every port message)."""

    number: int
    variable: str
    purpose: str


@dataclass(frozen=True)
class Ports:
    """Every loopback port the local cloud listens on."""

    moto: Port
    gcs: Port
    aws_api: Port
    gcp_api: Port
    postgres: Port

    def used(self, database: str) -> list[Port]:
        """The ports a run with ``database`` binds (PostgreSQL's only when it runs)."""
        ports = [self.moto, self.gcs, self.aws_api, self.gcp_api]
        return [*ports, self.postgres] if database == "postgres" else ports


# variable -> (default port, what listens there), in the order of the Ports fields;
# the single list the CLI, the messages and the tests draw from.
PORT_VARIABLES: dict[str, tuple[int, str]] = {
    "LOCAL_MOTO_PORT": (5000, "moto server (AWS APIs)"),
    "LOCAL_GCS_PORT": (9023, "GCS emulator"),
    "LOCAL_AWS_API_PORT": (3000, "AWS endpoint (Lambda handler behind an HTTP API v2 front)"),
    "LOCAL_GCP_API_PORT": (8080, "GCP endpoint (functions-framework)"),
    "LOCAL_POSTGRES_PORT": (5433, "PostgreSQL (LOCAL_DATABASE=postgres only)"),
}
# 5433, not PostgreSQL's 5432: a system server often holds that one already.


@dataclass(frozen=True)
class LocalConfig:
    """Settings of one run; tests build it directly with free ports."""

    ports: Ports
    database: str = "sqlite"
    state_dir: Path = ROOT / "build" / "local"
    stack: str = STACK
    seed: bool = True


def config_from_env(env: Mapping[str, str]) -> LocalConfig:
    """Read LOCAL_* variables (the command-line edge), naming any bad one."""
    numbers = {name: _port(env, name, default) for name, (default, _) in PORT_VARIABLES.items()}
    ports = [Port(numbers[name], name, purpose) for name, (_, purpose) in PORT_VARIABLES.items()]
    database = env.get("LOCAL_DATABASE", "sqlite").strip().lower() or "sqlite"
    if database not in DATABASES:
        raise LocalConfigError(f"LOCAL_DATABASE must be sqlite or postgres, got {database!r}")
    state_dir = Path(env["LOCAL_STATE_DIR"]) if env.get("LOCAL_STATE_DIR") else None
    return LocalConfig(
        ports=Ports(*ports),
        database=database,
        state_dir=state_dir or LocalConfig.state_dir,
    )


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    """A port number from ``env[name]``."""
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise LocalConfigError(f"{name} must be a TCP port number (1-65535), got {value!r}")
    return int(value)
