import logging

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


def test_schema_and_docs_are_served_without_third_party_scripts(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert "/api/v1/providers/" in yaml.safe_load(response.content)["paths"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn." not in docs and "jsdelivr" not in docs


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
