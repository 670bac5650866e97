"""Every resource type token a rule names exists, spelt exactly so, in pulumi-aws or pulumi-gcp."""

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from policies.crosscloud_policies import (
    aws_iam,
    aws_s3,
    cloudfunctions,
    cloudsql,
    dynamodb,
    gcp_iam,
    gcs,
    lambda_,
    network,
    rds,
    sqs,
    stack,
    tags,
)

TOKEN = re.compile(r"(aws|gcp):[a-z0-9]+/[a-zA-Z0-9]+:[A-Za-z0-9]+")
MODULES = (
    aws_iam,
    aws_s3,
    cloudfunctions,
    cloudsql,
    dynamodb,
    gcp_iam,
    gcs,
    lambda_,
    network,
    rds,
    sqs,
    stack,
    tags,
)


def strings_in(value: Any) -> Iterator[str]:
    """Strings inside a module constant (tuples, sets and dict keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (k for k in value if isinstance(k, str))
    elif isinstance(value, tuple | frozenset | set | list):
        for item in value:
            yield from strings_in(item)


def tokens() -> list[str]:
    """Every type token named by a module-level constant of a rule module."""
    found = {
        text
        for module in MODULES
        for name, value in vars(module).items()
        if name.isupper()
        for text in strings_in(value)
        if TOKEN.fullmatch(text)
    }
    return sorted(found)


def test_rule_modules_name_type_tokens() -> None:
    """The scan finds the tokens (a broken scan would pass every token test vacuously)."""
    assert "aws:s3/bucket:Bucket" in tokens()
    assert "gcp:sql/databaseInstance:DatabaseInstance" in tokens()


@pytest.mark.parametrize("token", tokens())
def test_token_is_registered_by_the_sdk(token: str, sdk_class: Callable[[str], type]) -> None:
    """The SDK class exists and registers under exactly this token."""
    cls = sdk_class(token)
    assert f"'{token}'" in inspect.getsource(sys.modules[cls.__module__])
