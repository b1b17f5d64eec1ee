"""Read-only pages read from the replica; writes never go there (jiuye.core.replica).

The router's rules are checked on every database. The pages are checked where a replica alias
is configured (CI's PostgreSQL run sets DATABASE_REPLICA_URL to a second connection of the same
database): their rows come through the replica's connection, their access-log entries through
the primary's."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jiuye.core import replica
from jiuye.core.models import AccessEvent
from jiuye.core.replica import REPLICA, ReplicaRouter, reads_replica
from jiuye.people.models import Person

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(replica, "replica_in_use", lambda: True)


def test_reads_go_to_the_replica_only_inside_a_marked_view(with_replica) -> None:  # noqa: ANN001
    assert router.db_for_read(Person) is None
    assert reads_replica(lambda: router.db_for_read(Person))() == REPLICA
    assert router.db_for_read(Person) is None  # reset after the view, also after an error

    def failing() -> None:
        raise ValueError

    with pytest.raises(ValueError):
        reads_replica(failing)()
    assert router.db_for_read(Person) is None


def test_without_a_replica_or_with_reads_off_everything_stays_on_default(settings) -> None:  # noqa: ANN001
    # Tests run with replica reads off (conftest); a test's rows are in its own transaction.
    assert reads_replica(lambda: router.db_for_read(Person))() is None
    settings.JIUYE_READ_REPLICA = False
    assert reads_replica(lambda: router.db_for_read(Person))() is None


def test_writes_always_go_to_default_and_the_replica_is_never_migrated(with_replica) -> None:  # noqa: ANN001
    person = Person()
    person._state.db = REPLICA  # a row read from the replica is saved to the primary
    assert reads_replica(lambda: router.db_for_write(Person, instance=person))() == "default"
    assert router.allow_migrate(REPLICA, "people") is False
    assert router.allow_migrate("default", "people") is None


needs_replica = pytest.mark.skipif(
    REPLICA not in connections.settings,
    reason="no DATABASE_REPLICA_URL (CI's PostgreSQL run sets one)",
)


def _middleware_read(sql: str) -> bool:
    # The statement's own table follows its outermost FROM: strip parenthesised subqueries
    # first (the user's row carries its unread-notification count as one).
    depth, outer = 0, []
    for char in sql:
        depth += char == "("
        if depth == 0:
            outer.append(char)
        depth -= char == ")"
    return "".join(outer).split(" FROM ")[1].split()[0].strip('"') in {
        "django_session",
        "accounts_user",
        "otp_totp_totpdevice",
    }


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_marked_pages_read_through_the_replica_connection(settings, client_for) -> None:  # noqa: ANN001
    settings.JIUYE_READ_REPLICA = True
    leader = client_for("leader")
    for url in ("/dashboards/", "/dashboards/public/", "/plan/"):
        with (
            CaptureQueriesContext(connections[REPLICA]) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_default,
        ):
            assert leader.get(url).status_code == 200
        assert on_replica.captured_queries, url
        # The primary still answers the session and the user (middleware, before the view).
        # The primary answers only the middleware: the session, the user and the second factor.
        selects = [q["sql"] for q in on_default.captured_queries if q["sql"].startswith("SELECT")]
        assert all(_middleware_read(sql) for sql in selects), (
            url,
            [sql for sql in selects if not _middleware_read(sql)],
        )


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_an_export_reads_the_replica_and_logs_on_the_primary(settings, client_for) -> None:  # noqa: ANN001
    settings.JIUYE_READ_REPLICA = True
    district = client_for("district")
    before = AccessEvent.objects.using("default").count()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = district.get("/programs/leaders/export.xlsx")
    assert response.status_code == 200
    assert on_replica.captured_queries
    assert AccessEvent.objects.using("default").count() == before + 1
