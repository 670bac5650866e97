"""The document and the validators agree: values derived from /openapi.json get what it promises."""

import base64
import itertools
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from crosscloud_api import contract
from crosscloud_api.routes import limits_of
from crosscloud_api.settings import Settings
from flask.testing import FlaskClient

# A channel and a file exist before each probe, so a valid request can succeed.
CHANNEL = {"id": "base", "name": "Base", "url": "https://example.com/base"}
VALID = {
    ("/channels", "post"): lambda: {**CHANNEL, "id": "probe"},
    ("/channels/{channel_id}", "put"): lambda: (
        {k: CHANNEL[k] for k in ("name", "url")} | {"subscriber_count": 3}
    ),
    ("/files", "post"): lambda: {
        "key": "probe.txt",
        "content": base64.b64encode(b"hi").decode(),
        "content_type": "text/plain",
    },
    ("/files/{key}/link", "post"): lambda: {"expires_in": 60},
    ("/files/{key}/upload-link", "post"): lambda: {"content_type": "text/plain"},
}
PATHS = {"{channel_id}": "base", "{key}": "base.txt"}
REJECTED = {400, 413, 415}
TRICKY = ["", " ", "\u3000", "a b", "A", "-a", "a-", "a\x00b", "a\x1fb", "a\x85b", "a/b",
          "a//b", "./a", "a/..", "a\\b", "http://", "https://x", "https://x y", "ftp://x",
          "https://x/\u00a0", "text/html", "text/plain", "image/png; charset=x", "QQ==",
          "QQ=", "Q===", "\U0001f600", 0, -1, 1, 1.5, 2.0, True, None, [], {}]  # fmt: skip


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    """The served document, with a channel and a file in place."""
    assert client.post("/channels", json=CHANNEL).status_code == 201
    body = {"key": "base.txt", "content": "aGk=", "content_type": "text/plain"}
    assert client.post("/files", json=body).status_code == 201
    served = client.get("/openapi.json").json
    assert served is not None
    return served


def _body_schema(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    """The JSON request-body schema of an operation."""
    return document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]


