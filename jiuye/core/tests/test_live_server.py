"""The test harness's live server: on SQLite one request at a time (its threads would share
the test's in-memory connection), and a transactional test's flush waits for the requests
still being answered (conftest.py)."""

from __future__ import annotations

import socketserver
import threading

import pytest
from django.db import connection

from conftest import LiveRequests


@pytest.mark.django_db(transaction=True)
def test_the_live_server_is_threaded_only_where_each_thread_has_its_own_connection(
    live_server,  # noqa: ANN001
) -> None:
    threaded = isinstance(live_server.thread.httpd, socketserver.ThreadingMixIn)
    assert threaded == (connection.vendor != "sqlite")


def _in_a_thread(work) -> None:  # noqa: ANN001
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_the_flush_waits_for_a_request_of_another_thread_and_fails_past_the_limit() -> None:
    requests = LiveRequests()
    requests.LIMIT = 0.2
    _in_a_thread(requests.started)
    with pytest.raises(pytest.fail.Exception, match="still answering 1 request"):
        requests.wait_until_idle()
    _in_a_thread(requests.finished)
    requests.wait_until_idle()  # returns at once
    # The test's own client runs in the main thread and is never waited for.
    requests.started()
    requests.wait_until_idle()
