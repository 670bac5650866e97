"""The backends the routes use: built from settings on first use, unless a test injects its own."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from crosscloud_api.settings import Settings
from crosscloud_api.storage import ObjectStore, open_store

if TYPE_CHECKING:  # the database layer loads on the first request that needs it
    from crosscloud_reports.store import ReportStore

    from crosscloud_api.channels import ChannelRepository

T = TypeVar("T")


class Backends(Protocol):
    """What the routes reach through ``services()``."""

    @property
    def store(self) -> ObjectStore:
        """The bucket."""
        ...

    @property
    def channels(self) -> "ChannelRepository":
        """The channels table."""
        ...

    @property
    def reports(self) -> "ReportStore | None":
        """The report function's files; None when the deployment keeps no reports."""
        ...


@dataclass(frozen=True)
class Services:
    """Ready-made backends: what tests inject into ``create_app``."""

    store: ObjectStore
    channels: "ChannelRepository"
    reports: "ReportStore | None" = None


class LazyServices:
    """The real backends, each built from settings when a request first uses it.

    GET /health touches neither, so a cold start that only answers it never
    imports boto3, google-cloud-storage or the database layer; a files request
    does not load the database layer, nor a channels request the storage client.
    """

    def __init__(self, settings: Settings) -> None:
        """Nothing is built or imported yet."""
        self._settings = settings
        self._built: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def store(self) -> ObjectStore:
        """The object store of ``STORAGE_URL``; its client is created on its own first call."""
        return self._once("store", self._store)

    @property
    def channels(self) -> "ChannelRepository":
        """The channels repository; its engine is created on its first query."""
        return self._once("channels", self._channels)

    @property
    def reports(self) -> "ReportStore | None":
        """The reports bucket of ``REPORTS_URL`` (None when unset), read like the files."""
        return self._once("reports", self._reports)

    def _store(self) -> ObjectStore:
        """Pick S3 or GCS; only now is that cloud's storage module imported."""
        return open_store(self._settings.storage_url, self._settings.signed_url_endpoint)

    def _channels(self) -> "ChannelRepository":
        """Import the database layer and wrap an engine factory for the configured database."""
        from crosscloud_api.channels import ChannelRepository
        from crosscloud_api.database import open_database

        database = self._settings.database
        return ChannelRepository(lambda: open_database(database))

    def _reports(self) -> "ReportStore | None":
        """The shared report store over the reports bucket; built when a reports route asks."""
        reports_url = self._settings.reports_url
        if reports_url is None:
            return None
        from crosscloud_reports.store import ReportStore

        return ReportStore(open_store(reports_url, self._settings.signed_url_endpoint))

    def _once(self, name: str, build: Callable[[], T]) -> T:
        """``build()`` the first time ``name`` is asked for, once even under concurrent requests."""
        if name not in self._built:
            with self._lock:
                if name not in self._built:
                    self._built[name] = build()
        return self._built[name]
