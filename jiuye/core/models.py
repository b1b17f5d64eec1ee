"""Base classes every domain model builds on, helpers their declarations share, and the
append-only access log."""

from __future__ import annotations

import operator
import uuid
from collections.abc import Iterable
from functools import reduce
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.fields import user_fk
from jiuye.core.masking import mask_certificate_number, mask_id_number
from jiuye.core.storage import EncryptedFileField


def choice_labels(choices: type[models.Choices], codes: Iterable[str]) -> list[str]:
    """The labels of codes stored in a list field (a code no longer among the choices shows as
    itself)."""
    labels = dict(choices.choices)
    return [str(labels.get(code, code)) for code in codes]


def range_check(
    low: str, high: str, *, name: str, open_ends: tuple[str, ...] = ()
) -> models.CheckConstraint:
    """A database check that ``high`` is not below ``low`` (a period's end and its start, a
    wage range). A field in ``open_ends`` may be empty instead, leaving that end open."""
    conditions = [models.Q(**{f"{field}__isnull": True}) for field in open_ends]
    conditions.append(models.Q(**{f"{high}__gte": models.F(low)}))
    return models.CheckConstraint(condition=reduce(operator.or_, conditions), name=name)


class BaseModel(models.Model):
    """UUID primary key (never a sequential id in a URL) and who/when of creation and change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = user_fk(_("创建人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = user_fk(_("修改人"))

    # How core.scoping narrows a queryset for each kind of binding a user can have.
    # Keys: "region" (path to a Region foreign key), "employer", "person", "department", "user"
    # (paths to the bound object's primary key);
    # a missing key means a user bound that way sees none of these rows.
    scope_paths: ClassVar[dict[str, str]] = {}
    # Personal data is hidden from read-only leaders, who see aggregates only.
    scope_personal: ClassVar[bool] = True
    # The relations __str__ reads besides the row (a task's action, a posting's employer):
    # selected with the record where many records are named at once (the change log,
    # core.audit), so naming them costs no query each.
    name_relations: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True


class ArchivableModel(models.Model):
    """Registry records are archived with a reason, never hard-deleted through the UI."""

    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archived_by = user_fk(_("归档人"))
    archived_reason = models.TextField(_("归档原因"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class VersionedModel(models.Model):
    """A record edited through forms: ``version`` goes up on every save, so a save made after
    someone else's is refused (``core.conflicts``: optimistic locking)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class DisableableModel(models.Model):
    """Reference rows are disabled, not deleted, so history keeps pointing at them."""

    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None


class RegionalRecord(BaseModel, ArchivableModel, VersionedModel):
    """A registry record of an organisation or what it offers (an employer, a provider, a
    course, a fair): archived, not deleted, edited with optimistic locking, and not personal
    data, so leaders may read it. Scoped by its own ``region`` unless it says otherwise."""

    scope_paths: ClassVar[dict[str, str]] = {"region": "region"}
    scope_personal: ClassVar[bool] = False

    class Meta:
        abstract = True


class MaskedIdentity(models.Model):
    """A record naming a person by ``name``, ``id_number`` and ``certificate_number`` (encrypted
    fields): it shows the numbers masked."""

    name: str
    id_number: str
    certificate_number: str

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_certificate_number(self) -> str:
        return mask_certificate_number(self.certificate_number)


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access-log entry."""


class AccessEvent(models.Model):
    """Append-only log of who saw or took out personal data, and of sign-in events."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("查看完整号码")
        EXPORT = "export", _("导出个人信息")
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("登录被锁定")
        LOGOUT = "logout", _("退出登录")
        LOGOUT_ALL = "logout_all", _("退出所有设备")
        OTP_FAILED = "otp_failed", _("动态码错误")
        OTP_ENROLLED = "otp_enrolled", _("绑定双因素认证")
        OTP_RESET = "otp_reset", _("重置双因素认证")
        RECOVERY_USED = "recovery_used", _("使用恢复码")
        API = "api", _("接口调用")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = user_fk(_("用户"))
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = _("访问日志")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The log is evidence: an entry, once written, never changes.
        if not self._state.adding:
            raise AppendOnlyError("access log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("access log entries cannot be deleted")


def import_upload_path(instance: ImportBatch, filename: str) -> str:
    return f"imports/{instance.id}/source{_suffix(filename)}"


def import_report_path(instance: ImportBatch, filename: str) -> str:
    return f"imports/{instance.id}/errors.xlsx"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:8] if dot >= 0 else ""


