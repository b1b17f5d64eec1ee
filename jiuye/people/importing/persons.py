"""The persons import kind: the registry spreadsheet the federation and towns keep.

Declared on the generic kind for its writing, journal, audit of updates and rollback (refused
once a person was changed since). What makes it fast is kept here: one hand-written ``clean``
(the ID number's blind index computed once), new persons inserted as plain rows, existing keys
asked of the unique index in plain SQL, one audit entry per chunk of new persons. A town
officer updates only persons of their own town (a person registered elsewhere becomes a
transfer request, counted as new: ADR 0011); nobody changes an archived person.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import uuid
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    DateField,
    IntegerField,
    JSONField,
    Model,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallIntegerField,
    TextField,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import crypto
from jiuye.core.audit import audit_bulk
from jiuye.core.bulk import RowInsert
from jiuye.core.crypto import EncryptedTextField
from jiuye.core.importing import CellError, RowOutcome, apply_row, parse_bool, parse_date
from jiuye.core.importing.base import RollbackError
from jiuye.core.importing.declared import DeclaredKind, actor
from jiuye.core.importing.journal import Undone
from jiuye.core.masking import mask_id_number
from jiuye.core.models import ImportBatch
from jiuye.core.scoping import region_in_scope
from jiuye.core.tallies import mark_dirty
from jiuye.core.validators import same_name, validate_certificate_number, validate_resident_id
from jiuye.people.importing.person_field import masked_id_message
from jiuye.people.importing.values import (
    _ISO_DATE,
    _NEEDS_SEPARATORS,
    _PHONE,
    _PHONE_COUNTRY_CODE,
    _PHONE_SEPARATORS,
    _PLAIN_BOOL,
    _PLAIN_CERTIFICATE,
    _PLAIN_MOBILE,
    _YEAR,
    CERTIFICATE_PURPOSE,
    COLUMNS,
    EDUCATION,
    FIELDS,
    HUKOU,
    ID_PURPOSE,
    MARITAL,
    MONITORING,
    NEEDS,
    SOURCE,
    WISH,
    category_of,
    choice_of,
    export_row,
    grade_of,
)
from jiuye.people.models import Person, TransferRequest, TransferStatus, WishToWork
from jiuye.people.services.transfers import transfer_request_create, transfers_withdraw
from jiuye.reference.models import Region

Changes = dict[str, tuple[Any, Any]]


ARCHIVED = gettext_lazy("这条记录已归档，不能再修改。")
RENAMED = gettext_lazy(
    "姓名“%(typed)s”与该身份证号登记的姓名“%(registered)s”不一致：如果身份证号填错了，请改正后"
    "重新上传；如果此人确实改了名，请在人员页面修改姓名（这一行不会导入）。"
)
MISSING = {
    "category": gettext_lazy("请填写残疾类别（或填写残疾人证号）。"),
    "grade": gettext_lazy("请填写残疾等级（或填写残疾人证号）。"),
}


class PersonsKind(DeclaredKind):
    name = "persons"
    label = gettext_lazy("残疾人信息")
    who = gettext_lazy("残疾人信息")
    model = Person
    key_label = gettext_lazy("身份证号")
    fields = COLUMNS
    natural_key = ("id_number_index",)
    changed_since = gettext_lazy(
        "这个批次导入的人员“%(record)s”之后又被修改过（在人员页面或后面的导入中），"
        "不能自动撤销。请先撤销后面的批次，或逐个修改。"
    )
    # A row whose ID number is registered outside the importing officer's town is answered
    # and counted as a new person, and becomes a transfer request when the file is imported
    # (ADR 0011): the counts do not tell whether someone elsewhere is registered.
    counts_note = gettext_lazy(
        "“新增”包括迁入申请：身份证号已在其他镇街登记的人员不会直接改动，"
        "导入后由区残联审核迁入，审核结果会通知您。"
    )

    # A large file's rows are read, checked and encrypted in worker processes (ADR 0008).
    parallel = True
    # Encrypted in a worker by ``seal`` for a new person's row (an update compares plaintext
    # and is encrypted by the model field when written).
    SEALED = ("id_number", "phone", "certificate_number")
    # What only the write knows of a new person's row (``prepare`` and the generic write set
    # them): a worker converts every other column of the insert ahead (``seal``).
    LATE = ("import_batch_id", "created_at", "updated_at", "created_by_id", "updated_by_id")

    def begin(self) -> None:
        super().begin()
        # Reference data and "today" are read once per run, not once per row.
        self._regions: dict[str, Region] | None = None
        self._in_scope: dict[tuple[Any, str], bool] = {}
        self._today = timezone.localdate()
        self._updatable: list[str] | None = None
        self._compare: list[_Compared] | None = None
        self._insert: RowInsert | None = None

    def _region(self, code: str) -> Region | None:
        if self._regions is None:
            self._regions = {r.code: r for r in Region.objects.filter(level=Region.Level.VILLAGE)}
        return self._regions.get(code)

    def _region_in_scope(self, by: Any, code: str) -> bool:
        key = (by.pk, code)
        allowed = self._in_scope.get(key)
        if allowed is None:
            allowed = self._in_scope[key] = region_in_scope(by, code)
        return allowed

    def before_fork(self) -> None:
        # The villages, read once here: a worker process must not use this connection.
        self._region("")
        self._row_insert()

    def _row_insert(self) -> RowInsert:
        if self._insert is None:
            self._insert = RowInsert(Person, late=self.LATE)
            self._id_at = [f.attname for f in self._insert.statement.fields].index("id")
        return self._insert

    def seal(self, data: dict[str, Any]) -> None:
        """In a worker: the row as a new person's insert would write it (a new id, the three
        encrypted fields sealed, every column converted but the ``LATE`` ones), in case the
        person turns out new. ``prepare`` uses it for a new person and drops it otherwise."""
        insert = self._insert
        if insert is None:
            ring = crypto.keyring()
            data["_sealed"] = {
                key: crypto.encrypt(value, ring=ring)
                for key in self.SEALED
                if (value := data.get(key))
            }
            return
        new_id = uuid.uuid4()
        values = insert.early({**data, "id": new_id})
        # The id goes back to the importing process as its text: unpickling a UUID costs
        # ≈ 5 µs a row there, the process that bounds the import (its pk is only ever named
        # as text: the journal's object id, the audit's list). PostgreSQL's COPY reads the
        # text as it reads the UUID; SQLite's column holds the hex the converter made.
        if values[self._id_at] is new_id:
            values[self._id_at] = str(new_id)
        data["_new"] = (str(new_id), values)

    # --- reading a row (the fast path: typed fields would cost more per row) -------------

    def clean(self, values: dict[str, str], *, row_number: int, by: Any) -> RowOutcome:
        if self._updatable is None:
            # What an update may change: the fields of the columns this file has (a column it
            # lacks leaves its fields alone).
            self._updatable = [f for f in FIELDS if any(c in values for c in SOURCE.get(f, (f,)))]
        out = RowOutcome()
        errors = out.errors
        data = out.data
        data["name"] = values.get("name", "").strip()
        if not data["name"]:
            errors.append(CellError("name", _("请填写姓名。")))
        elif len(data["name"]) > 50:
            errors.append(CellError("name", _("姓名太长（最多50个字）。")))
        raw_id = values.get("id_number", "")
        try:
            id_number = validate_resident_id(raw_id)
        except ValidationError as exc:
            message = exc.messages[0]
            if "*" in raw_id:
                # An export of masked numbers fed back in: say so plainly.
                message = masked_id_message()
            errors.append(CellError("id_number", message))
            id_number = ""
        if id_number:
            data["id_number"] = id_number
            # Already normalised by the validator: read the digits without normalising again.
            data["sex"] = "M" if int(id_number[16]) % 2 else "F"
            data["birth_date"] = dt.date(
                int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
            )
            out.key = data["id_number_index"] = crypto.blind_index(id_number, purpose=ID_PURPOSE)
        category = category_of(values.get("category", ""), errors)
        grade = grade_of(values.get("grade", ""), errors)
        certificate = values.get("certificate_number", "").strip()
        data["certificate_number"] = ""
        data["certificate_index"] = ""
        if certificate:
            if (
                id_number
                and _PLAIN_CERTIFICATE.fullmatch(certificate)
                and certificate.startswith(id_number)
                and (category is None or str(category) == certificate[18])
                and (grade is None or str(grade) == certificate[19])
            ):
                # The usual card: the ID number just validated plus category and grade digits
                # that agree with the columns. validate_certificate_number would check the ID
                # part a second time and find the same.
                valid_certificate = True
            else:
                try:
                    certificate = validate_certificate_number(
                        certificate, id_number=id_number or None, category=category, grade=grade
                    )
                    valid_certificate = True
                except ValidationError as exc:
                    errors.append(CellError("certificate_number", exc.messages[0]))
                    valid_certificate = False
            if valid_certificate:
                # Normalised by now: the 19th and 20th characters are category and grade digits.
                cert_category, cert_grade = int(certificate[18]), int(certificate[19])
                category = category or cert_category
                grade = grade or cert_grade
                data["certificate_number"] = certificate
                data["certificate_index"] = crypto.blind_index(
                    certificate, purpose=CERTIFICATE_PURPOSE
                )
        # Left empty, no certificate to read them from: validate() asks a new person for them.
        failed, given = {e.column for e in errors}, {"category": category, "grade": grade}
        data["_missing"] = [k for k, v in given.items() if v is None and k not in failed]
        data.update({f"{k}_id": v for k, v in given.items() if v is not None})
        code = values.get("region", "").strip()
        region = self._region(code)
        if region is None:
            errors.append(
                CellError(
                    "region",
                    _("区划代码“%(v)s”不是系统中的村（社区）代码，应为12位村社区代码。")
                    % {"v": code},
                )
            )
        elif by is not None and getattr(by, "pk", None) and not self._region_in_scope(by, code):
            errors.append(CellError("region", _("“%(v)s”不在您负责的区域内。") % {"v": code}))
        else:
            data["region_id"] = code
        # Full-width digits (typed with a Chinese input method) are stored as ASCII digits.
        phone = unicodedata.normalize("NFKC", values.get("phone", ""))
        if phone and not _PLAIN_MOBILE.fullmatch(phone):
            phone = _PHONE_SEPARATORS.sub("", phone)
            # Stored as the digits a person would dial at home, like the forms store them.
            phone = _PHONE_COUNTRY_CODE.sub("", phone)
        if phone and not _PHONE.fullmatch(phone):
            errors.append(
                CellError(
                    "phone",
                    _("电话号码“%(v)s”不对：手机为11位，座机如 02012345678。") % {"v": phone},
                )
            )
        data["phone"] = phone
        data["ethnicity"] = values.get("ethnicity", "").strip() or "汉族"
        data["address"] = values.get("address", "").strip()[:200]
        data["hukou_type"] = choice_of(
            HUKOU, values.get("hukou_type", "").strip(), "hukou_type", errors
        )
        data["education"] = choice_of(
            EDUCATION, values.get("education", "").strip(), "education", errors
        )
        data["marital_status"] = choice_of(
            MARITAL, values.get("marital_status", "").strip(), "marital_status", errors
        )
        data["monitoring_category"] = choice_of(
            MONITORING, values.get("monitoring_category", "").strip(), "monitoring_category", errors
        )
        data["wish_to_work"] = (
            choice_of(WISH, values.get("wish_to_work", "").strip(), "wish_to_work", errors)
            or WishToWork.UNKNOWN.value
        )
        for key in ("is_student", "low_income"):
            text = values.get(key, "")
            if text in _PLAIN_BOOL:
                data[key] = _PLAIN_BOOL[text]
                continue
            try:
                data[key] = parse_bool(text)
            except ValueError:
                errors.append(
                    CellError(key, _("应填“是”或“否”，当前为“%(v)s”。") % {"v": values.get(key)})
                )
        for key in ("monitoring_identified", "hard_to_employ_date"):
            data[key] = self._date(values.get(key, ""), key, errors)
        if data.get("monitoring_category") and not data.get("monitoring_identified"):
            errors.append(
                CellError("monitoring_identified", _("填写了监测类别，请同时填写纳入监测日期。"))
            )
        year = values.get("graduation_year", "").strip()
        data["graduation_year"] = None
        if year:
            if _YEAR.fullmatch(year):
                data["graduation_year"] = int(year)
            else:
                errors.append(CellError("graduation_year", _("毕业年份应为四位年份，如 2023。")))
        for key in ("school", "major", "skills"):
            data[key] = values.get(key, "").strip()[: 100 if key != "skills" else 300]
        data["hard_to_employ_reasons"] = values.get("hard_to_employ_reasons", "").strip()[:200]
        needs = []
        raw_needs = values.get("assistive_needs", "").strip()
        for label in _NEEDS_SEPARATORS.split(raw_needs) if raw_needs else ():
            if not label:
                continue
            if label not in NEEDS:
                errors.append(
                    CellError(
                        "assistive_needs",
                        _("无障碍需求“%(v)s”不在可选范围内：%(opts)s")
                        % {"v": label, "opts": "、".join(NEEDS)},
                    )
                )
            else:
                needs.append(NEEDS[label])
        data["assistive_needs"] = needs
        return out

    def _date(self, text: str, key: str, errors: list[CellError]) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            # 2023-05-01 is how most files write dates; parse_date reads every other way.
            value = dt.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else parse_date(text)
        except ValueError:
            errors.append(CellError(key, _("日期“%(v)s”看不懂，请写成 2023-05-01。") % {"v": text}))
            return None
        if value > (self._today or timezone.localdate()):
            errors.append(CellError(key, _("日期“%(v)s”晚于今天。") % {"v": text}))
            return None
        return value

    # --- the record as it is now ----------------------------------------------------------

    def _elsewhere(self, current: Model | None, by: Any) -> bool:
        """A registered person the importing user may not see (none for a command run)."""
        return (
            current is not None
            and actor(by) is not None
            and not self._region_in_scope(by, current.region_id)
        )

    def as_new(self, current: Model, *, by: Any) -> bool:
        return self._elsewhere(current, by)

    def validate(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        """As the person page: no change to an archived person, no rename by a file. A person
        registered outside the user's scope is checked exactly as a new one (the row becomes
        a transfer request): nothing about them shows through."""
        # A new person must be given a category and grade; a registered one keeps theirs when
        # the row leaves them out (no column, or an empty cell).
        missing = {key: [MISSING[key]] for key in data.get("_missing", [])}
        if current is None or self._elsewhere(current, by):
            return missing
        if isinstance(current, _Unchanged):
            # Every compared field equal (``current_records``): no change, the same name.
            return {}
        changes = any(k in data and getattr(current, k) != data[k] for k in self._updatable or ())
        if changes and current.is_archived:
            return {"id_number": [str(ARCHIVED)]}
        if "name" in data and not same_name(current.name, data["name"]):
            # A different name under a registered ID is a typo in the ID as often as a real
            # change of name: never done silently by a file, whoever imports it (the command
            # line too). The person page changes a name, with its own check and change log.
            return {"name": [RENAMED % {"typed": data["name"], "registered": current.name}]}
        return {}

    def existing(self, keys: list[str]) -> dict[str, Model]:
        # Which keys are there is answered from the unique index alone, in plain SQL (the ORM
        # prepares each of the thousands of parameters one by one); only the persons found are
        # loaded, so a file of new persons loads none.
        present = [row[0] for row in self._stored_rows(keys, ["id_number_index"])]
        if not present:
            return {}
        return {p.id_number_index: p for p in Person.objects.filter(id_number_index__in=present)}

    def current_records(self, outcomes: list[RowOutcome], *, by: Any) -> dict[str, Any]:
        """As ``existing``, but a registered person whose stored values equal the row's (what
        ``validate`` and ``prepare`` compare) is answered by an ``_Unchanged`` stand-in, read
        as plain columns: no model instance, nothing to write. Only persons a row may change
        (or who are outside the user's scope) are loaded as models, in one query."""
        keys = list({outcome.key for outcome in outcomes})
        if not keys:
            return {}
        who = actor(by)
        compared = self._compared()
        columns = ["id_number_index", "region_id", *(c.column for c in compared)]
        stored = {row[0]: row for row in self._stored_rows(keys, columns)}
        if not stored:
            return {}
        load: set[str] = set()
        for outcome in outcomes:
            row = stored.get(outcome.key)
            if row is not None and outcome.key not in load and not _same(compared, outcome, row):
                load.add(outcome.key)
        found: dict[str, Any] = {}
        for key, row in stored.items():
            if key in load or (who is not None and not self._region_in_scope(by, row[1])):
                load.add(key)
            else:
                found[key] = _Unchanged(row[1])
        if load:
            found.update(
                (p.id_number_index, p) for p in Person.objects.filter(id_number_index__in=load)
            )
        return found

    def _stored_rows(self, keys: list[str], columns: list[str]) -> list[tuple[Any, ...]]:
        """Plain rows of the persons with these ID-number blind indexes (first column first)."""
        if not keys:
            return []
        quote = connection.ops.quote_name
        table, key = quote(Person._meta.db_table), quote("id_number_index")
        names = ", ".join(quote(c) for c in columns)
        # Identifiers from the model's metadata, quoted; the keys are parameters.
        if connection.vendor == "postgresql":
            # One parameter: the driver would parse a statement of thousands of placeholders
            # anew for every chunk (it caches only short ones). The keys are hex digests, sent
            # as one text the server splits: as a list the driver spent ≈ 2–3 µs a key on it.
            sql = (
                f"SELECT {names} FROM {table} "  # noqa: S608
                f"WHERE {key} = ANY(string_to_array(%s, ' '))"
            )
            params: list[Any] = [" ".join(keys)]
        else:
            placeholders = ", ".join(["%s"] * len(keys))
            sql = f"SELECT {names} FROM {table} WHERE {key} IN ({placeholders})"  # noqa: S608
            params = keys
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _compared(self) -> list[_Compared]:
        """How each field an update may change is read from its plain column, for
        ``current_records`` (the name too: ``validate`` compares it whatever the columns)."""
        if self._compare is None:
            concrete = {f.attname: f for f in Person._meta.concrete_fields}
            names = dict.fromkeys(["name", *(self._updatable or ())])
            self._compare = [_Compared(concrete[name]) for name in names]
        return self._compare

    # --- writing (the generic write stamps, journals, audits updates, bumps versions) ------

    def prepare(self, data: dict[str, Any], current: Model | None, *, by: Any) -> Any:
        who = actor(by)
        data.pop("_missing", None)
        sealed = data.pop("_sealed", None)
        ahead = data.pop("_new", None)
        if current is None:
            # A new person is a plain row: building a model instance costs more than inserting.
            # The cleaned data holds only Person attnames (and the blind index made in clean).
            row = data
            if ahead is not None:
                # Converted by a worker (``seal``): the insert fills in the late columns.
                row["id"], row["_values"] = ahead
            else:
                row["id"] = uuid.uuid4()
            if "id_number_index" not in row:
                row["id_number_index"] = crypto.blind_index(data["id_number"], purpose=ID_PURPOSE)
            if sealed:
                # Encrypted by a worker already (the insert writes a ciphertext as it is); the
                # number in clear stays for how the person is named.
                row["_id_number"] = row["id_number"]
                row.update(sealed)
            row["created_by_id"] = row["updated_by_id"] = who.pk if who else None
            return _NewPerson(row), {}
        if self._elsewhere(current, by):
            return _Transfer(current, data, self._updatable or ()), {}
        if isinstance(current, _Unchanged):
            return None
        changes = apply_row(current, data, self._updatable or ())
        if not changes:
            return None
        current.updated_by = who
        return current, changes

    def write(
        self, *, creates: list[Any], updates: list[tuple[Model, Changes]], batch: Any, by: Any
    ) -> None:
        transfers = [c for c in creates if isinstance(c, _Transfer)]
        creates = [c for c in creates if not isinstance(c, _Transfer)]
        if creates or updates:
            super().write(creates=creates, updates=updates, batch=batch, by=by)
        for transfer in transfers:
            transfer_request_create(
                person=transfer.person,
                region=transfer.data["region_id"],
                name=transfer.data.get("name", ""),
                values=transfer.values(),
                by=by,
                batch=batch,
            )

    def before_rollback(self, *, batch: ImportBatch, created: list[Any], by: Any) -> None:
        if TransferRequest.objects.filter(
            import_batch=batch, status=TransferStatus.APPROVED
        ).exists():
            raise RollbackError(
                _("这个批次的迁入申请已由区残联审核通过，不能撤销。如有错误，请逐个修改。")
            )
        transfers_withdraw(batch=batch, by=by)

    def insert(self, creates: list[Any]) -> None:
        insert = self._row_insert()
        insert.statement.execute(
            insert.values(new.row)
            if (ahead := new.row.pop("_values", None)) is None
            else insert.finish(ahead, new.row)
            for new in creates
        )

    def audit_creates(self, creates: list[Any], *, batch: ImportBatch, by: Any) -> None:
        """One entry per write of new persons rather than one per person: each of them carries
        its batch (import_batch, created_at/by), and the entry lists their ids, so the trail
        still says who created which records, when, through which file."""
        if not creates:
            return
        audit_bulk(
            model=Person,
            changes=[
                (
                    _CreatedByBatch(batch, len(creates)),
                    {"import_batch": (None, batch.pk), "created": (None, len(creates))},
                )
            ],
            action=LogEntry.Action.CREATE,
            actor=by,
            batch=str(batch.pk),
            additional_data={"created_ids": [str(p.pk) for p in creates]},
        )

    def after_write(
        self, *, creates: list[Any], updates: list[tuple[Model, Changes]], batch: Any, by: Any
    ) -> None:
        # The villages whose coverage tallies now count differently (ADR 0005): where new
        # persons live, where updated ones live, and the village a moved person left.
        mark_dirty(
            {new.row["region_id"] for new in creates}
            | {person.region_id for person, _diff in updates}
            | {diff["region_id"][0] for _person, diff in updates if "region_id" in diff}
        )

    def after_rollback(self, undone: Undone) -> None:
        mark_dirty(
            {p.region_id for p in undone.records}
            | {diff["region_id"][1] for _p, diff in undone.restored if "region_id" in diff}
        )

    # --- export -------------------------------------------------------------------------

    def export_queryset(self, filters: dict[str, str]) -> Any:
        qs = Person.objects.filter(archived_at__isnull=True).order_by("region_id", "name")
        if filters.get("region"):
            qs = qs.filter(
                region__code__startswith=filters["region"].rstrip("0") or filters["region"]
            )
        return qs

    def export_row(self, obj: Model, *, reveal: bool) -> list[str]:
        return export_row(obj, reveal=reveal)


class _Unchanged:
    """A registered person whose stored values equal a row's, as ``current_records`` answers
    for them: all that ``validate``, ``as_new`` and ``prepare`` read of such a person."""

    __slots__ = ("region_id",)

    def __init__(self, region_id: str) -> None:
        self.region_id = region_id


class _Compared:
    """One field as ``current_records`` compares it: read from its plain column the way the
    model reads it (decrypted, parsed), or not at all (``known`` False: the person is loaded
    as a model and compared there)."""

    __slots__ = ("key", "column", "read", "known")

    def __init__(self, field: Any) -> None:
        self.key, self.column, self.known = field.attname, field.column, True
        self.read: Any = None
        target = field.target_field if field.is_relation else field
        if isinstance(field, EncryptedTextField):
            ring = crypto.keyring()
            self.read = lambda value: crypto.decrypt(value, ring=ring) if value else value
        elif type(field) is DateField:
            self.read = _date
        elif type(field) is BooleanField:
            self.read = _bool
        elif type(field) is JSONField and field.decoder is None:
            self.read = _json
        elif type(target) not in _AS_STORED:
            self.known = False


_AS_STORED = {
    CharField,
    TextField,
    IntegerField,
    SmallIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    AutoField,
    BigAutoField,
}


def _date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _json(value: Any) -> Any:
    if value == "[]":
        return []  # most persons' (no assistive needs), read without the parser
    return json.loads(value) if isinstance(value, str) else value


def _same(compared: list[_Compared], outcome: RowOutcome, row: tuple[Any, ...]) -> bool:
    """Whether a row sets every compared field to what the person has (first two columns of
    ``row``: blind index and village)."""
    data = outcome.data
    try:
        for position, field in enumerate(compared, 2):
            if field.key not in data:
                continue
            if not field.known:
                return False
            value = row[position]
            if field.read is not None:
                value = field.read(value)
            if value != data[field.key]:
                return False
    except (crypto.DecryptionError, ValueError):
        # Loaded as a model, the person shows the same problem where it always did.
        return False
    return True


class _Transfer:
    """A row about a person registered outside the user's scope: the transfer request the
    write makes of it (the person is not touched)."""

    # Each field of a row as a person service names it (the row names foreign keys by column).
    _SERVICE_NAMES = {"category_id": "category", "grade_id": "grade"}

    def __init__(self, person: Person, data: dict[str, Any], updatable: Any) -> None:
        self.person, self.data, self.updatable = person, data, updatable

    def values(self) -> dict[str, Any]:
        """What the request asks to change: the fields of the columns the file has (the
        request keeps only those an approval may change: ``transfers.TRANSFER_FIELDS``)."""
        return {
            self._SERVICE_NAMES.get(key, key): self.data[key]
            for key in self.updatable
            if key in self.data
        }


class _CreatedByBatch:
    """The persons one write of a batch created, as the object of its one audit entry."""

    __slots__ = ("batch", "count")

    def __init__(self, batch: ImportBatch, count: int) -> None:
        self.batch, self.count = batch, count

    @property
    def pk(self) -> uuid.UUID:
        return self.batch.pk

    def __str__(self) -> str:
        return _("导入批次“%(name)s”新增%(n)d人") % {
            "name": self.batch.original_name,
            "n": self.count,
        }


class _NewPerson:
    """A person to insert, as a row of values; looks enough like a model for the generic
    write (batch and time stamps go into the row) and the audit."""

    __slots__ = ("row",)
    version = 1  # a new person's, as the model's default

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "row":
            object.__setattr__(self, name, value)
        elif name == "import_batch":
            self.row["import_batch_id"] = value.pk
        else:  # created_at, updated_at
            self.row[name] = value

    @property
    def pk(self) -> uuid.UUID:
        return self.row["id"]

    def __str__(self) -> str:
        number = self.row.get("_id_number") or self.row["id_number"]
        return f"{self.row['name']}（{mask_id_number(number)}）"
