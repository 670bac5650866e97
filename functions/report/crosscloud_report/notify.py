"""Telling people a report is ready: SNS on AWS, Pub/Sub on GCP, a log line locally."""

import base64
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from crosscloud_api.exceptions import BackendUnavailableError
from crosscloud_reports.store import Link

from crosscloud_report.content import Report

# SNS e-mail subjects: at most 100 printable ASCII characters.
SUBJECT_MAX = 100
PUBSUB_API = "https://pubsub.googleapis.com/v1"
TIMEOUT_SECONDS = 10
REDACTED = "(signed URL, not logged)"


@dataclass(frozen=True)
class Announcement:
    """What every channel says: the period, the totals and the links."""

    report: Report
    links: Sequence[Link]

    @property
    def subject(self) -> str:
        """A one-line subject."""
        return f"crosscloud uploads report {self.report.period.name}"[:SUBJECT_MAX]

    def to_json(self) -> dict[str, Any]:
        """The message as JSON (Pub/Sub's body; the text below says the same)."""
        report = self.report
        return {
            "period": report.period.name,
            "start": report.period.start.date().isoformat(),
            "end": report.period.end.date().isoformat(),
            "uploads": report.total.count,
            "bytes": report.total.bytes,
            "channels": report.channels.channels,
            "subscribers": report.channels.subscribers,
            "files": [link.to_json() for link in self.links],
        }

    def text(self) -> str:
        """A short plain-text message (SNS e-mail)."""
        body = self.to_json()
        lines = [
            f"Uploads report for {body['period']} ({body['start']} to {body['end']}, UTC):",
            f"  uploads: {body['uploads']} ({body['bytes']} bytes)",
            f"  channels: {body['channels']} with {body['subscribers']} subscribers",
            "",
            "Files (links expire at the time shown; ask for a fresh link after that):",
        ]
        lines += [f"  {f['key']} (until {f['expires_at']})\n    {f['url']}" for f in body["files"]]
        return "\n".join(lines) + "\n"


class Notifier(Protocol):
    """Sends one announcement; returns the message id the service gave it."""

    def send(self, announcement: Announcement) -> str:
        """Deliver the announcement."""
        ...


class SnsNotifier:
    """Publishes to an SNS topic (e-mail subscribers get the text)."""

    def __init__(self, topic_arn: str, client: Any) -> None:
        """``client`` is a boto3 SNS client."""
        self.topic_arn = topic_arn
        self.client = client

    def send(self, announcement: Announcement) -> str:
        """Publish the text with the subject; the JSON rides along as message attributes."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.publish(
                TopicArn=self.topic_arn,
                Subject=announcement.subject,
                Message=announcement.text(),
                MessageAttributes={
                    "period": {"DataType": "String", "StringValue": announcement.report.period.name}
                },
            )
        except (BotoCoreError, ClientError) as exc:
            raise BackendUnavailableError("notification topic") from exc
        return str(response["MessageId"])


class PubSubNotifier:
    """Publishes the JSON message to a Pub/Sub topic through its REST API."""

    def __init__(self, topic: str, session: Any) -> None:
        """``topic`` is ``projects/<p>/topics/<t>``; ``session`` an authorized requests session."""
        self.topic = topic
        self.session = session

    def send(self, announcement: Announcement) -> str:
        """POST ``topics/<t>:publish`` with one message; its id."""
        data = json.dumps(announcement.to_json(), sort_keys=True).encode()
        message = {
            "data": base64.b64encode(data).decode("ascii"),
            "attributes": {"period": announcement.report.period.name},
        }
        try:
            response = self.session.post(
                f"{PUBSUB_API}/{self.topic}:publish",
                json={"messages": [message]},
                timeout=TIMEOUT_SECONDS,
            )
            response.raise_for_status()
        except Exception as exc:
            # requests' and google-auth's errors alike; only the backend is named.
            raise BackendUnavailableError("notification topic") from exc
        return str(response.json()["messageIds"][0])


class LogNotifier:
    """Writes the JSON message to a log (the local GCP side: there is no Pub/Sub emulator)."""

    def __init__(self, logger: logging.Logger) -> None:
        """Log through ``logger``."""
        self.logger = logger

    def send(self, announcement: Announcement) -> str:
        """One log line with the message, links redacted; the period stands in for an id."""
        # A signed URL is a bearer credential until it expires: never in a log.
        message = announcement.to_json()
        message["files"] = [{**f, "url": REDACTED} for f in message["files"]]
        fields = {"notification": message}
        self.logger.info("report notification", extra={"fields": fields})
        return f"logged-{announcement.report.period.name}"