class ImportBatch(BaseModel):
    """One run of an import: its file, its counts, its errors, and what it changed."""

    # Outside the district staff, each user sees the batches they started.
    scope_paths = {"user": "created_by"}

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        VALIDATED = "validated", _("已检查")
        SUCCEEDED = "succeeded", _("已导入")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")
        ROLLED_BACK = "rolled_back", _("已撤销")

    kind = models.CharField(_("导入类型"), max_length=40)
    original_name = models.CharField(_("文件名"), max_length=200)
    # The file and its error report hold ID numbers: stored encrypted, and deleted with
    # ``purge_uploads`` after JIUYE_UPLOAD_RETENTION_DAYS (the batch row stays; then
    # ``files_deleted_at`` says when).
    source = EncryptedFileField(_("文件"), upload_to=import_upload_path, blank=True)
    dry_run = models.BooleanField(_("只检查"), default=True)
    valid_only = models.BooleanField(_("只导入正确的行"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("正确行"), default=0)
    invalid_rows = models.PositiveIntegerField(_("错误行"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    # Rows Excel hides that the user asked to leave out (rows = valid + invalid + skipped).
    skipped = models.PositiveIntegerField(_("跳过的隐藏行"), default=0)
    # The user's choice, kept so that a confirmation or a retry reads the same: the worksheets
    # to read ([]: every visible sheet whose header fits) and whether to skip hidden rows.
    sheets = models.JSONField(_("读取的工作表"), default=list, blank=True)
    skip_hidden_rows = models.BooleanField(_("跳过隐藏的行"), default=False)
    # What the run found in a workbook: each sheet (name, hidden, fits, problem, read) and the
    # hidden rows of the sheets read (count, and the first few as [sheet, row]). {} for CSV.
    sheet_report = models.JSONField(_("工作表情况"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)
    error_report = EncryptedFileField(_("错误报告"), upload_to=import_report_path, blank=True)
    files_deleted_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    errors_preview = models.JSONField(_("错误示例"), default=list, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The batch whose dry run this commit confirms (so the file is checked once more anyway).
    checked_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The record the rows go into, for a kind that imports into one record from its page (a
    # declaration's staff list): its model label and primary key.
    parent_model = models.CharField(max_length=100, blank=True)
    parent_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def kind_label(self) -> str:
        """The kind's name for people ("残疾人"), not its code ("persons")."""
        from jiuye.core.importing.base import ImportFileError, get_kind

        try:
            return str(get_kind(self.kind).label)
        except ImportFileError:
            return self.kind

    @property
    def parent(self) -> Any:
        """The record this batch imports into (None when the kind has no parent)."""
        if not self.parent_model:
            return None
        from django.apps import apps

        model = apps.get_model(self.parent_model)
        return model._default_manager.filter(pk=self.parent_id).first()

    @parent.setter
    def parent(self, record: Any) -> None:
        self.parent_model = record._meta.label if record is not None else ""
        self.parent_id = str(record.pk) if record is not None else ""


class ImportRecord(models.Model):
    """What one committed row did, so a batch can be rolled back."""

    class Action(models.TextChoices):
        CREATED = "created", _("新增")
        UPDATED = "updated", _("更新")

    id = models.BigAutoField(primary_key=True)
    # No index of its own: importrecord_batch_action (batch, action) serves every look-up by
    # batch, and a large import writes one record per created row.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="records", db_index=False
    )
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=10, choices=Action.choices)
    # Database values (ciphertext for encrypted fields) of the changed fields before the import.
    before = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "action"], name="importrecord_batch_action")]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.action} {self.object_id}"


class DirtyRegion(models.Model):
    """A note that something under a region changed since the summaries kept per region
    (``casework.CoverageTally``) were computed: written by the write services in their own
    transaction, read and deleted by whoever refreshes the summaries (core.tallies, ADR 0005).

    An append-only log rather than one row per region: a writer never waits for another
    writer's mark, and a refresh deletes exactly the rows it saw, so a mark committed while it
    computed survives for the next one."""

    id = models.BigAutoField(primary_key=True)
    code = models.CharField(max_length=12)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["code"], name="dirty_region_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.marked_at:%Y-%m-%d %H:%M:%S}"


class KeptFigures(models.Model):
    """A page's aggregate figures as last computed (``core.kept``): the leaders' overview reads
    them in one query instead of counting a million persons on every view, and they are
    recomputed in the background once older than ``JIUYE_FIGURES_MAX_AGE`` (ADR 0015). ``data``
    is whatever the page's builder returned, as JSON; ``scope`` names the page, region and year
    it was built for."""

    scope = models.CharField(max_length=200, unique=True)
    data = models.JSONField(default=dict)
    made_at = models.DateTimeField()
    took_ms = models.PositiveIntegerField(default=0)
    # Set when a background refresh was queued, cleared when it wrote: one refresh at a time.
    refreshing_since = models.DateTimeField(null=True, blank=True)
    # Set when the figures include counts shown as last counted while their villages waited
    # for a recount (core.tallies.reading): when the oldest of them was made. Such a row is
    # rebuilt in the background at once, the build waiting for the recount.
    stale_counts_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.scope} {self.made_at:%Y-%m-%d %H:%M:%S}"


class ExportJob(BaseModel):
    """An export too large to make inside a web request (``core.importing.exportjobs``): a
    background task writes it, streaming, to the encrypted storage, in ``parts`` sealed pieces
    under ``folder`` (so neither writing nor downloading holds the whole file in memory); only
    the user who asked may follow and download it, until ``expires_at`` (``purge_uploads`` then
    deletes the pieces and the job).
    What the export was asked for (``params``: a search, a date range) is kept encrypted: it can
    hold a name or an ID number."""

    # Each user sees only the exports they asked for.
    scope_paths = {"user": "created_by"}

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("导出类型"), max_length=40)
    # The dotted path of the function that rebuilds the asking user's scoped records from
    # ``params`` (the same one the page calls for a small export, so the scope is the same).
    source = models.CharField(max_length=200)
    params = EncryptedTextField(_("导出条件"), blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    revealed = models.BooleanField(_("完整号码"), default=False)
    reason = models.TextField(_("原因"), blank=True)
    # Extra facts for the access log entry written when the file is done (the query, a period).
    detail = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("预计行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    parts = models.PositiveIntegerField(_("文件分段数"), default=0)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("导出文件")

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def folder(self) -> str:
        """Where its pieces are stored: the asking user's own folder, named by the job's id
        (no typed name reaches a path)."""
        return f"exports/{self.created_by_id}/{self.pk}"

    def part_name(self, number: int) -> str:
        return f"{self.folder}/{number:05d}.part"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.rows_done * 100 // self.total_rows)
