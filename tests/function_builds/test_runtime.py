"""The one runtime definition: identifiers both clouds accept, wheels for each architecture."""

import ast
import re
from pathlib import Path

import pulumi_aws as aws
import yaml

from function_builds.runtime import (
    ARCHITECTURES,
    CLOUD_FUNCTIONS_RUNTIME,
    LAMBDA_PLATFORMS,
    LAMBDA_RUNTIME,
    PYTHON_VERSION,
)

ROOT = Path(__file__).resolve().parents[2]
# What each Lambda architecture calls its CPU in a wheel's platform tag.
WHEEL_CPU = {"arm64": "aarch64", "x86_64": "x86_64"}


def test_lambda_runtime_is_one_the_provider_accepts() -> None:
    """``python3.12`` is in pulumi-aws's Runtime enum, the values the provider validates against."""
    assert LAMBDA_RUNTIME in {runtime.value for runtime in aws.lambda_.Runtime}
    assert LAMBDA_RUNTIME == "python" + PYTHON_VERSION


def test_cloud_functions_runtime_names_the_same_version() -> None:
    """The Cloud Functions runtime ID is the same Python without its dot (``python312``)."""
    major, minor = PYTHON_VERSION.split(".")
    assert re.fullmatch(r"python3\d+", CLOUD_FUNCTIONS_RUNTIME)
    assert f"python{major}{minor}" == CLOUD_FUNCTIONS_RUNTIME


def test_every_architecture_installs_wheels_for_its_own_cpu() -> None:
    """arm64 and x86_64 each pull manylinux wheels built for that CPU, and only those."""
    assert ARCHITECTURES == ("arm64", "x86_64")
    for architecture, tags in LAMBDA_PLATFORMS.items():
        assert tags, architecture
        for tag in tags:
            assert re.fullmatch(rf"manylinux[0-9_]+_{WHEEL_CPU[architecture]}", tag), tag


def test_the_configured_default_architecture_is_buildable() -> None:
    """Pulumi.yaml's ``functionArchitecture`` default is one the builder knows."""
    config = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert config["functionArchitecture"]["default"] in ARCHITECTURES


def test_function_code_parses_as_the_runtime_python() -> None:
    """Every module under functions/ is valid syntax for the deployed Python version."""
    major, minor = (int(part) for part in PYTHON_VERSION.split("."))
    sources = sorted((ROOT / "functions").rglob("*.py"))
    assert sources
    for source in sources:
        ast.parse(source.read_text(), filename=str(source), feature_version=(major, minor))
