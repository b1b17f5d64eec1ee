"""Every URL × every role: who may open what. A new URL must be added here to pass."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import (
    employer_a_create,
    person_a_create,
    personas_create,
    plan_create,
    rows_for_the_module,
)
from jiuye.actionplan.models import ProgressReport, ReportAttachment, Task
from jiuye.core.models import ImportBatch
from jiuye.core.tests.matrix import (
    ALL,
    AUDITORS,
    PERSONAL,
    PLANNERS,
    REPORTERS,
    STAFF,
    Kwargs,
    access,
    alike,
)
from jiuye.people.models import (
    ChangeRequest,
    DuplicatePair,
    Person,
    PersonMerge,
    RegistrationApplication,
    TransferRequest,
)
from jiuye.reference.models import Department


def _task(w: dict[str, Any]) -> Task:
    return Task.objects.get(action__plan=w["plan"], action__number=10, position=1)


def _report(w: dict[str, Any]) -> ProgressReport:
    report, _ = ProgressReport.objects.get_or_create(
        task=_task(w),
        period=w["plan"].periods.get(year=2023),
        department=Department.objects.get(code="rsj"),
        defaults={"narrative": "进展"},
    )
    return report


def _attachment(w: dict[str, Any]) -> ReportAttachment:
    report = _report(w)
    attachment = report.attachments.first()
    if attachment is None:
        attachment = ReportAttachment(
            report=report, original_name="a.pdf", content_type="application/pdf", size=9
        )
        attachment.file.save("a", ContentFile(b"%PDF-test"), save=False)
        attachment.save()
    return attachment


def _batch(w: dict[str, Any]) -> ImportBatch:
    batch = ImportBatch.objects.filter(original_name="matrix.csv").first()
    return batch or ImportBatch.objects.create(
        kind="persons", original_name="matrix.csv", created_by=w["personas"]["district"]
    )


def _transfer(w: dict[str, Any]) -> TransferRequest:
    """A town_b officer's request to move the job seeker's person (东城) into 西城."""
    transfer = TransferRequest.objects.first()
    return transfer or TransferRequest.objects.create(
        person_id=w["personas"]["jobseeker"].person_id,
        region_id="440199002001",
        name="matrix",
        created_by=w["personas"]["town_b"],
    )


def _export(w: dict[str, Any]) -> dict[str, Any]:
    """A finished background export of the district user (tasks run at once in tests)."""
    from jiuye.core.importing.exportjobs import ExportRequest, export_start

    if "export_job" not in w:
        request = ExportRequest(
            kind="employment",
            records="jiuye.employment.views.employment_to_export",
            params={},
            filename="就业记录.xlsx",
        )
        w["export_job"] = export_start(user=w["personas"]["district"], export=request).pk
    return {"pk": w["export_job"]}


def _application(w: dict[str, Any]) -> RegistrationApplication:
    """A sign-up from a village of 东城 (town A), still to verify."""
    from conftest import make_id_number
    from jiuye.people.services import application_submit
    from jiuye.reference.models import Region

    application = RegistrationApplication.objects.first()
    return application or application_submit(
        name="matrix-applicant",
        id_number=make_id_number(seq=986),
        certificate_number="",
        applying_for_certificate=True,
        phone="13812345678",
        region=Region.objects.get(code="440199001001"),
        work_preferences="客服",
        consents=["process_disability_info"],
        username="matrix-applicant",
        password="Quiet-Lamp-42",
    )


def _change(w: dict[str, Any]) -> ChangeRequest:
    """The job seeker's (东城) request to change their address."""
    change = ChangeRequest.objects.first()
    return change or ChangeRequest.objects.create(
        person_id=w["personas"]["jobseeker"].person_id,
        values='{"address": "matrix"}',
        before='{"address": ""}',
        created_by=w["personas"]["jobseeker"],
    )


def _twin(w: dict[str, Any]) -> Person:
    """A second record like the job seeker's person (东城), for the duplicate pages."""
    from conftest import make_id_number
    from jiuye.people.services import person_register
    from jiuye.reference.models import Region

    twin = Person.objects.filter(name="matrix-twin").first()
    return twin or person_register(
        name="matrix-twin",
        id_number=make_id_number(seq=987),
        region=Region.objects.get(code="440199001001"),
    )


