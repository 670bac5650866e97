"""What a rule sees and what it is: resources as plain data, rules as named functions.

The same rule runs in two places: inside the CrossGuard pack (``pack.py``
adapts pulumi-policy's arguments) and offline over a synthesized stack
(``tooling/policy_check.py``). Both hand the rule a ``Subject`` whose
``props`` are the engine's camelCase properties.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .settings import Settings

Enforcement = Literal["mandatory", "advisory"]


@dataclass(frozen=True)
class Subject:
    """One resource as a rule sees it."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    # Options and relationships; stack rules use dependencies to tie a
    # bucket's configuration resources to the bucket.
    protect: bool = False
    provider_props: Mapping[str, Any] = field(default_factory=dict)
    parent: str = ""
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """A stack rule's verdict on one resource."""

    urn: str
    message: str


ResourceCheck = Callable[[Subject, Settings], Iterable[str]]
StackCheck = Callable[[Sequence[Subject], Settings], Iterable[Finding]]


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A policy's identity and documentation, whichever way it checks."""

    name: str
    description: str
    remediation: str
    # The README's "why" column: the risk the rule guards against.
    why: str
    enforcement: Enforcement = "mandatory"


@dataclass(frozen=True, kw_only=True)
class ResourceRule(Rule):
    """Checks one resource at a time (a CrossGuard ResourceValidationPolicy)."""

    check: ResourceCheck


@dataclass(frozen=True, kw_only=True)
class StackRule(Rule):
    """Checks relationships between resources (a CrossGuard StackValidationPolicy)."""

    check: StackCheck


def stack_of(urn: str) -> str:
    """The stack name inside a URN (``urn:pulumi:<stack>::<project>::<type>::<name>``)."""
    return urn.split("::", 1)[0].removeprefix("urn:pulumi:")


def dig(value: Any, *path: str | int) -> Any:
    """The value at ``path`` through mappings and sequences, or None where it stops."""
    for step in path:
        if isinstance(step, int):
            if not _is_list(value) or not -len(value) <= step < len(value):
                return None
            value = value[step]
        elif isinstance(value, Mapping):
            value = value.get(step)
        else:
            return None
    return value


def items(value: Any) -> list[Any]:
    """A sequence value as a list (a single value as a one-item list, None as empty)."""
    if value is None:
        return []
    if _is_list(value):
        return list(value)
    return [value]


def as_mapping(value: Any) -> Mapping[str, Any]:
    """A mapping value, decoding JSON text (provider inputs arrive JSON-encoded)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, Mapping) else {}


def is_true(value: Any) -> bool:
    """True for a real boolean true (or the string the engine may send for provider inputs)."""
    return value is True or value == "true"


def is_false(value: Any) -> bool:
    """True only for an explicit false, so "not set" stays distinguishable."""
    return value is False or value == "false"


def of_types(subjects: Iterable[Subject], types: Iterable[str]) -> Iterator[Subject]:
    """Subjects whose type is one of ``types``."""
    wanted = frozenset(types)
    return (s for s in subjects if s.type in wanted)


def _is_list(value: Any) -> bool:
    """A sequence other than text."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)
