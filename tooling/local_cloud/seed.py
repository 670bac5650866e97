"""Sample channels, created through each endpoint's real API on start."""

import requests

from tooling.local_cloud.processes import StartupError

SAMPLE_CHANNELS = (
    {"id": "crosscloud-news", "name": "Crosscloud News", "url": "https://example.com/news",
     "subscriber_count": 1200},
    {"id": "serverless-weekly", "name": "Serverless Weekly",
     "url": "https://example.com/serverless", "subscriber_count": 845},
    {"id": "pulumi-tips", "name": "Pulumi Tips", "url": "https://example.com/pulumi",
     "subscriber_count": 310},
)  # fmt: skip
TIMEOUT_SECONDS = 30


def channels(base_url: str) -> None:
    """POST each sample channel; a 409 (already there) is fine."""
    for channel in SAMPLE_CHANNELS:
        response = requests.post(f"{base_url}/channels", json=channel, timeout=TIMEOUT_SECONDS)
        if response.status_code not in (201, 409):
            raise StartupError(
                f"seeding {channel['id']} on {base_url} failed: "
                f"{response.status_code} {response.text[:300]}"
            )
