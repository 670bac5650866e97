"""One blueprint per feature."""

from flask import current_app

from crosscloud_api.services import Backends
from crosscloud_api.settings import Settings


def services() -> Backends:
    """The backends of the running app."""
    return current_app.extensions["crosscloud"]


def settings() -> Settings:
    """The settings of the running app."""
    return current_app.extensions["crosscloud.settings"]
