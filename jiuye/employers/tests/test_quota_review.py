"""The whole-year review (``quota_review``): its worker processes and the skipping of
declarations whose inputs did not change give exactly the results of the plain path (one
process, every declaration recomputed), and a changed input is re-reviewed."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command

from conftest import TOWN_A, make_id_number, make_uscc
from jiuye.core.tests.priority import record_priority, wanted_nice, worker_priorities
from jiuye.employers import services
from jiuye.employers.management.commands import quota_review
from jiuye.employers.models import Declaration, DeclarationStatus, DeclaredEmployee, Employer
from jiuye.employers.tests.declaration_fixtures import YEAR
from jiuye.employers.tests.declaration_fixtures import line as _line
from jiuye.employers.tests.declaration_fixtures import person as _person
from jiuye.people.models import Person
from jiuye.reference.models import DisabilityGrade, Region

pytestmark = pytest.mark.django_db

RESULT_FIELDS = [
    "pk",
    "policy_id",
    "staff",
    "required",
    "counted",
    "shortfall",
    "wage_used",
    "levy_before",
    "levy_payable",
    "met",
    "exempt",
    "steps",
    "review_digest",
]


def _employer(n: int, kind: str = "private") -> Employer:
    return Employer.objects.create(
        name=f"单位{n}",
        uscc=make_uscc(f"91440199MA5T{n:04d}X"),
        kind=kind,
        region=Region.objects.get(code=TOWN_A),
    )


def _declare(employer: Employer, lines: list[dict[str, Any]], staff: int = 200) -> Declaration:
    declaration = services.declaration_start(employer=employer, year=YEAR, by=None)
    declaration = services.declaration_save(
        declaration=declaration, by=None, staff_annual=staff, wage_total=staff * 80000
    )
    for values in lines:
        services.employee_add(declaration=declaration, by=None, **values)
    return declaration


def _results() -> tuple[list[tuple], list[tuple]]:
    declarations = list(Declaration.objects.order_by("pk").values_list(*RESULT_FIELDS))
    lines = list(
        DeclaredEmployee.objects.order_by("pk").values_list(
            "pk", "person_id", "counts", "checks", "conflict"
        )
    )
    return declarations, lines


def _review(**options: Any) -> str:
    out = StringIO()
    call_command("quota_review", year=YEAR, stdout=out, **options)
    return out.getvalue().split(" in ")[0]


def _spoil() -> None:
    """Results unlike any the review computes, and no digests."""
    Declaration.objects.update(counted=77, levy_payable=1, steps=[], review_digest="")
    DeclaredEmployee.objects.update(counts=0, checks=[], conflict=False, person=None)


@pytest.fixture
def year_of_declarations(reference) -> dict[str, Any]:  # noqa: ANN001
    """Seven declarations: double-counted grades, a person not in the registry, a wage under
    the minimum, a person claimed by two employers, a small exempt enterprise, an agency, and a
    draft that claims a person listed elsewhere (a draft claims nothing until it is sent)."""
    persons = [_person(200 + n, grade=1 + n % 4) for n in range(12)]
    unknown = make_id_number(seq=299)  # not in the registry
    missing = _line(
        SimpleNamespace(name="无登记", id_number=unknown, certificate_number=f"{unknown}43")
    )
    declarations = {}
    for n in range(7):
        kind = "agency" if n == 5 else "private"
        staff = 20 if n == 4 else 100 + 50 * n
        lines = [_line(persons[n]), _line(persons[n + 1])]
        if n == 2:
            lines.append(_line(persons[9], monthly_wage=1000))
        if n == 3:
            lines.append(_line(persons[1]))  # also declared by employer 0 and 1
        declarations[n] = _declare(_employer(n, kind), lines, staff=staff)
    declarations[7] = _declare(_employer(7), [_line(persons[10]), missing])
    for n in range(7):
        services.declaration_submit(declaration=declarations[n], by=None)
    draft = _declare(_employer(8), [_line(persons[11]), _line(persons[7])])
    return {"persons": persons, "declarations": declarations, "draft": draft}


def test_workers_and_skipping_give_the_results_of_the_plain_path(
    year_of_declarations, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setattr(quota_review, "CHUNK", 2)  # five chunks: the workers are used
    _spoil()
    assert _review(workers=1, all=True) == f"year {YEAR}: reviewed 9, recomputed 9 (0 unchanged)"
    plain = _results()
    assert any(conflict for *_, conflict in plain[1])  # the data has a conflict to find
    assert any(counted == 0 for _pk, _p, _s, _r, counted, *_ in plain[0])
    _spoil()
    assert _review(workers=2) == f"year {YEAR}: reviewed 9, recomputed 9 (0 unchanged)"
    assert _results() == plain
    assert _review(workers=2) == f"year {YEAR}: reviewed 9, recomputed 0 (9 unchanged)"
    assert _review(workers=1) == f"year {YEAR}: reviewed 9, recomputed 0 (9 unchanged)"
    assert _results() == plain
    # A result changed behind the review's back is put right.
    first = year_of_declarations["declarations"][0]
    Declaration.objects.filter(pk=first.pk).update(counted=99)
    assert _review(workers=2) == f"year {YEAR}: reviewed 9, recomputed 1 (8 unchanged)"
    assert _results() == plain


def test_the_workers_run_below_the_review_s_own_priority(
    year_of_declarations, monkeypatch, settings, tmp_path
) -> None:  # noqa: ANN001
    """The review's checkers yield the CPU to pages served beside it (JIUYE_WORKER_NICE)."""
    import os

    own = os.getpriority(os.PRIO_PROCESS, 0)
    monkeypatch.setattr(quota_review, "CHUNK", 2)
    settings.JIUYE_WORKER_NICE = wanted_nice()
    seen = tmp_path / "priorities"
    record_priority(monkeypatch, quota_review, "review_run", seen)
    assert _review(workers=2, all=True) == f"year {YEAR}: reviewed 9, recomputed 9 (0 unchanged)"
    assert worker_priorities(seen) == {settings.JIUYE_WORKER_NICE}
    assert os.getpriority(os.PRIO_PROCESS, 0) == own


