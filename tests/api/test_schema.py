import logging
import re

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from locator.api.query import ALLOWED_PARAMETERS
from locator.log_filters import DropQueryStrings


def test_openapi_schema_generates_validates_and_documents_every_parameter():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    operation = schema["paths"]["/api/v1/providers/"]["get"]
    documented = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(documented) == ALLOWED_PARAMETERS
    assert all(parameter.get("description") for parameter in documented.values())
    assert {"/api/v1/providers/{provider_id}/", "/api/v1/meta/"} <= set(schema["paths"])


# What makes a browser fetch: src, <link href> (stylesheets, icons, preloads), CSS @import and url().
_FETCHED = re.compile(
    r"""\bsrc=["']([^"']+)|<link\b[^>]*\bhref=["']([^"']+)|@import\s+(?:url\()?["']?([^"')\s;]+)|url\(["']?([^"')]+)"""
)


def fetched_urls(text: str) -> set[str]:
    return {url for match in _FETCHED.findall(text) for url in match if url}


@pytest.mark.parametrize("path", ["/", "/?near=74103", "/about/", "/api/v1/docs/", "/api/v1/docs/?script="])
def test_no_page_fetches_anything_from_another_host(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    others = {url for url in fetched_urls(response.content.decode()) if re.match(r"^(https?:)?//", url)}
    assert others == set(), path


def test_schema_and_docs_are_served_from_this_site(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert "/api/v1/providers/" in yaml.safe_load(response.content)["paths"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    script = client.get("/api/v1/docs/?script=").content.decode()
    assert "validatorUrl" in script and "null" in script


def test_access_log_lines_lose_their_query_string():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /api/v1/providers/?near=74103 HTTP/1.1", 200, 512),
        None,
    )
    DropQueryStrings().filter(record)
    assert record.getMessage() == '"GET /api/v1/providers/ HTTP/1.1" 200 512'
