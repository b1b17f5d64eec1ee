"""Shared fixtures: reference data, one persona per role, and signing in as them."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.signals import request_finished, request_started
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.accounts.models import Role, User
from jiuye.accounts.services import clear_other_bindings
from jiuye.casework.models import ServiceType
from jiuye.core.audit import created_fresh
from jiuye.core.indicators import compiled_figures_clear
from jiuye.core.validators import resident_id_check_char, uscc_check_char
from jiuye.employers.models import Employer
from jiuye.jobs.models import Occupation
from jiuye.people.models import Person
from jiuye.people.services import person_register
from jiuye.reference.models import Department, Region
from jiuye.reference.selectors import reference_cache_clear
from jiuye.reference.services import reference_load

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Correct-Horse-Battery-9"
TOWN_A = "440199001000"  # 东城街道
TOWN_B = "440199002000"  # 西城街道
VILLAGE_A = "440199001001"
VILLAGE_B = "440199002001"


# Fixtures through which a test reaches the database (pytest-django's, and the test database
# itself for module-wide rows). A test with none of them and no django_db mark cannot touch the
# database: pytest-django refuses it.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "django_db_setup",
    }
)


def touches_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or not DATABASE_FIXTURES.isdisjoint(
        getattr(item, "fixturenames", ())
    )


def drives_chromium(item: pytest.Item) -> bool:
    return "chromium" in getattr(item, "fixturenames", ())


def browser_test_left_out(item: pytest.Item) -> bool:
    return drives_chromium(item) and item.get_closest_marker("also_on_postgresql") is None


def query_budget_left_out(item: pytest.Item) -> bool:
    return item.get_closest_marker("query_budget") is not None


# The longest tests, run first (ADR 0017): pytest-xdist hands out the first quarter of the
# suite one test at a time to each worker in turn, the rest in chunks to whichever worker runs
# low. Started first, the long ones are split between the workers; handed out late in one
# chunk, two of them could end up one after the other on one worker while the other idles.
LONG_FIRST = ("jiuye/core/tests/test_browser.py::test_every_page_a_role_can_reach_passes_axe",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Three switches of CI's two suites (``make test`` without them runs every test; ADR 0017):

    - ``JIUYE_DATABASE_TESTS_ONLY=1`` runs only the tests that use the database: a test that
      cannot reach the database runs the same on either.
    - ``JIUYE_BROWSER_TESTS=skip`` leaves out the tests that drive Chromium (the ``chromium``
      fixture, through ``page``, ``signed_in`` or ``on_phone``): what the browser shows is
      checked once, over SQLite; the views, forms and services those pages use are tested on
      both databases without a browser. It keeps the few marked ``also_on_postgresql``: a
      write through the live server that commits (an import and its progress, a conflict, a
      reveal and its log, a complaint filed anonymously, the lockout).
    - ``JIUYE_QUERY_BUDGET_TESTS=skip`` (the SQLite suite) leaves out the tests marked
      ``query_budget``: those whose subject is how many statements a page runs. The budget is
      PostgreSQL's, the production database's, and the PostgreSQL suite counts them.

    The long tests of ``LONG_FIRST`` are moved to the front, in their order."""
    leave_out = []
    if os.environ.get("JIUYE_DATABASE_TESTS_ONLY", "") in {"1", "true"}:
        leave_out.append(lambda item: not touches_database(item))
    if os.environ.get("JIUYE_BROWSER_TESTS", "") == "skip":
        leave_out.append(browser_test_left_out)
    if os.environ.get("JIUYE_QUERY_BUDGET_TESTS", "") == "skip":
        leave_out.append(query_budget_left_out)
    kept, dropped = [], []
    for item in items:
        (dropped if any(test(item) for test in leave_out) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    # A stable sort: the long tests first, everything else in the order it was collected.
    kept.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))
    items[:] = kept


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection made lives until the run ends: Django, the project, every test module
    and its fixtures, a few hundred thousand objects. Each pass of Python's cycle collector over
    the old generation walked all of them again and found nothing to free in them. Frozen
    (``gc.freeze``), they are out of its sight; the passes walk only what the tests make, and
    run less often (a young generation of 20,000 objects instead of 700). Measured on the
    employers, people and casework tests (761, two workers, SQLite): 230 → 202 and 281 → 209
    CPU-s in two pairs of runs, each worker ≈ 100 MB larger at its peak (bench/README.md, sixth
    session). Runs in each xdist worker after its own collection."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete() -> Iterator[None]:
    """A transactional test (the browser tests' live server, the crash tests) empties the test
    database when it ends. On PostgreSQL Django does it with one ``TRUNCATE`` of all ≈120
    tables, which makes new files for each table and index: ≈0.3 s on a quiet machine (such a
    test's whole teardown took 1.5–7 s under CI's load; bench/README.md, "CI length, part 6").
    ``DELETE FROM`` each table in the same transaction leaves the same empty tables in ≈15 ms:
    every foreign key is ``DEFERRABLE INITIALLY DEFERRED`` (Django's own), so the order does
    not matter, and no table has a trigger. Sequences are not reset either way
    (``reset_sequences`` keeps Django's statement)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # noqa: ANN001, ANN202
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # The table names are Django's own (introspection), quoted.
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test's rows live in its own transaction on default, which the replica alias (a second
    # connection) cannot see; core/tests/test_replica.py turns replica reads on where it commits.
    settings.JIUYE_READ_REPLICA = False


# The rows a new test database holds (the shipped reference data, the data migrations' rows,
# the content types and the audit entries of the reference data), as model instances, kept by
# ``django_db_setup``: a transactional test's flush empties them.
_FRESH_ROWS: list[list[Any]] = []


def fresh_rows_keep() -> None:
    from django.apps import apps

    _FRESH_ROWS.clear()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        if rows := list(model._base_manager.all()):
            _FRESH_ROWS.append(rows)


def fresh_rows_restore() -> None:
    """Write the kept rows again, with their ids, as they were in the new test database. The
    flush's post_migrate signal has written the content types and permissions again under new
    ids; they are put back under the kept ones, which the kept audit entries name."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    with transaction.atomic():  # the links between the tables are checked at the end
        Permission.objects.all()._raw_delete(Permission.objects.db)
        ContentType.objects.all()._raw_delete(ContentType.objects.db)
        for rows in _FRESH_ROWS:
            type(rows[0])._base_manager.bulk_create(rows)
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session", autouse=True)
def _fresh_rows_after_a_flush() -> Iterator[None]:
    """A transactional test empties the test database when it ends (Django's flush, in
    ``TransactionTestCase._fixture_teardown``), the shipped reference data with it. The rows a
    new test database holds are written again right after, with the same ids, so no test
    depends on whether a transactional test ran before it on its worker (issue 19: the browser
    walk, handed out first, showed two that did). A test's own flush (the restore drill's) is
    left as it is."""
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def flush_then_fresh_rows(self: TransactionTestCase) -> None:
        flush(self)
        fresh_rows_restore()
        reference_cache_clear()

    def idle_then_flush(self: TransactionTestCase) -> None:
        live_requests.wait_until_idle()
        flush_then_fresh_rows(self)

    TransactionTestCase._fixture_teardown = idle_then_flush
    request_started.connect(live_requests.started)
    request_finished.connect(live_requests.finished)
    yield
    request_started.disconnect(live_requests.started)
    request_finished.disconnect(live_requests.finished)
    TransactionTestCase._fixture_teardown = flush


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time() -> Iterator[None]:
    """On SQLite the live server answers one request at a time, in its own thread.

    The test database is in memory there, so the live server's threads share the test's one
    SQLite connection (Django's ``connections_override``). While one thread's statement calls
    back into Python (SQLite has no date functions; Django registers its own, called for every
    row), that thread holds the connection's lock and waits for Python's; another thread that
    binds a parameter on the same connection holds Python's lock and waits for the
    connection's. Neither goes on: the overview's browser tests, run in one process, hung in
    the third test's first page (its request stood still at 0 % CPU in Django's date function;
    with this fixture the module passed 4 runs of 4, without it failed 2 of 2). With one
    request at a time the server sends ``Connection: close`` (Django's), and Chromium
    opens a connection for each. PostgreSQL gives each thread its own connection and keeps the
    threaded server."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return

    class OneAtATime(WSGIServer):
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            # The server's thread already uses the test's connections (LiveServerThread.run).
            super().__init__(*args, **kwargs)

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = OneAtATime
    yield
    LiveServerThread.server_class = threaded


class LiveRequests:
    """The requests the live server is still answering, in its own threads. A browser test can
    end while its page still waits for one of its files or data: closing the browser cancels
    the request, but the server's thread goes on with it. Emptying the database under it would
    fail that request, and on SQLite, where the live server shares the test's in-memory
    connection, could lock the two threads for good (see the fixture above). So the flush waits
    until no request is being answered, and a request still running after a minute fails the
    test instead of hanging the run."""

    LIMIT = 60.0  # seconds; any page answers in far less, even under CI's load

    def __init__(self) -> None:
        self.busy = 0
        self.changed = threading.Condition()

    def started(self, **kwargs: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.busy += 1

    def finished(self, **kwargs: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.busy -= 1
                self.changed.notify_all()

    def wait_until_idle(self) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: self.busy <= 0, timeout=self.LIMIT):
                pytest.fail(
                    f"the live server was still answering {self.busy} request(s) "
                    f"{self.LIMIT:.0f} s after the test ended"
                )


live_requests = LiveRequests()


@pytest.fixture(autouse=True)
def _fresh_reference_cache() -> None:
    # The per-process cache of reference tables must not carry rows of a rolled-back test,
    # nor the overview's compiled figures statement what was read while building it.
    reference_cache_clear()
    compiled_figures_clear()


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings) -> None:  # noqa: ANN001
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # noqa: ANN001
    # Uploaded files and import progress of a test go to its own folder, never into var/.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "progress": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "progress"),
        },
        # The same memory as default (one LOCATION), so a test's cache.clear() clears counts too.
        "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


@pytest.fixture(scope="session")
def django_db_setup(  # noqa: PLR0913
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_use_migrations: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """The test database, migrated and with the reference data loaded; each test rolls back
    around it.

    Under pytest-xdist the migrations run once per test run, not once per worker (≈25 s of CPU
    each): the first worker migrates its database and keeps a copy as the run's template (an
    SQLite file; on PostgreSQL a database made with ``CREATE DATABASE … TEMPLATE``), and the
    other workers start from a copy of it. Django's ``migrate`` still runs on a copy, finds
    every migration applied and only checks; the tests see the same database either way."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized = _get_databases_for_setup(request.session.items)
    template = None
    if not keepdb and hasattr(request.config, "workerinput") and _mirrors_of_default(aliases):
        template = DatabaseTemplate(tmp_path_factory.getbasetemp().parent)
    with django_db_blocker.unblock(), template or nullcontext(False) as copied:
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized,
            keepdb=keepdb or copied,
        )
        if not copied:
            reference_load()
        fresh_rows_keep()
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)
            if template:
                template.drop()


