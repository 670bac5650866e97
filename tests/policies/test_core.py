"""Helpers every rule leans on: reading nested props, JSON-encoded provider inputs, URNs."""

import json

import pytest

from policies.crosscloud_policies.core import as_mapping, dig, is_false, is_true, items, stack_of


def test_dig_walks_mappings_and_sequences() -> None:
    """A path through dicts and lists reaches the value; a broken path gives None."""
    props = {"settings": {"ipConfiguration": {"authorizedNetworks": [{"value": "10.0.0.0/8"}]}}}
    assert (
        dig(props, "settings", "ipConfiguration", "authorizedNetworks", 0, "value") == "10.0.0.0/8"
    )
    assert dig(props, "settings", "ipConfiguration", "authorizedNetworks", 1, "value") is None
    assert dig(props, "settings", "missing", "deeper") is None
    assert dig("text", 0) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, []), ("one", ["one"]), (["a", "b"], ["a", "b"]), (("a",), ["a"])],
)
def test_items_treats_text_as_one_item(value: object, expected: list[str]) -> None:
    """IAM allows a single string where a list is expected; text is never split."""
    assert items(value) == expected


def test_as_mapping_decodes_provider_json() -> None:
    """Provider inputs arrive JSON-encoded; bad JSON or non-objects give an empty mapping."""
    assert as_mapping(json.dumps({"tags": {"a": "b"}})) == {"tags": {"a": "b"}}
    assert as_mapping({"a": 1}) == {"a": 1}
    assert as_mapping("not json") == {}
    assert as_mapping("[1, 2]") == {}


def test_booleans_distinguish_false_from_unset() -> None:
    """Only an explicit false is false; the engine may send provider booleans as text."""
    assert is_true(True)
    assert is_true("true")
    assert not is_true(None)
    assert not is_true(1)
    assert is_false(False)
    assert is_false("false")
    assert not is_false(None)


def test_stack_of_reads_nested_urns() -> None:
    """The stack is the URN's first part, whatever the parent types."""
    urn = "urn:pulumi:prod::crosscloud::crosscloud:aws:Platform$aws:s3/bucket:Bucket::uploads"
    assert stack_of(urn) == "prod"
