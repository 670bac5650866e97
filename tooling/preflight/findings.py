"""A preflight finding: one thing a real deploy would trip over, and how to fix it."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """``check`` names the class of failure; ``subject`` the resource URN, config key or file."""

    check: str
    subject: str
    problem: str
    fix: str

    def render(self) -> str:
        """Two lines: what is wrong where, then what to do."""
        return f"[{self.check}] {self.subject}: {self.problem}\n    fix: {self.fix}"
