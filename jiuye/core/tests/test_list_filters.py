"""The choice filters of a list page read from the query string, written once: a value that is
not offered is dropped (the list shows all) with a message saying so."""

from __future__ import annotations

from django.test import RequestFactory

from jiuye.core.listing import choices_asked


def test_offered_values_are_kept_and_others_dropped_with_their_message() -> None:
    request = RequestFactory().get("/", {"kind": " a ", "town": "x9"})

    chosen, errors = choices_asked(
        request,
        ("kind", ["a", "b"], "no such kind"),
        ("town", {"t1"}, "no such town"),
        ("status", ["on"], "no such status"),
    )

    assert chosen == {"kind": "a", "town": "", "status": ""}
    assert errors == ["no such town"]