def _pair(w: dict[str, Any]) -> DuplicatePair:
    from django.utils import timezone

    pair = DuplicatePair.objects.first()
    if pair is None:
        first, second = sorted([w["personas"]["jobseeker"].person_id, _twin(w).pk], key=str)
        pair = DuplicatePair.objects.create(
            first_id=first,
            second_id=second,
            region_id="440199001000",
            reasons=["similar_name"],
            found_at=timezone.now(),
        )
    return pair


def _merge(w: dict[str, Any]) -> PersonMerge:
    merge = PersonMerge.objects.first()
    return merge or PersonMerge.objects.create(
        survivor_id=w["personas"]["jobseeker"].person_id, merged=_twin(w), snapshot="{}"
    )


NONE: Kwargs = lambda w: {}  # noqa: E731
USER: Kwargs = lambda w: {"pk": w["personas"]["leader"].pk}  # noqa: E731
ACTION: Kwargs = lambda w: {"pk": _task(w).action.pk}  # noqa: E731
ACTION_PK: Kwargs = lambda w: {"action_pk": _task(w).action.pk}  # noqa: E731
PERSON: Kwargs = lambda w: {"pk": w["personas"]["jobseeker"].person_id}  # noqa: E731
BATCH: Kwargs = lambda w: {"pk": _batch(w).pk}  # noqa: E731
TRANSFER: Kwargs = lambda w: {"pk": _transfer(w).pk}  # noqa: E731

