"""Errors raised by the Pulumi program."""

import pulumi


class CrosscloudError(pulumi.RunError):
    """Base class of every error the program raises on purpose.

    It derives from ``pulumi.RunError`` so the Pulumi CLI prints only the
    message, without a Python traceback.
    """


class ConfigError(CrosscloudError):
    """Stack configuration is missing or invalid; the message names every bad key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"invalid stack configuration:\n{lines}")
