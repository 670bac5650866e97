"""The validations a rule can apply, each able to say what it allows.

They mirror the helpers the bridged Terraform providers validate with at
Check time (``validation.StringLenBetween``, ``StringMatch``,
``StringInSlice``, ``IntBetween``, ``ConflictsWith`` ...), so a rule table
reads like the provider schema it was copied from.
"""

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class Check(Protocol):
    """One validation: ``fails(value, inputs)`` and a human description of what passes."""

    @property
    def allowed(self) -> str:
        """What a passing value looks like, for the finding."""
        ...

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """True when the provider (or the cloud API) would reject ``value``."""
        ...


@dataclass(frozen=True)
class Matches:
    """The whole string matches ``pattern`` (``validation.StringMatch`` with ``^...$``)."""

    pattern: str
    allowed: str

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """Non-strings and partial matches fail."""
        return not isinstance(value, str) or re.fullmatch(self.pattern, value) is None


@dataclass(frozen=True)
class DoesNotMatch:
    """No part of the string matches ``pattern`` (``validation.StringDoesNotMatch``)."""

    pattern: str
    allowed: str

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """A search hit anywhere fails."""
        return isinstance(value, str) and re.search(self.pattern, value) is not None


@dataclass(frozen=True)
class Length:
    """``validation.StringLenBetween(low, high)``, counted in characters."""

    low: int
    high: int

    @property
    def allowed(self) -> str:
        """The bounds."""
        return f"{self.low} to {self.high} characters"

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """Outside the bounds fails."""
        return not isinstance(value, str) or not self.low <= len(value) <= self.high


@dataclass(frozen=True)
class OneOf:
    """``validation.StringInSlice(values, false)``: an exact member."""

    values: tuple[str, ...]

    @property
    def allowed(self) -> str:
        """The members."""
        return "one of " + ", ".join(self.values)

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """Anything else fails."""
        return value not in self.values


@dataclass(frozen=True)
class IntRange:
    """``validation.IntBetween(low, high)``; ``also`` lists extra single values (``IntInSlice``)."""

    low: int
    high: int
    also: tuple[int, ...] = ()

    @property
    def allowed(self) -> str:
        """The range and any extra values."""
        extra = "".join(f" or {v}" for v in self.also)
        return f"an integer from {self.low} to {self.high}{extra}"

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """Non-integers and values outside the range fail."""
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            return True
        return not (self.low <= value <= self.high or int(value) in self.also)


@dataclass(frozen=True)
class IntInSlice:
    """``validation.IntInSlice(values)``: exactly one of these whole numbers."""

    values: tuple[int, ...]

    @property
    def allowed(self) -> str:
        """The members."""
        return "one of " + ", ".join(map(str, self.values))

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """Non-integers and other numbers fail (the engine sends numbers as floats)."""
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            return True
        return int(value) not in self.values


@dataclass(frozen=True)
class Ipv4Network:
    """``verify.ValidIPv4CIDRNetworkAddress``: a CIDR whose host bits are zero."""

    allowed: str = "an IPv4 CIDR network address such as 10.0.0.0/16 (no host bits set)"

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """Unparseable or non-network CIDRs fail."""
        try:
            network = ipaddress.ip_network(str(value), strict=True)
        except ValueError:
            return True
        return network.version != 4


@dataclass(frozen=True)
class ConflictsWith:
    """``ConflictsWith``: this property and ``other`` are never set together."""

    other: str

    @property
    def allowed(self) -> str:
        """The conflict."""
        return f"not set together with {self.other}"

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """Both present fails."""
        return inputs.get(self.other) not in (None, "", [], {})


@dataclass(frozen=True)
class ExactlyOneOf:
    """``resourcevalidator.ExactlyOneOf``: exactly one of ``names`` is set (checked on any path)."""

    names: tuple[str, ...]

    @property
    def allowed(self) -> str:
        """The alternatives."""
        return "exactly one of " + ", ".join(self.names)

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """None or several of them set fails."""
        return sum(inputs.get(name) not in (None, "") for name in self.names) != 1


@dataclass(frozen=True)
class Predicate:
    """A custom ``valid*`` function the provider runs, transcribed as a predicate."""

    test: Callable[[Any], bool]
    allowed: str

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """The predicate says no."""
        return not self.test(value)


@dataclass(frozen=True)
class AllOf:
    """Every check passes (``validation.All``); the description joins theirs."""

    checks: tuple[Check, ...]

    @property
    def allowed(self) -> str:
        """Each check's description."""
        return "; ".join(check.allowed for check in self.checks)

    def fails(self, value: Any, inputs: Mapping[str, Any]) -> bool:
        """Any failing check fails."""
        return any(check.fails(value, inputs) for check in self.checks)
