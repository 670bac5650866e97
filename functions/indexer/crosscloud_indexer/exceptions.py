"""The indexer's exceptions, under one base class."""


class IndexerError(Exception):
    """Base of every error the indexer raises on purpose."""


class BadRecordError(IndexerError):
    """A record is not a well-formed S3 event notification."""


class RecordsFailedError(IndexerError):
    """Some records of a directly delivered event failed; Lambda retries the event."""

    def __init__(self, failed: int, total: int) -> None:
        """Say how many, never which keys (object keys can be personal data)."""
        super().__init__(f"{failed} of {total} records failed to index")
        self.failed = failed
        self.total = total