def _mirrors_of_default(aliases: set[str]) -> bool:
    """Only the default database is created (the replica alias, where it is configured, is a
    test mirror of it; tests may name it when it is not, and Django's setup skips it then)."""
    from django.conf import settings

    return all(
        alias == "default"
        or alias not in settings.DATABASES
        or settings.DATABASES[alias].get("TEST", {}).get("MIRROR") == "default"
        for alias in aliases
    )


class DatabaseTemplate:
    """One test database template for the workers of a test run, in the run's temporary folder
    (shared by its workers), which take turns through a lock file. ``with`` gives whether this
    worker's test database is now a copy of the template; if not, the caller migrates it as
    usual, and on the way out it becomes the template unless there is one. ``drop()`` at the
    end of the session removes the template this worker made."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.note = folder / "test-database-template.json"
        self.made: dict[str, str] | None = None
        self.lock: Any = None

    def _locked(self) -> None:
        import fcntl

        self.lock = open(self.folder / "test-database-template.lock", "w")  # noqa: SIM115
        fcntl.flock(self.lock, fcntl.LOCK_EX)

    def _unlocked(self) -> None:
        self.lock.close()  # closing the file releases the lock

    def __enter__(self) -> bool:
        import json

        self._locked()
        self.found = json.loads(self.note.read_text()) if self.note.exists() else None
        return self.found is not None and _test_database_copy(self.found)

    def __exit__(self, *exc: object) -> None:
        import json
        import sqlite3

        from django.db import connection, connections

        try:
            if self.found is not None or exc[0] is not None:
                return
            if connection.vendor == "sqlite":
                file = str(self.folder / "test-database-template.sqlite3")
                connection.ensure_connection()
                target = sqlite3.connect(file)
                connection.connection.backup(target)
                target.close()
                self.made = {"vendor": "sqlite", "file": file}
            elif connection.vendor == "postgresql":
                name = connection.settings_dict["NAME"]
                connections.close_all()  # a template may have no other session
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}_template"')
                    cursor.execute(f'CREATE DATABASE "{name}_template" TEMPLATE "{name}"')
                self.made = {"vendor": "postgresql", "name": f"{name}_template"}
            if self.made:
                self.note.write_text(json.dumps(self.made))
        finally:
            self._unlocked()

    def drop(self) -> None:
        from django.db import connection

        if not self.made:
            return
        self._locked()
        try:
            self.note.unlink()
            if self.made["vendor"] == "sqlite":
                Path(self.made["file"]).unlink()
            else:
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{self.made["name"]}"')
        finally:
            self._unlocked()


def _test_database_copy(template: dict[str, str]) -> bool:
    """Copy the template where ``setup_databases(keepdb=True)`` finds this worker's test
    database; False when it cannot (the caller then migrates as usual)."""
    import sqlite3

    from django.db import connection

    creation = connection.creation
    name = creation._get_test_db_name()
    if template["vendor"] == "sqlite" and creation.is_in_memory_db(name):
        # A shared-cache in-memory database lives while a connection to it is open: this one
        # stays open for the worker's life, so Django's own connection finds the copy.
        holder = sqlite3.connect(name, uri=True)
        source = sqlite3.connect(template["file"])
        source.backup(holder)
        source.close()
        _TEMPLATE_COPIES.append(holder)
        return True
    if template["vendor"] == "postgresql" and connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template["name"]}"')
        return True
    return False


_TEMPLATE_COPIES: list[Any] = []


@pytest.fixture
def reference(db) -> None:  # noqa: ANN001
    """The shipped reference data (demo district, departments, categories). A transactional
    test empties the database when it ends, so load again when it is missing."""
    reference_ensure()


def reference_ensure() -> None:
    if not Region.objects.filter(code=TOWN_A).exists():
        reference_load()
    if not ServiceType.objects.exists():
        # Shipped by a data migration, which a transactional test's flush also empties.
        import_module("jiuye.casework.migrations.0002_service_types").load(django_apps, None)
    if not Occupation.objects.exists():
        import_module("jiuye.jobs.migrations.0002_reference_data").load(django_apps, None)


def rows_for_the_module(
    django_db_blocker,  # noqa: ANN001
    folder: Path,
    build: Callable[[], Any],
) -> Iterator[Any]:
    """Build rows once for a whole test module (a demo district, say) instead of once per test:
    ``yield from rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("x"), build)``
    in a module-scoped fixture that also asks for ``django_db_setup`` (the test database);
    the fixture's value is what ``build`` returns.

    ``build`` writes inside a transaction that stays open while the module's tests run; each
    test's own transaction nests in it as a savepoint and is rolled back as usual, and the
    module's rows are rolled back after its last test. Only for modules whose tests are all
    plain ``django_db`` (a transactional test commits and flushes around it).
    """
    from django.db import transaction
    from django.test import override_settings

    builder_settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        JIUYE_ALLOW_DEMO=True,
        JIUYE_READ_REPLICA=False,
        MEDIA_ROOT=str(folder / "media"),
        TASKS={
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": ["default"],
            }
        },
    )
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            reference_cache_clear()
            reference_ensure()
            with builder_settings:
                built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        reference_cache_clear()
        compiled_figures_clear()


def make_id_number(region6: str = "440199", birth: str = "19900307", seq: int = 123) -> str:
    first17 = f"{region6}{birth}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def pdf_bytes(pages: int = 1) -> bytes:
    """A real (blank) PDF: attachments are read with a PDF parser."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(format_: str = "JPEG") -> bytes:
    """A real 8×8 picture in ``format_`` (JPEG, PNG, WEBP)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format=format_)
    return out.getvalue()


def sealed_on_disk(stored: Any, plaintext: bytes) -> bool:
    """A stored file (a FieldFile) is encrypted at rest: the bytes on disk carry the encrypted
    file header and do not contain ``plaintext``, while opening it gives ``plaintext`` back."""
    from pathlib import Path

    from jiuye.core.crypto import FILE_MAGIC

    raw = Path(stored.path).read_bytes()
    with stored.open("rb") as handle:
        opened = handle.read()
    return raw.startswith(FILE_MAGIC) and plaintext not in raw and plaintext in opened


def register_person(seq: int, name: str, village: str = VILLAGE_A, **extra: Any) -> Person:
    """A person registered in a village (东城 unless told) with an ID number made from ``seq``."""
    return person_register(
        name=name,
        id_number=make_id_number(seq=seq),
        region=Region.objects.get(code=village),
        **extra,
    )


def register_counted(year: int) -> None:
    """The overview tests' rows counted by hand: three more persons (东城 one 视力 grade 1 and
    one 肢体 grade 2, 西城 one 肢体 grade 2) and a registered-persons target for each town and
    the district in ``year``."""
    from jiuye.actionplan.models import IndicatorTarget
    from jiuye.reference.models import DisabilityCategory, DisabilityGrade

    seeing = DisabilityCategory.objects.get(code="1")
    body = DisabilityCategory.objects.get(code="4")
    one, two = DisabilityGrade.objects.get(code="1"), DisabilityGrade.objects.get(code="2")
    register_person(301, "王五", VILLAGE_A, category=seeing, grade=one)
    register_person(302, "赵六", VILLAGE_A, category=body, grade=two)
    register_person(303, "钱七", VILLAGE_B, category=body, grade=two)
    for code, value in ((TOWN_A, 3), (TOWN_B, 10), ("440199000000", 20)):
        IndicatorTarget.objects.create(
            indicator_code="people.registered", year=year, region_id=code, value=value
        )


def make_uscc(body: str = "91440199MA5TEXT12") -> str:
    return body + uscc_check_char(body)


@pytest.fixture
def person_a(reference) -> Person:  # noqa: ANN001
    return person_a_create()


def person_a_create() -> Person:
    return person_register(
        name="张三", id_number=make_id_number(seq=101), region=Region.objects.get(code=VILLAGE_A)
    )


@pytest.fixture
def person_b(reference) -> Person:  # noqa: ANN001
    return person_register(
        name="李四", id_number=make_id_number(seq=202), region=Region.objects.get(code=VILLAGE_B)
    )


@pytest.fixture
def employer_a(reference) -> Employer:  # noqa: ANN001
    return employer_a_create()


def employer_a_create() -> Employer:
    employer = Employer(
        name="东城示范企业",
        uscc=make_uscc(),
        kind=Employer.Kind.PRIVATE,
        region=Region.objects.get(code=TOWN_A),
    )
    employer.save()
    return employer


@pytest.fixture
def employer_b(reference) -> Employer:  # noqa: ANN001
    employer = Employer(
        name="西城示范企业",
        uscc=make_uscc("91440199MA5TEXT34"),
        kind=Employer.Kind.SOE,
        region=Region.objects.get(code=TOWN_B),
    )
    employer.save()
    return employer


@pytest.fixture
def personas(reference, person_a, employer_a) -> dict[str, User]:  # noqa: ANN001
    """One user per role (town officers of two towns), all with the same password."""
    return personas_create(person_a, employer_a)


def personas_create(person_a: Person, employer_a: Employer) -> dict[str, User]:
    specs = {
        "admin": (Role.ADMIN, {}),
        "district": (Role.DISTRICT, {}),
        "liaison": (Role.DEPARTMENT, {"department": Department.objects.get(code="rsj")}),
        "town_a": (Role.TOWN, {"town": Region.objects.get(code=TOWN_A)}),
        "town_b": (Role.TOWN, {"town": Region.objects.get(code=TOWN_B)}),
        "leader": (Role.LEADER, {}),
        "employer": (Role.EMPLOYER, {"employer": employer_a}),
        "jobseeker": (Role.JOBSEEKER, {"person": person_a}),
    }
    return {name: persona_user(name, role, **binding) for name, (role, binding) in specs.items()}


def persona_user(name: str, role: str, **binding: Any) -> User:
    """The account ``user_create(username=name, role=role, display_name=name, password=PASSWORD,
    **binding)`` makes, the same row and the same audit entry, without the checks it runs on
    what it is given (the password's strength, ``full_clean`` with its uniqueness and
    constraint queries): the personas are fixed and pass them, which
    accounts/tests/test_personas.py checks against ``user_create``. About a third of the cost
    of ``user_create``, and the personas are made for ~2,000 tests of each suite."""
    user = User(username=name, role=role, display_name=name, **binding)
    clear_other_bindings(user)
    user.set_password(PASSWORD)
    created_fresh(user).save()
    return user


def confirmed_totp(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="totp", confirmed=True)


def sign_in(client: Client, user: User) -> Client:
    """Log a test client in, past the second factor when the role needs one."""
    client.force_login(user)
    if user.second_factor_required:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_totp(user).persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(personas) -> Callable[[str], Client]:  # noqa: ANN001
    def make(name: str) -> Client:
        return sign_in(Client(), personas[name])

    return make


@pytest.fixture
def plan(reference):  # noqa: ANN001, ANN201
    """The 2022–2024 plan imported from the shipped seed, with the default task split."""
    return plan_create()


@pytest.fixture(scope="module")
def plan_of_the_module(django_db_setup, django_db_blocker, tmp_path_factory):  # noqa: ANN001, ANN201
    """``plan_create``'s plan, built once for the module (``rows_for_the_module``)."""
    yield from rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("plan"), plan_create)


