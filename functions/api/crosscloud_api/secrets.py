"""Database credentials from AWS Secrets Manager or Google Secret Manager, cached per instance."""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from crosscloud_api.exceptions import BackendUnavailableError

T = TypeVar("T")


@dataclass(frozen=True)
class DbCredentials:
    """A database user name and password; repr hides the password."""

    username: str
    password: str

    def __repr__(self) -> str:
        """Never print the password, even in a debugger or an error message."""
        return f"DbCredentials(username={self.username!r}, password='***')"


class Cached(Generic[T]):
    """A value loaded once for the instance's life, reloadable after a rotation."""

    def __init__(self, load: Callable[[], T]) -> None:
        """``load`` runs on first ``get`` and again after ``invalidate``."""
        self._load = load
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        """The cached value, loading it the first time."""
        with self._lock:
            if self._value is None:
                self._value = self._load()
            return self._value

    def invalidate(self) -> None:
        """Forget the value, e.g. after the database rejected rotated credentials."""
        with self._lock:
            self._value = None


def rds_credentials(client: Any, secret_arn: str) -> DbCredentials:
    """Read the RDS-managed secret (JSON with ``username`` and ``password``)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        secret = client.get_secret_value(SecretId=secret_arn)
        document = json.loads(secret["SecretString"])
        return DbCredentials(document["username"], document["password"])
    except (ClientError, BotoCoreError, KeyError, ValueError) as exc:
        # Only the backend is named: the error text could include the secret's ARN
        # or, for a malformed document, part of its value.
        raise BackendUnavailableError("database credentials store") from exc


def gcp_secret(client: Any, name: str) -> str:
    """Read a Secret Manager version such as ``projects/p/secrets/db-password/versions/3``."""
    from google.api_core import exceptions as api_exceptions

    try:
        response = client.access_secret_version(name=name, timeout=10)
    except api_exceptions.GoogleAPIError as exc:
        raise BackendUnavailableError("database credentials store") from exc
    return response.payload.data.decode("utf-8")
