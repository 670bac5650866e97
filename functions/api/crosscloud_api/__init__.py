"""The crosscloud HTTP API: one Flask application served by Cloud Functions and Lambda."""

from crosscloud_api.app import create_app
from crosscloud_api.services import Services
from crosscloud_api.settings import Settings

__all__ = ["Services", "Settings", "create_app"]
