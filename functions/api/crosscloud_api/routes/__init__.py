"""One blueprint per feature."""

from flask import current_app

from crosscloud_api.services import Services
from crosscloud_api.settings import Settings


def services() -> Services:
    """The backends of the running app."""
    return current_app.extensions["crosscloud"]


def settings() -> Settings:
    """The settings of the running app."""
    return current_app.extensions["crosscloud.settings"]
