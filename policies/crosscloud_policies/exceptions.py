"""Errors raised by the crosscloud policy rules."""


class PolicyPackError(Exception):
    """Base class of every error the policy package raises."""


class PolicyConfigError(PolicyPackError):
    """A pack config value has the wrong type or is out of range; the message names the key."""