# Actions 10 involves 区残联, 区人社局 (the liaison's department) and every town, so every
# reporting role reaches it; a report of 区人社局 is out of the towns' scope (404).
MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "core:home": (NONE, access(set(ALL))),
    "core:audit-changes": (NONE, access(AUDITORS)),
    "core:audit-access": (NONE, access(AUDITORS)),
    "notifications:list": (NONE, access(set(ALL))),
    "notifications:read-all": (NONE, access(set(ALL), ok=405)),
    "notifications:read": (lambda w: {"pk": 1}, access(set(ALL), ok=405)),
    "accounts:profile": (NONE, access(set(ALL))),
    "accounts:password-change": (NONE, access(set(ALL))),
    "accounts:otp-verify": (NONE, access(set(ALL), ok=302)),  # already verified: sent home
    "accounts:otp-setup": (NONE, access(set(ALL))),
    "accounts:recovery-codes": (NONE, access(set(ALL))),
    "accounts:logout-everywhere": (NONE, access(set(ALL), ok=405)),
    "accounts:user-list": (NONE, access({"admin"})),
    "accounts:user-create": (NONE, access({"admin"})),
    "accounts:user-detail": (USER, access({"admin"})),
    "accounts:user-edit": (USER, access({"admin"})),
    "accounts:user-toggle-active": (USER, access({"admin"}, ok=405)),
    "accounts:user-reset-2fa": (USER, access({"admin"}, ok=405)),
    "accounts:user-reset-password": (USER, access({"admin"}, ok=405)),
    "reference:regions": (NONE, access(STAFF)),
    "reference:region": (lambda w: {"code": "440199001000"}, access(STAFF)),
    "reference:departments": (NONE, access(STAFF)),
    "reference:boundaries": (NONE, access(AUDITORS)),
    # Nothing checked yet: back to the upload page.
    "reference:boundaries-confirm": (NONE, access(AUDITORS, ok=302)),
    # Town officers see their own town's figures only.
    "dashboards:map": (NONE, access(PERSONAL | {"leader"})),
    "dashboards:map-refresh": (NONE, access(PERSONAL | {"leader"}, ok=405)),
    "people:list": (NONE, access(PERSONAL)),
    "people:lookup": (NONE, access(PERSONAL, ok=405)),
    "people:create": (NONE, access(PERSONAL)),
    # Self-registration: the town's worklist (town B does not find town A's application); the
    # applicant's own page (the job seeker persona has no application: 404). The applicant's
    # account itself is walked in people/tests/test_registrations.py.
    "people:applications": (NONE, access(PERSONAL)),
    "people:application": (
        lambda w: {"pk": _application(w).pk},
        access(PERSONAL, town_b=404),
    ),
    "people:my-application": (NONE, access(set(), jobseeker=404)),
    "people:transfers": (NONE, access(AUDITORS)),
    "people:transfer": (TRANSFER, access(AUDITORS)),
    # Issue 18: the job seeker's own pages; the town's worklist of their change requests.
    "people:me": (NONE, access({"jobseeker"})),
    "people:me-edit": (NONE, access({"jobseeker"})),
    # POST only: a GET answers 405 to the job seeker.
    "people:me-consent-withdraw": (NONE, access({"jobseeker"}, ok=405)),
    "people:changes": (NONE, access(PERSONAL)),
    "people:change": (lambda w: {"pk": _change(w).pk}, access(PERSONAL, town_b=404)),
    # A pair and a merge within 东城: the other town's officer does not find them.
    "people:duplicates": (NONE, access(PERSONAL)),
    "people:duplicates_check": (NONE, access(PERSONAL, ok=405)),
    "people:duplicate": (lambda w: {"pk": _pair(w).pk}, access(PERSONAL, town_b=404)),
    "people:merge_undo": (lambda w: {"pk": _merge(w).pk}, access(PERSONAL, town_b=404)),
    # The job seeker persona is bound to this person: their own page, read-only.
    "people:detail": (PERSON, access(PERSONAL, town_b=404, jobseeker=200)),
    "people:edit": (PERSON, access(PERSONAL, town_b=404)),
    "people:archive": (PERSON, access(PERSONAL, town_b=404)),
    "people:reveal": (PERSON, access(PERSONAL, ok=405)),
    # Without a search there is nothing to export: back to the list.
    "people:export": (NONE, access(PERSONAL, ok=302)),
    "core:import-list": (NONE, access(PERSONAL)),
    "core:import-upload": (NONE, access(PERSONAL)),
    "core:import-template": (lambda w: {"kind": "persons"}, access(PERSONAL)),
    # A batch started by the district: others are out of its scope.
    **alike(
        BATCH,
        access(PERSONAL, town_a=404, town_b=404),
        "core:import-detail",
        "core:import-progress",
    ),
    # A background export belongs to the user who asked for it: everyone else gets 404.
    **alike(
        _export,
        access({"district"}, denied=404),
        "core:export-job",
        "core:export-progress",
        "core:export-download",
    ),
    "core:import-cancel": (BATCH, access(PERSONAL, ok=405)),
    "core:import-retry": (BATCH, access(PERSONAL, ok=405)),
    "core:import-recheck": (BATCH, access(PERSONAL, ok=405)),
    "core:import-rollback": (BATCH, access(AUDITORS, ok=405)),
    "core:import-errors": (BATCH, access(PERSONAL, ok=404)),
    "actionplan:dashboard": (NONE, access(STAFF)),
    "actionplan:dashboard-refresh": (NONE, access(STAFF, ok=405)),
    "actionplan:import": (NONE, access(PLANNERS)),
    "actionplan:import-preview": (NONE, access(PLANNERS, ok=302)),  # nothing uploaded yet
    "actionplan:action": (ACTION, access(STAFF)),
    "actionplan:task-create": (ACTION_PK, access(PLANNERS)),
    "actionplan:task-edit": (
        lambda w: {"action_pk": _task(w).action.pk, "pk": _task(w).pk},
        access(PLANNERS),
    ),
    "actionplan:task": (lambda w: {"pk": _task(w).pk}, access(STAFF)),
    "actionplan:report-edit": (
        lambda w: {"task_pk": _task(w).pk, "period_pk": w["plan"].periods.get(year=2023).pk},
        access(REPORTERS),
    ),
    "actionplan:review-queue": (NONE, access(PLANNERS)),
    "actionplan:report": (
        lambda w: {"pk": _report(w).pk},
        access(STAFF, town_a=404, town_b=404),
    ),
    "actionplan:attachment": (
        lambda w: {"pk": _attachment(w).pk},
        access(STAFF, town_a=404, town_b=404),
    ),
    "actionplan:targets": (NONE, access(STAFF)),
    "actionplan:target-upload": (NONE, access(PLANNERS, ok=405)),
    "actionplan:freeze": (NONE, access(PLANNERS, ok=405)),
    "actionplan:export-plan": (NONE, access(STAFF)),
    # Reporting units export their own; others must name a department (404 without one).
    "actionplan:export-department": (
        NONE,
        access(REPORTERS, admin=404, district=404, leader=404),
    ),
}
# Each app after the plan keeps its rows beside its tests.
for _app in ("employment", "casework", "employers"):
    MATRIX.update(import_module(f"jiuye.{_app}.tests.access_matrix").MATRIX)
