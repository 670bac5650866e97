"""LocalCloud in process: a failed start stops what it had started and says why."""

import io
import os
import socket
from pathlib import Path

import pytest

from tooling.local_cloud.cloud import LocalCloud
from tooling.local_cloud.config import PORT_VARIABLES, LocalConfig, Port, Ports
from tooling.local_cloud.processes import PortTakenError, StartupError
from tooling.local_cloud.stack import StackResources


def _free_ports() -> Ports:
    """Ports that were free a moment ago, one per variable."""
    ports = []
    for variable, (_, purpose) in PORT_VARIABLES.items():
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(Port(int(sock.getsockname()[1]), variable, purpose))
    return Ports(*ports)


def _refuses(port: int) -> bool:
    """Whether nothing listens on ``port``."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _broken_stack(stack: str) -> StackResources:
    """A synth that fails, as a broken Pulumi program would."""
    raise RuntimeError(f"stack {stack} does not synthesize")


def test_a_failed_synth_stops_the_emulators_already_started(tmp_path: Path) -> None:
    """The emulators start before the synth; when it fails they are stopped again."""
    config = LocalConfig(ports=_free_ports(), state_dir=tmp_path)
    out = io.StringIO()
    cloud = LocalCloud(config, os.environ, out=out, read_resources=_broken_stack)
    with pytest.raises(StartupError, match="does not synthesize"), cloud:
        pytest.fail("the start should have failed")
    assert set(cloud.children) == {"moto", "gcs"}
    assert not any(child.alive() for child in cloud.children.values())
    assert _refuses(config.ports.moto.number)
    assert _refuses(config.ports.gcs.number)


def test_a_taken_port_starts_nothing(tmp_path: Path) -> None:
    """The port check runs first: nothing is spawned when a port is in use."""
    ports = _free_ports()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = Port(int(blocker.getsockname()[1]), "LOCAL_MOTO_PORT", "moto server")
        config = LocalConfig(ports=Ports(taken, ports.gcs, ports.aws_api, ports.gcp_api,
                                         ports.postgres), state_dir=tmp_path)  # fmt: skip
        cloud = LocalCloud(config, os.environ, out=io.StringIO(), read_resources=_broken_stack)
        with pytest.raises(PortTakenError, match="LOCAL_MOTO_PORT"), cloud:
            pytest.fail("the start should have failed")
    assert cloud.children == {}
