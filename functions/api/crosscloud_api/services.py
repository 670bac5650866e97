"""The backends the routes use, built from settings unless a test injects its own."""

from dataclasses import dataclass

from crosscloud_api.channels import ChannelRepository
from crosscloud_api.database import open_database
from crosscloud_api.settings import Settings
from crosscloud_api.storage import ObjectStore, open_store


@dataclass(frozen=True)
class Services:
    """The object store and the channels repository."""

    store: ObjectStore
    channels: ChannelRepository

    @classmethod
    def from_settings(cls, settings: Settings) -> "Services":
        """Real backends; each creates its client or connections on first use."""
        return cls(
            store=open_store(settings.storage_url, settings.signed_url_endpoint),
            channels=ChannelRepository(lambda: open_database(settings.database)),
        )