def _variants(schema: dict[str, Any], valid: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Bodies at and beyond every limit the document states, and the tricky values."""
    variants: list[tuple[str, dict[str, Any]]] = [("valid", valid), ("unknown", {**valid, "x": 1})]
    for name, prop in schema["properties"].items():
        values: list[Any] = list(TRICKY)
        if "maxLength" in prop and prop["maxLength"] < 10_000:
            longest = prop["maxLength"]
            values += ["a" * longest, "a" * (longest + 1), "x.io/" + "a" * (longest - 5)]
            values += [
                "https://x.io/" + "a" * (longest - 13),
                "https://x.io/" + "a" * (longest - 12),
            ]
        if "minimum" in prop:
            values += [prop["minimum"] - 1, prop["minimum"], prop["maximum"], prop["maximum"] + 1]
        values += prop.get("enum", [])
        variants += [(f"{name}={value!r:.40}", {**valid, name: value}) for value in values]
        if name in schema.get("required", []):
            variants.append((f"no {name}", {k: v for k, v in valid.items() if k != name}))
    return variants


@pytest.mark.parametrize(("path", "method"), sorted(VALID))
def test_every_body_limit_in_the_document_is_what_the_api_enforces(
    client: FlaskClient, document: dict[str, Any], path: str, method: str
) -> None:
    """A body the document's schema accepts is accepted; one it refuses is a 400/413/415."""
    schema = _body_schema(document, path, method)
    validator = jsonschema.Draft4Validator(schema)
    url = path
    for placeholder, value in PATHS.items():
        url = url.replace(placeholder, value)
    disagreements = []
    for label, body in _variants(schema, VALID[(path, method)]()):
        response = client.open(url, method=method.upper(), json=body)
        documented = validator.is_valid(body)
        if documented == (response.status_code in REJECTED):
            disagreements.append((label, documented, response.status_code, response.json))
        if response.status_code == 201:  # undo, so the next variant meets the same state
            client.delete(response.headers["Location"])
    assert disagreements == []


def test_required_fields_per_operation(document: dict[str, Any]) -> None:
    """POST /channels needs id, name and url; PUT needs every writable field and takes no id."""
    create = _body_schema(document, "/channels", "post")
    replace = _body_schema(document, "/channels/{channel_id}", "put")
    assert create["required"] == ["id", "name", "url"]
    assert replace["required"] == ["name", "url", "subscriber_count"]
    assert "id" not in replace["properties"]
    for path, method in VALID:
        assert _body_schema(document, path, method)["additionalProperties"] is False
        body = document["paths"][path][method]["requestBody"]
        assert body["required"] is (path != "/files/{key}/link")


@pytest.mark.parametrize(
    "key",
    ["a", "a/b.txt", "cat one.png", "x" * 1024, "x" * 1025, "\u00e9" * 512, "\u00e9" * 513,
     "../etc", "a/./b", "a/", "a\\b", "a\x7fb", "a\u0085b", "..a", "a..", "...", ".hidden"],
)  # fmt: skip
def test_key_rules_in_the_document_are_what_the_api_enforces(
    client: FlaskClient, document: dict[str, Any], key: str
) -> None:
    """The key parameter's pattern, maxLength and x-maxBytes decide between 400 and 404."""
    schema = document["paths"]["/files/{key}"]["parameters"][0]["schema"]
    documented = jsonschema.Draft4Validator(schema).is_valid(key) and (
        len(key.encode()) <= schema["x-maxBytes"]
    )
    response = client.get("/files/" + quote(key, safe="/"))
    assert response.status_code == (404 if documented else 400), response.json


QUERIES = [
    ("/channels", "limit"),
    ("/files", "limit"),
    ("/files", "prefix"),
    ("/channels", "cursor"),
]


@pytest.mark.parametrize(("path", "name"), QUERIES)
def test_query_rules_in_the_document_are_what_the_api_enforces(
    client: FlaskClient, document: dict[str, Any], path: str, name: str
) -> None:
    """Each query parameter: the document's bounds, and an empty value, decide 200 or 400."""
    [parameter] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    schema = parameter["schema"]
    if schema["type"] == "integer":
        low, high = schema["minimum"], schema["maximum"]
        cases = {str(v): low <= v <= high for v in (low - 1, low, high, high + 1)}
        cases |= {"": False, "x": False, "1.0": False, " 1": False}
    else:
        cases = {v: jsonschema.Draft4Validator(schema).is_valid(v) for v in ("", "a/", "a//", "a")}
    for value, documented in cases.items():
        response = client.get(path, query_string={name: value})
        if name == "cursor" and documented:  # any pattern-valid string, but not one we issued
            assert response.json is not None
            assert response.json["error"] == "invalid_cursor"
            continue
        assert response.status_code == (200 if documented else 400), (value, response.json)


def test_every_operation_documents_its_errors(document: dict[str, Any]) -> None:
    """Each operation lists the error statuses its code can raise, a 503 with Retry-After."""
    operations = {
        (path, method): set(op["responses"])
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }
    assert operations[("/channels", "post")] == {"201", "400", "409", "413", "415", "500", "503"}
    assert operations[("/files/{key}", "get")] == {"200", "400", "404", "500", "503"}
    assert operations[("/health", "get")] == {"200", "500"}
    assert all("500" in statuses for statuses in operations.values())
    unavailable = document["components"]["responses"]["Error503"]
    assert unavailable["headers"]["Retry-After"]["required"] is True
    links = document["paths"]["/channels"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {
        "getChannel",
        "replaceChannel",
        "deleteChannel",
    }


def test_document_is_built_from_the_contracts_own_rules(settings: Settings) -> None:
    """Each body schema in the document is the contract's Body, not a second copy of it."""
    from crosscloud_api.routes.openapi import build_spec

    deployed = limits_of(settings)
    spec = build_spec(deployed)
    pairs = [(contract.CREATE_CHANNEL, "/channels", "post"),
             (contract.REPLACE_CHANNEL, "/channels/{channel_id}", "put"),
             (contract.UPLOAD_LINK, "/files/{key}/upload-link", "post")]  # fmt: skip
    for body, path, method in pairs:
        assert _body_schema(spec, path, method) == body.schema(deployed)
    assert list(itertools.chain(spec["paths"]))  # the document has paths at all