MATRIX.update(import_module("jiuye.employers.tests.access_matrix_declarations").MATRIX)
MATRIX.update(import_module("jiuye.employers.tests.access_matrix_signup").MATRIX)
MATRIX.update(import_module("jiuye.dashboards.tests.access_matrix_report").MATRIX)
for _area in ("postings", "matching", "referrals", "fairs"):
    MATRIX.update(import_module(f"jiuye.jobs.tests.access_matrix_{_area}").MATRIX)
for _area in ("courses", "enrolments", "outcomes", "competitions"):
    MATRIX.update(import_module(f"jiuye.training.tests.access_matrix_{_area}").MATRIX)
# The programs (issue 15) keep one rows module per program beside their tests.
for _path in sorted(
    Path(__file__).parents[2].joinpath("programs", "tests").glob("access_matrix_*.py")
):
    MATRIX.update(import_module(f"jiuye.programs.tests.{_path.stem}").MATRIX)
# The leaders' pages (issue 16) likewise, one rows module per page beside their tests.
for _path in sorted(
    Path(__file__).parents[2].joinpath("dashboards", "tests").glob("access_matrix_*.py")
):
    MATRIX.update(import_module(f"jiuye.dashboards.tests.{_path.stem}").MATRIX)

# The API key pages (issue 17).
MATRIX.update(import_module("jiuye.api.tests.access_matrix_keys").MATRIX)
MATRIX.update(import_module("jiuye.grievances.tests.access_matrix").MATRIX)

# Open to everyone, signed in or not.
PUBLIC = {
    # The API's schema and its docs page describe the endpoints, never data.
    "v1:openapi-json",
    "v1:openapi-view",
    "accounts:login",
    "accounts:logout",
    "core:healthz",
    "set_language",
    # Action 一's public disclosure of agencies and institutions: figures, never a person.
    "employers:disclosure",
    "employers:disclosure-export",
    # Issue 16's public summary: counts by town with small counts suppressed, never a person.
    "dashboards:public-summary",
    "dashboards:public-summary-export",
    # Issue 18: anyone files a complaint or suggestion and looks up its status.
    "grievances:file",
    "grievances:filed",
    "grievances:lookup",
    "grievances:status",
    # Issue 18: a job seeker signs up (an account that waits for the town's verification).
    "people:signup",
    # Issue 18: an employer applies for its account.
    "employers:signup",
}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def _world() -> dict[str, Any]:
    return {
        "personas": personas_create(person_a_create(), employer_a_create()),
        "plan": plan_create(),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # noqa: ANN001
    """The personas and the plan, built once for the module's few hundred tests (each test's
    own rows are rolled back around them)."""
    yield from rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("matrix"), _world)


@pytest.fixture
def world(built) -> dict[str, Any]:  # noqa: ANN001
    # A copy: a row's kwargs may remember what they made (a report's token) in the test's own
    # world, and that row is rolled back with the test.
    return dict(built)


@pytest.fixture
def personas(world) -> dict[str, Any]:  # noqa: ANN001
    return world["personas"]


def test_every_url_is_in_the_matrix() -> None:
    # The API's endpoints answer keys (401/403/404 problems, not a sign-in page): their walk
    # of every endpoint × every role's key is jiuye/api/tests/walk/test_walk.py.
    api = {name for name in _names(get_resolver()) if name.startswith("v1:")} - PUBLIC
    missing = _names(get_resolver()) - set(MATRIX) - PUBLIC - api
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_exactly_its_access_and_anonymous_goes_to_login(
    name: str, world, client_for
) -> None:  # noqa: ANN001
    kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world))
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/accounts/login/")
    got = {persona: client_for(persona).get(url).status_code for persona in ALL}
    assert got == expected


@pytest.mark.django_db
def test_the_public_pages_open_without_login() -> None:
    assert Client().get(reverse("accounts:login")).status_code == 200
    assert Client().get(reverse("core:healthz")).json() == {"status": "ok"}
