"""Schema fuzzing: requests generated from our own OpenAPI schema, valid and invalid, against the real
directory. Every answer must conform to the schema (status, content type, body, headers) and none may
be a server error. A fixed seed makes a failure reproduce."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from config.wsgi import application

SEED = 20261125
# Generated requests per operation; the search takes most, since it has all the parameters.
EXAMPLES = {
    "GET /api/v1/providers/": 900,
    "GET /api/v1/providers/{provider_id}/": 250,
    "GET /api/v1/meta/": 20,
    "GET /api/v1/access/": 80,
    "GET /api/v1/access/critical/": 30,
    "GET /api/v1/export/{name}": 10,
    "GET /api/v1/changes/": 60,
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi_calls_share_the_test_connection():
    """Django closes a connection that is inside a transaction at the end of each request; the test's
    own transaction must survive the calls (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # The anonymous rate limit is tested on its own; here it would answer most requests with 429.
    with override_settings(LOCATOR_API_RATE_LIMIT="off"):
        yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_generated_requests_conform_to_the_schema_and_never_fail(
    shared_directory, shared_access, shared_exports, wsgi_calls_share_the_test_connection
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    requests_sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    for operation_result in schema.get_all_operations():
        operation = operation_result.ok()
        label = f"{operation.method.upper()} {operation.path}"

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES[label],
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
            | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        )
        def call(case) -> None:
            response = case.call_and_validate(checks=CHECKS)
            requests_sent[label] += 1
            statuses[response.status_code] += 1

        call()
    assert set(requests_sent) == set(EXAMPLES)
    assert sum(requests_sent.values()) >= 1000, requests_sent
    # Both sides were reached: answers and refusals.
    assert statuses[200] and statuses[400], statuses
