"""The channels routes: CRUD, pagination, validation before writes, 404/409/415/503."""

from pathlib import Path
from typing import Any

import pytest
from crosscloud_api import Services, Settings, create_app
from crosscloud_api.channels import ChannelRepository
from crosscloud_api.database import open_database
from crosscloud_api.settings import UrlDatabase
from crosscloud_api.storage.s3 import S3Store
from flask.testing import FlaskClient

CHANNEL = {"id": "space-news", "name": "Space News", "url": "https://example.com/space"}


def _create(client: FlaskClient, **overrides: Any) -> dict[str, Any]:
    """Create a channel and return its JSON."""
    response = client.post("/channels", json={**CHANNEL, **overrides})
    assert response.status_code == 201, response.json
    assert response.json is not None
    return response.json


def test_create_then_read(client: FlaskClient) -> None:
    """A created channel is returned with defaults and timestamps, and can be read back."""
    response = client.post("/channels", json=CHANNEL)
    assert response.status_code == 201
    assert response.headers["Location"] == "/channels/space-news"
    created = response.json
    assert created is not None
    assert created["subscriber_count"] == 0
    assert created["created_at"] == created["updated_at"]
    assert created["created_at"].endswith("Z")
    assert client.get("/channels/space-news").json == created


def test_duplicate_id_is_a_conflict(client: FlaskClient) -> None:
    """The second POST of an id gets 409 and leaves the first channel unchanged."""
    first = _create(client)
    response = client.post("/channels", json={**CHANNEL, "name": "Other"})
    assert response.status_code == 409
    assert response.json == {"error": "conflict", "message": "channel 'space-news' already exists"}
    assert client.get("/channels/space-news").json == first


def test_replace_updates_fields(client: FlaskClient) -> None:
    """PUT replaces name, url and subscriber count."""
    _create(client)
    body = {"name": "Space", "url": "https://example.org", "subscriber_count": 42}
    response = client.put("/channels/space-news", json=body)
    assert response.status_code == 200
    assert response.json is not None
    assert {k: response.json[k] for k in body} == body
    assert client.get("/channels/space-news").json == response.json


def test_replace_rejects_mismatched_id_and_missing_count(client: FlaskClient) -> None:
    """PUT validates the body before writing."""
    _create(client)
    mismatch = client.put("/channels/space-news", json={**CHANNEL, "id": "other"})
    assert mismatch.status_code == 400
    assert mismatch.json is not None
    assert mismatch.json["field"] == "id"
    missing = client.put("/channels/space-news", json={"name": "n", "url": "https://x.io"})
    assert missing.status_code == 400
    assert missing.json is not None
    assert missing.json["field"] == "subscriber_count"
    stored = client.get("/channels/space-news").json
    assert stored is not None
    assert stored["name"] == "Space News"


def test_delete_then_404(client: FlaskClient) -> None:
    """DELETE answers 204; the channel is gone afterwards, and a second DELETE is 404."""
    _create(client)
    assert client.delete("/channels/space-news").status_code == 204
    assert client.get("/channels/space-news").status_code == 404
    second = client.delete("/channels/space-news")
    assert second.status_code == 404
    assert second.json == {"error": "not_found", "message": "channel 'space-news' not found"}


def test_put_unknown_channel_is_404(client: FlaskClient) -> None:
    """Replacing a channel that does not exist creates nothing."""
    body = {"name": "n", "url": "https://x.io", "subscriber_count": 1}
    assert client.put("/channels/ghost", json=body).status_code == 404
    assert client.get("/channels").json == {"items": [], "next_cursor": None}


def test_pagination_walks_every_channel_in_id_order(client: FlaskClient) -> None:
    """limit and the opaque cursor page through all channels exactly once."""
    for channel_id in ["c-3", "a-1", "e-5", "b-2", "d-4"]:
        _create(client, id=channel_id)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = client.get("/channels", query_string=query).json
        assert page is not None
        seen += [c["id"] for c in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["a-1", "b-2", "c-3", "d-4", "e-5"]
    assert pages == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CHANNEL, "id": "Not A Slug"}, "id"),
        ({**CHANNEL, "id": "-leading"}, "id"),
        ({**CHANNEL, "id": "x" * 65}, "id"),
        ({k: v for k, v in CHANNEL.items() if k != "name"}, "name"),
        ({**CHANNEL, "name": "   "}, "name"),
        ({**CHANNEL, "name": "n" * 201}, "name"),
        ({**CHANNEL, "url": "ftp://example.com"}, "url"),
        ({**CHANNEL, "url": 5}, "url"),
        ({**CHANNEL, "subscriber_count": -1}, "subscriber_count"),
        ({**CHANNEL, "subscriber_count": True}, "subscriber_count"),
        ({**CHANNEL, "subscriber_count": "12"}, None),
    ],
)
def test_invalid_channel_is_rejected_before_any_write(
    client: FlaskClient, body: dict[str, Any], field: str | None
) -> None:
    """Each invalid field gives 400 naming it, and nothing is stored."""
    response = client.post("/channels", json=body)
    if field is None:  # a numeric string is accepted as a count
        assert response.status_code == 201
        assert response.json is not None
        assert response.json["subscriber_count"] == 12
        return
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["error"] == "validation_error"
    assert response.json["field"] == field
    assert client.get("/channels").json == {"items": [], "next_cursor": None}


def test_non_json_body_is_415_and_malformed_json_is_400(client: FlaskClient) -> None:
    """The media type is checked before the body is parsed."""
    form = client.post("/channels", data={"id": "x"})
    assert form.status_code == 415
    assert form.json is not None
    assert form.json["error"] == "unsupported_media_type"
    broken = client.post("/channels", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json is not None
    assert broken.json["field"] == "body"


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=201", "limit"), ("limit=x", "limit"),
     ("cursor=%%%", "cursor"), ("limit=1&limit=2", "limit")],
)  # fmt: skip
def test_invalid_list_parameters(client: FlaskClient, query: str, field: str) -> None:
    """Bad or repeated query parameters give 400 naming the parameter."""
    response = client.get(f"/channels?{query}")
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["field"] == field


def test_database_down_is_503_with_retry_after(
    settings: Settings, s3_store: S3Store, tmp_path: Path
) -> None:
    """An unreachable database maps to 503 naming only the backend."""
    missing = f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}"
    services = Services(s3_store, ChannelRepository(lambda: open_database(UrlDatabase(missing))))
    response = create_app(settings, services).test_client().get("/channels")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json == {
        "error": "backend_unavailable",
        "message": "the database is unavailable, retry later",
    }