def test_the_workers_check_with_the_cycle_collector_paused(
    year_of_declarations, monkeypatch, tmp_path
) -> None:  # noqa: ANN001
    """Each chunk is checked with the cycle collector off (core.workers.collector_paused), and
    the review's own process has it on again afterwards."""
    import gc
    import os

    monkeypatch.setattr(quota_review, "CHUNK", 2)
    seen = tmp_path / "collector"
    real = quota_review.review_run

    def recorded(*args: Any, **kwargs: Any) -> Any:
        with seen.open("a") as handle:
            handle.write(f"{os.getpid()} {int(gc.isenabled())}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(quota_review, "review_run", recorded)
    assert gc.isenabled()
    assert _review(workers=2, all=True) == f"year {YEAR}: reviewed 9, recomputed 9 (0 unchanged)"
    calls = [line.split() for line in seen.read_text().splitlines()]
    assert len(calls) == 5
    assert {enabled for _pid, enabled in calls} == {"0"}
    assert gc.isenabled()


def test_a_changed_input_is_reviewed_again(year_of_declarations, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(quota_review, "CHUNK", 2)
    persons = year_of_declarations["persons"]
    declarations = year_of_declarations["declarations"]
    _review(workers=1, all=True)

    def reviewed_again(change: Any) -> set[Any]:
        before = dict(Declaration.objects.values_list("pk", "review_digest"))
        change()
        out = _review(workers=2)
        after = dict(Declaration.objects.values_list("pk", "review_digest"))
        changed = {pk for pk in after if after[pk] != before[pk]}
        n = len(changed)
        assert out == f"year {YEAR}: reviewed 9, recomputed {n} ({9 - n} unchanged)"
        # Exactly what the plain path computes from the same data.
        skipped = _results()
        _spoil()
        _review(workers=1, all=True)
        assert _results() == skipped
        return changed

    # A registry person's grade: employer 0's grade-1 person (counted twice) becomes grade 3.
    only_here = persons[0]
    assert declarations[0].employees.get(person=only_here).counts == 2
    assert reviewed_again(
        lambda: Person.objects.filter(pk=only_here.pk).update(
            grade=DisabilityGrade.objects.get(code=3)
        )
    ) == {declarations[0].pk}
    assert declarations[0].employees.get(person=only_here).counts == 1

    # A line: a wage under the minimum.
    line = declarations[4].employees.first()
    assert reviewed_again(
        lambda: DeclaredEmployee.objects.filter(pk=line.pk).update(monthly_wage=100)
    ) == {declarations[4].pk}
    assert DeclaredEmployee.objects.get(pk=line.pk).counts == 0

    # A competing claim in another declaration: the draft listing employer 6's person is sent.
    draft = year_of_declarations["draft"]
    claimed = persons[7]  # on employer 6's list only
    assert not declarations[6].employees.get(person=claimed).conflict
    changed = reviewed_again(
        lambda: Declaration.objects.filter(pk=draft.pk).update(status=DeclarationStatus.SUBMITTED)
    )
    # The draft's own claims did not change: only employer 6 is reviewed again.
    assert changed == {declarations[6].pk}
    assert declarations[6].employees.get(person=claimed).conflict


def test_the_year_s_contested_persons_give_the_claims_each_declaration_computed(
    year_of_declarations,  # noqa: ANN001
) -> None:
    """The review reads once which persons two employers claim (``contested_persons``); each
    submission computed its own declaration asking the database line by line. The same
    answers: the review finds every sent declaration as its submission left it."""
    from jiuye.employers.services.review import contested_persons

    persons = year_of_declarations["persons"]
    # Neighbouring employers share a person (persons 1 to 6); the drafts claim no one.
    assert contested_persons(YEAR) == {persons[n].id_number_index for n in range(1, 7)}
    before = dict(Declaration.objects.values_list("pk", "review_digest"))
    assert _review(workers=2) == f"year {YEAR}: reviewed 9, recomputed 2 (7 unchanged)"
    after = Declaration.objects.values_list("pk", "review_digest", "status")
    # Only the two drafts, which no submission computed.
    assert {status for pk, digest, status in after if digest != before[pk]} == {"draft"}
    assert sum(1 for _pk, _digest, status in after if status == "draft") == 2
