"""Spotting secrets in plain environment variables, by name and by shape."""

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from .core import as_mapping

# Words in a variable name that say its value is a credential.
SECRET_WORDS = frozenset(
    {
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PASSPHRASE",
        "TOKEN",
        "KEY",
        "APIKEY",
        "CREDENTIAL",
        "CREDENTIALS",
        "PRIVATE",
    }
)
# A last word that says the value only points at a secret (KMS_KEY_ID, TOKEN_SECRET_ARN).
REFERENCE_WORDS = frozenset(
    {
        "ARN",
        "NAME",
        "ID",
        "IDS",
        "PATH",
        "URL",
        "URI",
        "PREFIX",
        "VERSION",
        "FILE",
        "REF",
        "ALIAS",
        "HEADER",
        "FIELD",
        "TTL",
        "SECONDS",
    }
)
# Values that are references to secrets, not secrets.
REFERENCE_VALUE = re.compile(r"arn:aws[\w-]*:|projects/[^/]+/secrets/|[a-z][a-z0-9+.-]*://|/")
MIN_SECRET_LENGTH = 20
MIN_ENTROPY_BITS = 3.5
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def name_words(name: str) -> list[str]:
    """A variable name's words, upper-cased (``dbPassword`` and ``DB_PASSWORD`` alike)."""
    return [w.upper() for part in re.split(r"[^A-Za-z0-9]+", name) for w in _WORDS.findall(part)]


def is_secret_name(name: str) -> bool:
    """Whether the name says the variable holds a credential rather than a pointer to one."""
    words = name_words(name)
    return bool(words) and bool(SECRET_WORDS & set(words)) and words[-1] not in REFERENCE_WORDS


def entropy_bits(value: str) -> float:
    """Shannon entropy per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    """A long, high-entropy token with mixed character classes (or long hex), not a reference."""
    if len(value) < MIN_SECRET_LENGTH or " " in value or REFERENCE_VALUE.match(value):
        return False
    classes = sum(
        bool(re.search(pattern, value)) for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[+/=_]")
    )
    is_hex = re.fullmatch(r"[0-9a-fA-F]{32,}", value) is not None
    return (classes >= 3 or is_hex) and entropy_bits(value) >= MIN_ENTROPY_BITS


def plaintext_secret_names(variables: Any) -> Iterator[str]:
    """Names of variables whose name says secret and whose value is not a reference."""
    for name, value in _pairs(variables):
        if is_secret_name(name) and not REFERENCE_VALUE.match(str(value)):
            yield name


def random_looking_names(variables: Any) -> Iterator[str]:
    """Names of variables whose value looks like a generated credential."""
    for name, value in _pairs(variables):
        if isinstance(value, str) and looks_random(value):
            yield name


def _pairs(variables: Any) -> Iterator[tuple[str, Any]]:
    """Name/value pairs of an environment map (JSON text or mapping)."""
    mapping: Mapping[str, Any] = as_mapping(variables)
    return ((str(k), v) for k, v in mapping.items())
