"""Real backends for a run, from the settings: the only place that builds cloud clients."""

from typing import Any

from crosscloud_api.database import open_database
from crosscloud_api.storage import open_store
from crosscloud_logging import get_logger
from crosscloud_reports.links import link_seconds
from crosscloud_reports.store import ReportStore

from crosscloud_report.notify import LogNotifier, Notifier, PubSubNotifier, SnsNotifier
from crosscloud_report.run import ObjectSource, ReportDeps
from crosscloud_report.settings import ReportSettings
from crosscloud_report.sources import BucketListing, ChannelTotalsQuery, DynamoDbIndex


def build_deps(settings: ReportSettings, clients: dict[str, Any] | None = None) -> ReportDeps:
    """Sources, store and notifier for ``settings``' cloud; ``clients`` overrides boto3's."""
    clients = clients or {}
    reports = open_store(settings.reports_url, settings.signed_url_endpoint)
    if settings.scheme == "s3":
        from crosscloud_api.storage.s3 import S3Store

        if "s3" in clients:
            reports = S3Store(settings.reports_url.partition("://")[2], clients["s3"])
        objects: ObjectSource = DynamoDbIndex(
            str(settings.index_table),
            str(settings.uploads_bucket),
            clients.get("dynamodb") or _boto3("dynamodb"),
        )
    else:
        objects = BucketListing(open_store(str(settings.uploads_url), settings.signed_url_endpoint))
    return ReportDeps(
        objects=objects,
        channels=ChannelTotalsQuery(lambda: open_database(settings.database)),
        store=ReportStore(reports),
        notifier=_notifier(settings, clients),
        link_seconds=link_seconds(settings.scheme, settings.link_seconds),
    )


def _notifier(settings: ReportSettings, clients: dict[str, Any]) -> Notifier:
    """SNS for a topic ARN, Pub/Sub for a topic path, else a log line."""
    topic = settings.topic
    if topic is None:
        return LogNotifier(get_logger("report"))
    if topic.startswith("arn:"):
        return SnsNotifier(topic, clients.get("sns") or _boto3("sns"))
    return PubSubNotifier(topic, _google_session())


def _boto3(service: str) -> Any:
    """A boto3 client with short timeouts (boto3 comes with the Lambda runtime)."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3})
    return boto3.client(service, config=config)


def _google_session() -> Any:
    """An authorized session as the function's service account."""
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/pubsub"])
    return AuthorizedSession(credentials)
