"""The channels routes: CRUD, pagination, validation before writes, 404/409/415/503."""

import json
import uuid
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def module_postgres_url(postgres_server: Any) -> Iterator[str]:
    """One database for this module's PostgreSQL cases (creating one per test costs seconds)."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    postgres_server.run_sql(f"CREATE DATABASE {name} OWNER {postgres_server.user}")
    yield postgres_server.url(name)
    postgres_server.run_sql(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every channels test on SQLite and on a real PostgreSQL server (production's pg8000)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'channels.db'}"
    url: str = request.getfixturevalue("module_postgres_url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # each test starts with no table, as on a new database
        conn.execute(sa.text("DROP TABLE IF EXISTS channels"))
    engine.dispose()
    return url


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
        ({**CHANNEL, "subscriber_count": "12"}, "subscriber_count"),
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
    ("raw", "error"),
    [
        (b"{not json", "invalid_json"),
        (b'{"id": "a", ', "invalid_json"),
        (b'{"subscriber_count": NaN}', "invalid_json"),
        (b"\xff\xfe{}", "invalid_json"),
        (b"[" * 100_000, "invalid_json"),
        (b"[]", "validation_error"),
        (b'"space-news"', "validation_error"),
        (b"5", "validation_error"),
        (b"null", "validation_error"),
    ],
)
def test_malformed_json_is_told_apart_from_the_wrong_json_value(
    client: FlaskClient, raw: bytes, error: str
) -> None:
    """invalid_json: not JSON at all; validation_error: JSON, but not an object."""
    response = client.post("/channels", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json is not None
    assert (response.json["error"], response.json["field"]) == (error, "body")


def test_missing_body_is_400(client: FlaskClient) -> None:
    """POST and PUT require a body; its absence is named."""
    for response in (client.post("/channels"), client.put("/channels/space-news")):
        assert response.status_code == 400
        assert response.json is not None
        assert response.json["field"] == "body"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CHANNEL, "owner": "me"}, "owner"),
        ({**CHANNEL, "subscriber_count": "12"}, "subscriber_count"),
        ({**CHANNEL, "subscriber_count": 1.5}, "subscriber_count"),
        ({**CHANNEL, "subscriber_count": 12.0}, "subscriber_count"),
        ({**CHANNEL, "subscriber_count": None}, "subscriber_count"),
        ({**CHANNEL, "name": ["n"]}, "name"),
        ({**CHANNEL, "url": "https://"}, "url"),
        ({**CHANNEL, "url": "https:///path"}, "url"),
        ({**CHANNEL, "url": "example.com"}, "url"),
        ({**CHANNEL, "url": "//example.com"}, "url"),
        ({**CHANNEL, "url": "https://exa mple.com"}, "url"),
        ({**CHANNEL, "url": "https://example.com/a b"}, "url"),
        ({**CHANNEL, "url": "https://example.com/\t"}, "url"),
        ({**CHANNEL, "url": "https://example.com/\u00a0"}, "url"),
        ({**CHANNEL, "url": " https://example.com"}, "url"),
        ({**CHANNEL, "url": "javascript:alert(1)"}, "url"),
        ({**CHANNEL, "url": "https://x.io/" + "a" * 2036}, "url"),
        ({**CHANNEL, "name": "\u3000\u2003"}, "name"),
        ({**CHANNEL, "name": "tab\there"}, "name"),
    ],
)
def test_strict_fields_are_400_naming_the_field(
    client: FlaskClient, body: dict[str, Any], field: str
) -> None:
    """Unknown fields, strings for numbers, non-integers, relative or spaced URLs are refused."""
    response = client.post("/channels", json=body)
    assert response.status_code == 400, response.json
    assert response.json is not None
    assert (response.json["error"], response.json["field"]) == ("validation_error", field)
    assert client.get("/channels").json == {"items": [], "next_cursor": None}


def test_boundary_values_are_accepted(client: FlaskClient) -> None:
    """The documented maxima are inclusive."""
    body = {
        "id": "x" * 64,
        "name": "\U0001f600" * 200,  # characters, as PostgreSQL's varchar counts them
        "url": "http://x.io/" + "a" * 2036,
        "subscriber_count": 2**53,
    }
    created = client.post("/channels", json=body)
    assert created.status_code == 201, created.json
    assert created.json is not None
    assert {k: created.json[k] for k in body} == body
    fields = {"name": body["name"], "url": body["url"], "subscriber_count": 12}
    whole = client.put("/channels/" + "x" * 64, json=fields)
    assert whole.status_code == 200, whole.json
    assert whole.json is not None
    assert whole.json["subscriber_count"] == 12


# The classes of input SQLite stores but PostgreSQL (through pg8000) cannot, found by
# trying them on a real server: NUL in text (SQLSTATE 22021), a lone surrogate (pg8000
# cannot encode it, and the half-sent message broke the connection for the next
# request), more characters than the column holds (22001), a count beyond BIGINT (22003).
UNSTORABLE = [
    ({**CHANNEL, "name": "a\x00b"}, "name"),
    ({**CHANNEL, "name": "a\ud800b"}, "name"),
    ({**CHANNEL, "name": "\udfff"}, "name"),
    ({**CHANNEL, "url": "https://x.io/\x00"}, "url"),
    ({**CHANNEL, "url": "https://x.io/\udc80"}, "url"),
    ({**CHANNEL, "id": "a\x00"}, "id"),
    ({**CHANNEL, "id": "\ud83d"}, "id"),
    ({**CHANNEL, "name": "n" * 201}, "name"),
    ({**CHANNEL, "url": "https://x.io/" + "a" * 2036}, "url"),
    ({**CHANNEL, "subscriber_count": 2**63}, "subscriber_count"),
    ({**CHANNEL, "subscriber_count": 2**53 + 1}, "subscriber_count"),
    ({**CHANNEL, "subscriber_count": -(2**63) - 1}, "subscriber_count"),
]


@pytest.mark.parametrize(("body", "field"), UNSTORABLE)
def test_values_postgres_cannot_store_are_400_and_the_next_request_works(
    client: FlaskClient, body: dict[str, Any], field: str
) -> None:
    """Refused at validation, naming the field, on both databases; nothing breaks after."""
    raw = json.dumps(body)  # escapes lone surrogates as \\udXXX, as a client would send them
    response = client.post("/channels", data=raw, content_type="application/json")
    assert response.status_code == 400, response.json
    assert response.json is not None
    assert (response.json["error"], response.json["field"]) == ("validation_error", field)
    replaced = client.put(
        "/channels/space-news", data=raw.replace('"id": "space-news", ', ""),
        content_type="application/json",
    )  # fmt: skip
    assert replaced.status_code in (400, 404)
    _create(client)
    listed = client.get("/channels").json
    assert listed is not None
    assert [c["id"] for c in listed["items"]] == ["space-news"]


@pytest.mark.parametrize(("path", "status"), [("/channels/a%00b", 400), ("/channels/A", 400),
                                              ("/channels/" + "x" * 65, 400),
                                              ("/channels/a%ED%A0%80", 400)])  # fmt: skip
def test_channel_ids_in_the_path_are_checked_before_the_database(
    client: FlaskClient, path: str, status: int
) -> None:
    """A path id that is no slug is a 400 naming channel_id on every method."""
    for method in ("GET", "DELETE", "PUT"):
        body = {"name": "n", "url": "https://x.io", "subscriber_count": 1}
        response = client.open(path, method=method, json=body if method == "PUT" else None)
        assert response.status_code == status, (method, response.json)
        assert response.json is not None
        assert response.json["field"] == "channel_id"


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=201", "limit"), ("limit=x", "limit"),
     ("cursor=%%%", "cursor"), ("limit=1&limit=2", "limit"), ("limit=", "limit"),
     ("limit=+5", "limit"), ("limit=%205", "limit"), ("limit=5.0", "limit"),
     ("limit=99999999999999999999999", "limit"), ("cursor=", "cursor"),
     ("cursor=c3BhY2UtbmV3cw", "cursor"), ("cursor=" + "A" * 8193, "cursor")],
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
