"""schemathesis against the API's own schema, in-process (the Django WSGI application, no
server): every operation of /api/v1/openapi.json with bodies and parameters drawn by
hypothesis from the schema, each case sent with a district key and a town officer's key. No
answer may be a server error, and every answer must be what the schema says (its content type
and, where the schema declares one, its body). A few examples per operation keep the run
short."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

pytestmark = pytest.mark.django_db

# Examples drawn per operation (each sent with both keys).
EXAMPLES = 4

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def connections_kept() -> Iterator[None]:
    """The WSGI application is called straight, not through the test client: like the client,
    keep Django from closing the database connection at each request's start and end (it would
    close the test's own, open transaction on PostgreSQL, whose connections persist)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("connections_kept")
def test_every_operation_answers_as_the_schema_says(api_keys, settings) -> None:  # noqa: ANN001
    # Hundreds of calls in a minute: the per-key limit is not what is tested here.
    settings.JIUYE_API_RATE_PER_MINUTE = 1_000_000
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = [{"Authorization": f"Bearer {api_keys[name]}"} for name in ("district", "town_a")]
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every operation of the schema, none skipped as unreadable.
    declared = [(m, p) for p, item in schema.raw_schema["paths"].items() for m in item]
    assert len(operations) == len(declared) > 15

    failures: list[str] = []
    called: set[str] = set()
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_the_schema_says(case: Any) -> None:
            called.add(case.operation.label)
            for header in headers:
                response = case.call(headers=header)
                case.validate_response(response, checks=CHECKS)

        try:
            answers_as_the_schema_says()
        except Exception as failure:  # noqa: BLE001 - every operation's failure is reported
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
    assert called == {operation.label for operation in operations}
