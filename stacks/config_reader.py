"""Typed, validating reads of Pulumi config that collect every problem before failing."""

import json
import re
from collections.abc import Callable, Iterable

import pulumi

from stacks.exceptions import ConfigError


class ConfigReader:
    """Reads one config namespace, recording each bad value so one run reports them all."""

    def __init__(self, namespace: str) -> None:
        """Read keys of ``namespace`` (e.g. ``crosscloud`` or ``aws``)."""
        self.namespace = namespace
        self._config = pulumi.Config(namespace)
        self.problems: list[str] = []

    def key(self, name: str) -> str:
        """The full key as users type it in ``pulumi config set``."""
        return f"{self.namespace}:{name}"

    def problem(self, name: str, message: str) -> None:
        """Record that ``name`` is wrong, saying what is allowed."""
        self.problems.append(f"{self.key(name)}: {message}")

    def raise_if_problems(self) -> None:
        """Stop the program with one message listing every bad key."""
        if self.problems:
            raise ConfigError(self.problems)

    def _raw(self, name: str, required: bool, allowed: str) -> str | None:
        value = self._config.get(name)
        if value is None or value == "":
            if required:
                self.problem(name, f"is required but not set; allowed: {allowed}")
            return None
        return value

    def string(
        self,
        name: str,
        *,
        default: str = "",
        required: bool = True,
        choices: Iterable[str] | None = None,
        pattern: str | None = None,
        allowed: str = "",
    ) -> str:
        """A string, optionally one of ``choices`` or matching ``pattern`` (see ``allowed``)."""
        options = tuple(choices) if choices is not None else None
        raw = self._raw(name, required, ", ".join(options) if options else allowed or pattern or "")
        if raw is None:
            return default
        if options is not None and raw not in options:
            self.problem(name, f"got {raw!r}; allowed: {', '.join(options)}")
            return default
        if pattern is not None and not re.fullmatch(pattern, raw):
            self.problem(name, f"got {raw!r}; allowed: {allowed or pattern}")
            return default
        return raw

    def integer(self, name: str, *, minimum: int, maximum: int, default: int = 0) -> int:
        """A whole number in ``[minimum, maximum]``."""
        raw = self._raw(name, True, f"a whole number from {minimum} to {maximum}")
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problem(name, f"got {raw!r}; allowed: a whole number from {minimum} to {maximum}")
            return default
        if not minimum <= value <= maximum:
            self.problem(name, f"got {value}; allowed: a whole number from {minimum} to {maximum}")
            return default
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        """``true`` or ``false``."""
        raw = self._raw(name, True, "true, false")
        if raw is None:
            return default
        if raw.lower() not in ("true", "false"):
            self.problem(name, f"got {raw!r}; allowed: true, false")
            return default
        return raw.lower() == "true"

    def string_list(
        self,
        name: str,
        *,
        item: Callable[[str], bool],
        allowed: str,
        required: bool = False,
    ) -> tuple[str, ...]:
        """A list of strings, each accepted by ``item`` (``allowed`` says what passes)."""
        raw = self._raw(name, required, f"a list of strings, each {allowed}")
        if raw is None:
            return ()
        try:
            values = json.loads(raw)
        except json.JSONDecodeError:
            values = None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problem(name, f"got {raw!r}; allowed: a list of strings, each {allowed}")
            return ()
        bad = [v for v in values if not item(v)]
        if bad:
            self.problem(name, f"got {bad[0]!r}; allowed: {allowed}")
            return ()
        if len(set(values)) != len(values):
            self.problem(name, "contains duplicates; allowed: each value once")
            return ()
        return tuple(values)

    def string_map(
        self,
        name: str,
        *,
        key: Callable[[str], bool],
        value: Callable[[str], bool],
        allowed: str,
    ) -> dict[str, str]:
        """A map of strings to strings, each pair accepted by ``key`` and ``value``."""
        raw = self._raw(name, False, f"a map of {allowed}")
        if raw is None:
            return {}
        try:
            values = json.loads(raw)
        except json.JSONDecodeError:
            values = None
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            self.problem(name, f"got {raw!r}; allowed: a map of {allowed}")
            return {}
        bad = [(k, v) for k, v in values.items() if not key(k) or not value(v)]
        if bad:
            self.problem(name, f"got {bad[0][0]!r}: {bad[0][1]!r}; allowed: {allowed}")
            return {}
        return dict(values)

    def secret(self, name: str) -> pulumi.Output[str] | None:
        """A value that must have been set with ``pulumi config set --secret``."""
        if self._config.get(name) is None:
            self.problem(
                name, f"is required; set it with `pulumi config set --secret {self.key(name)}`"
            )
            return None
        if not pulumi.runtime.is_config_secret(self.key(name)):
            self.problem(
                name,
                "is stored in plain text; allowed: a secret value "
                f"(`pulumi config set --secret {self.key(name)}`)",
            )
            return None
        return self._config.require_secret(name)
