"""One blueprint per feature."""

from flask import current_app

from crosscloud_api.contract import Limits
from crosscloud_api.services import Services
from crosscloud_api.settings import Settings


def services() -> Services:
    """The backends of the running app."""
    return current_app.extensions["crosscloud"]


def settings() -> Settings:
    """The settings of the running app."""
    return current_app.extensions["crosscloud.settings"]


def limits() -> Limits:
    """The deployment's limits, as the contract's rules take them."""
    return limits_of(settings())


def limits_of(config: Settings) -> Limits:
    """The limits a Settings object sets."""
    return Limits(config.max_upload_bytes, tuple(sorted(config.allowed_content_types)))
