"""Fixtures for rule tests: resources in the engine's camelCase form, and pack settings."""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import pytest

from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings, build_settings

MakeSubject = Callable[..., Subject]


@pytest.fixture
def subject() -> MakeSubject:
    """Build a Subject: ``subject(type, props, name=..., **options)``."""

    def make(type_: str, props: Mapping[str, Any] | None = None, **options: Any) -> Subject:
        """Build a Subject with a URN in the dev stack."""
        name = options.pop("name", "res")
        urn = options.pop("urn", f"urn:pulumi:dev::crosscloud::{type_}::{name}")
        return Subject(type=type_, name=name, urn=urn, props=dict(props or {}), **options)

    return make


@pytest.fixture
def dev_settings() -> Settings:
    """Pack defaults for the dev stack."""
    return build_settings(None, "dev", {"crosscloud:environment": "dev"})


@pytest.fixture
def prod_settings() -> Settings:
    """Pack defaults for the prod stack."""
    return build_settings(None, "prod", {"crosscloud:environment": "prod"})


@pytest.fixture
def subject_settings() -> Callable[[Mapping[str, Any], str], Settings]:
    """Settings of one policy from a pack config file's content, for a stack name."""

    def make(pack_config: Mapping[str, Any], stack: str) -> Settings:
        """Settings for the policy named in the single-entry pack config."""
        (policy,) = pack_config
        return build_settings(pack_config[policy], stack, {})

    return make


@pytest.fixture
def public_settings(dev_settings: Settings) -> Settings:
    """A dev stack that declares a public API."""
    return replace(dev_settings, public_api=True)


@pytest.fixture(scope="session")
def sdk_class() -> Callable[[str], type]:
    """The SDK class of a type token: ``aws:s3/bucket:Bucket`` is ``pulumi_aws.s3.Bucket``."""

    def find(type_: str) -> type:
        """Import the class's module and return the class."""
        package, rest = type_.split(":", 1)
        module, _, name = rest.partition(":")
        module = module.split("/")[0]
        module = {"lambda": "lambda_", "index": ""}.get(module, module)
        sdk = importlib.import_module(f"pulumi_{package}{'.' + module if module else ''}")
        return getattr(sdk, name)

    return find