@pytest.fixture
def plan_built_once(plan_of_the_module, reference):  # noqa: ANN001, ANN201
    """The ``plan`` fixture's plan, built once per module: a module whose tests all ask for the
    plan, or whose other tests read nothing of it, and none of them transactional, overrides
    ``plan`` with it (``def plan(plan_built_once): return plan_built_once``). Each test gets
    the plan read afresh; its changes are rolled back with it as usual."""
    from jiuye.actionplan.models import Plan

    return Plan.objects.get(pk=plan_of_the_module.pk)


def plan_create():  # noqa: ANN201
    from jiuye.actionplan.services.plan_import import plan_import_commit, tasks_load
    from jiuye.actionplan.services.plan_table import parse_plan_table
    from jiuye.actionplan.tests.conftest import SEED, TASKS

    result = plan_import_commit(parsed=parse_plan_table(SEED.read_bytes(), SEED.name))
    tasks_load(plan=result.plan, path=TASKS)
    return result.plan


# --- browser tests (Playwright driving Debian's Chromium) --------------------------------------


@pytest.fixture(scope="module")
def chromium():  # noqa: ANN201
    """One headless Chromium per test module; fails (not skips) when Chromium is missing."""
    from playwright.sync_api import sync_playwright

    from jiuye.core.tests.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):  # noqa: ANN001, ANN201
    """A fresh browser context (cookies, storage) for each test."""
    from jiuye.core.tests.browser import new_context

    context = new_context(chromium)
    yield context.new_page()
    context.close()


@pytest.fixture
def signed_in(page, live_server, personas) -> Callable[[str], str]:  # noqa: ANN001
    """Sign the browser page in as a persona, past the second factor where the role needs one,
    on the home page; gives the live server's address to open pages on. By the session cookie
    (browser.sign_in_by_cookie): tests of the login form use ``browser.sign_in``."""
    from jiuye.core.tests.browser import sign_in_by_cookie

    def sign(name: str) -> str:
        sign_in_by_cookie(page, live_server.url, personas[name])
        return live_server.url

    return sign


@pytest.fixture
def on_phone(chromium, live_server, personas):  # noqa: ANN001, ANN201
    """``with on_phone("town_a") as (page, base):`` a page the size of a phone's screen (360 × 740
    unless told), in its own browser context, signed in as a persona (by the session cookie, on
    the home page); ``base`` is the live server's address."""

    from jiuye.core.tests.browser import phone, sign_in_by_cookie

    @contextmanager
    def open_as(name: str, width: int = 360, height: int = 740):  # noqa: ANN202
        with phone(chromium, width, height) as page:
            sign_in_by_cookie(page, live_server.url, personas[name])
            yield page, live_server.url

    return open_as
