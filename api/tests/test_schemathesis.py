"""Schema-driven property test (schemathesis): every operation of the schema, called through the WSGI application
with generated input; never a 5xx, and every answer (status, content type, headers, body) as the schema says."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance, ignored_auth, not_a_server_error, response_headers_conformance,
    response_schema_conformance, status_code_conformance,
)

from api.pages import api_schema
from api.tests.helpers import client_make, offence_codes_map, token_of

schema = schemathesis.openapi.from_dict(api_schema())
schema.app = WSGIHandler()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, ignored_auth]
# Cases run per operation (README, "Integration API"): printed, and checked, when the module's tests are done.
RUN: dict[str, int] = {}
OPERATIONS = [f"{method.upper()} {path}" for path, methods in api_schema()["paths"].items() for method in methods]


@pytest.fixture(scope="module")
def cases_counted():
    yield RUN
    print(f"\nschemathesis: {len(RUN)} of {len(OPERATIONS)} operations here, {sum(RUN.values())} cases: {RUN}")
    assert all(count >= 10 for count in RUN.values()), RUN  # each operation was really exercised


@pytest.fixture
def token(db):
    """One client with every scope, a rate limit the test will not reach, and the catalogue's codes mapped."""
    offence_codes_map()
    client, secret = client_make(rate=100_000)
    token = token_of(client, secret)  # through Django's test client, which connects the signals below again
    # In a test the database transaction is the test's: requests must not close its connection at their end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_every_operation_answers_as_its_schema_says(case, token, cases_counted):
    cases_counted[case.operation.label] = cases_counted.get(case.operation.label, 0) + 1
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_property_test_is_made_for_every_operation_of_the_schema():
    labels = {operation.ok().label for operation in schema.get_all_operations()}
    assert labels == set(OPERATIONS) and len(OPERATIONS) == 3
