"""The indexer's exceptions, under one base class."""


class IndexerError(Exception):
    """Base of every error the indexer raises on purpose."""


class BadRecordError(IndexerError):
    """An event or message is not a well-formed SQS-wrapped S3 event notification."""
