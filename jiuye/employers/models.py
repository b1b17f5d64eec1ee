"""Employers, their CSR reports, and annual quota declarations (年审) with the declared disabled
employees, each verified against the registry and computed under the year's policy."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.fields import import_batch_fk, optional_fk, user_fk
from jiuye.core.models import BaseModel, MaskedIdentity, RegionalRecord
from jiuye.core.scoping import employer_scope
from jiuye.reference.models import region_fk


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class Employer(RegionalRecord):
    scope_paths = {"region": "region", "employer": "id"}

    class Kind(models.TextChoices):
        AGENCY = "agency", _("机关")
        INSTITUTION = "institution", _("事业单位")
        SOE = "soe", _("国有企业")
        PRIVATE = "private", _("民营企业")
        SOCIAL = "social", _("社会组织")
        SOLE_TRADER = "sole_trader", _("个体")

    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_override_reason = models.TextField(_("校验码不符的确认原因"), blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices, blank=True)
    region = region_fk(_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_concentrated = models.BooleanField(_("集中安置残疾人就业单位"), default=False)
    import_batch = import_batch_fk()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("用人单位")
        # The list's order. The name search (``name LIKE '%…%'``) is served on PostgreSQL by a
        # pg_trgm GIN index, created in migration 0004 (SQLite has no such index type).
        indexes = [models.Index(fields=["name"], name="employer_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public_sector(self) -> bool:
        """Agencies and public institutions: action 一 reports and discloses them."""
        return self.kind in (self.Kind.AGENCY, self.Kind.INSTITUTION)


class CsrReport(BaseModel):
    """A social-responsibility report the employer published for a year."""

    scope_paths = employer_scope()
    scope_personal = False

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="csr_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    includes_disability = models.BooleanField(_("包含残疾人就业内容"), default=False)
    link = models.URLField(_("报告链接"), blank=True)
    file = models.FileField(_("报告文件"), upload_to="csr/%Y/", blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = _("社会责任报告")
        constraints = [
            models.UniqueConstraint(fields=["employer", "year"], name="csr_employer_year")
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}"


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待审核")
    RETURNED = "returned", _("已退回，待修改")
    CONFIRMED = "confirmed", _("已审核确认")
    SUPERSEDED = "superseded", _("已被更正版本取代")


class Declaration(BaseModel):
    """One employer's annual declaration for a year. A correction after confirmation is a new
    version; the old one stays, marked superseded."""

    name_relations = ("employer",)
    scope_paths = employer_scope()
    scope_personal = False

    # No index of its own: the unique (employer, year, version) leads with it (an extra index
    # costs every write of a declaration; the year's review rewrites 100,000).
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        related_name="declarations",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT
    )
    staff_annual = models.DecimalField(
        _("在职职工年平均人数"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    staff_monthly = models.JSONField(_("各月在职职工人数"), default=list, blank=True)
    wage_total = models.DecimalField(_("在职职工工资总额（元）"), max_digits=16, decimal_places=2)
    policy = optional_fk("reference.QuotaPolicy", _("适用政策参数"))
    # The result of the last computation (services.declaration_compute), kept with its steps.
    staff = models.DecimalField(_("在职职工人数"), max_digits=10, decimal_places=2, default=0)
    required = models.DecimalField(_("应安排人数"), max_digits=12, decimal_places=4, default=0)
    counted = models.DecimalField(_("已安排人数"), max_digits=10, decimal_places=2, default=0)
    shortfall = models.DecimalField(_("差额人数"), max_digits=12, decimal_places=4, default=0)
    wage_used = models.DecimalField(_("计征工资"), max_digits=14, decimal_places=2, default=0)
    levy_before = models.DecimalField(_("减缴前应缴"), max_digits=16, decimal_places=2, default=0)
    levy_payable = models.DecimalField(_("应缴保障金"), max_digits=16, decimal_places=2, default=0)
    met = models.BooleanField(_("达到比例"), default=False)
    exempt = models.BooleanField(_("免征"), default=False)
    steps = models.JSONField(_("计算过程"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    # What the result was computed from (services.declarations.review_run): a review that finds
    # the same digest leaves the declaration as it is.
    review_digest = models.CharField(
        _("核验依据摘要"), max_length=32, blank=True, editable=False, default="", db_default=""
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    returned_reason = models.TextField(_("退回原因"), blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = user_fk(_("审核人"))
    correction_reason = models.TextField(_("更正原因"), blank=True)

    class Meta:
        ordering = ["-year", "employer__name", "-version"]
        verbose_name = verbose_name_plural = _("按比例就业年审申报")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "year", "version"], name="declaration_employer_year_version"
            ),
            # One version open for editing or review at a time (a confirmed one may stand
            # beside its correction until the correction is confirmed).
            models.UniqueConstraint(
                fields=["employer", "year"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="declaration_one_open_per_year",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status"], name="declaration_year_status"),
            # The review queue's order (selectors.review_queue): a page and its count read
            # only the submitted declarations, in order, off this small partial index.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status="submitted"),
                name="declaration_review_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}（第{self.version}版）"

    @property
    def is_locked(self) -> bool:
        return self.status in (DeclarationStatus.CONFIRMED, DeclarationStatus.SUPERSEDED)

    @property
    def is_editable(self) -> bool:
        return self.status in (DeclarationStatus.DRAFT, DeclarationStatus.RETURNED)


class DeclaredEmployee(BaseModel, MaskedIdentity):
    """A disabled employee on a declaration, with the result of checking them."""

    scope_paths = employer_scope("declaration__employer")

    class ContractType(models.TextChoices):
        FIXED = "fixed", _("固定期限劳动合同")
        OPEN_ENDED = "open_ended", _("无固定期限劳动合同")
        TASK = "task", _("以完成一定工作任务为期限")
        SERVICE = "service", _("劳务协议")

    # No index of its own: the unique (declaration, id_number_index) leads with it (each index
    # is one more entry for every row version the year's review writes).
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="employees", db_index=False
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    # Indexed in Meta (a plain b-tree: a blind index is only compared whole, never by LIKE).
    id_number_index = models.CharField(max_length=64, editable=False)
    certificate_number = EncryptedTextField(_("残疾人证号"))
    # HMAC of the certificate number, as the registry keeps it: a line is matched to the
    # registry's certificate without decrypting either.
    certificate_index = models.CharField(max_length=64, blank=True, editable=False)
    # The registry person of id_number_index, as the last computation found them: every
    # computation (declaration_compute, the year's review) sets it again from the blind
    # index. No foreign key in the database (ADR 0019): checking it cost the year's review
    # 6 s of its 30 (a lock on every person row it links); persons are archived, never
    # deleted, and the ORM still protects them (on_delete=PROTECT).
    person = optional_fk("people.Person", _("登记人员"), db_constraint=False)
    contract_type = models.CharField(
        _("合同类型"), max_length=20, choices=ContractType.choices, blank=True
    )
    contract_start = models.DateField(_("合同开始日期"), null=True, blank=True)
    contract_end = models.DateField(_("合同结束日期"), null=True, blank=True)
    on_establishment = models.BooleanField(_("在编"), default=False)
    monthly_wage = models.DecimalField(_("月工资（元）"), max_digits=10, decimal_places=2)
    insurance_months = models.PositiveSmallIntegerField(_("缴纳社保月数"))
    dispatched = models.BooleanField(_("劳务派遣"), default=False)
    dispatch_agency = models.CharField(_("派遣单位"), max_length=200, blank=True)
    # By agreement a dispatched worker counts at the dispatching agency or the user employer,
    # never both: True when this declaration's employer is the one that counts them.
    counts_here = models.BooleanField(_("按协议计入本单位"), default=True)
    # Verification result: 0, 1 or 2 persons, and every check with its outcome.
    counts = models.DecimalField(_("计入人数"), max_digits=3, decimal_places=1, default=0)
    checks = models.JSONField(_("核验结果"), default=list, blank=True)
    conflict = models.BooleanField(_("被多家单位申报"), default=False)
    # District staff's ruling on a conflict (or on a person the registry does not know):
    # "count" here, "exclude" here, or "" (no ruling yet).
    staff_decision = models.CharField(_("区残联裁定"), max_length=10, blank=True)
    staff_note = models.CharField(_("裁定说明"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["declaration", "position", "name"]
        verbose_name = verbose_name_plural = _("申报的残疾职工")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "id_number_index"], name="declared_once_per_declaration"
            )
        ]
        indexes = [models.Index(fields=["id_number_index"], name="declared_id_number_index")]


class InsuranceCheck(BaseModel):
    """The social insurance office's (人社) answer for one declared employee, read back
    through the API's social insurance exchange: whether the person is insured, for how many
    months of the declaration year, and by which unit. Shown beside the declared months on
    the review page; a newer answer replaces the older one."""

    scope_paths = employer_scope("employee__declaration__employer")

    employee = models.OneToOneField(
        DeclaredEmployee,
        verbose_name=_("申报的残疾职工"),
        on_delete=models.CASCADE,
        related_name="insurance_check",
    )
    insured = models.BooleanField(_("已参保"))
    months = models.PositiveSmallIntegerField(_("核实的缴费月数"))
    unit = models.CharField(_("参保单位"), max_length=200, blank=True)
    note = models.CharField(_("人社局说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("社保核验结果")

    def __str__(self) -> str:
        return str(self.employee.name)

    @property
    def agrees(self) -> bool:
        """The answer bears the declaration out: insured, for at least the declared months,
        by the declaring unit (when the unit is named)."""
        employee = self.employee
        unit_ok = not self.unit or self.unit == employee.declaration.employer.name
        return self.insured and self.months >= employee.insurance_months and unit_ok


class Disclosure(BaseModel):
    """The public disclosure of a year's agencies' and institutions' quota compliance
    (action 一): district staff publish it when they choose and may withdraw it. Only the
    units' names and figures are shown, never a person."""

    scope_paths: dict[str, str] = {}
    scope_personal = False

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = user_fk(_("公开人"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = _("按比例就业情况公示")

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    REFUSED = "refused", _("未通过")


class EmployerApplication(BaseModel):
    """An employer's own sign-up (issue 18): what it typed on the public page and the account
    it chose, until the district links it to the registered employer with the same credit code,
    registers the employer from it, or refuses it with a reason the applicant reads. The code
    is not unique here: a second sign-up with a registered code looks the same to the public
    and is sorted out in the district's worklist."""

    scope_paths = {"user": "account_id"}

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    name = models.CharField(_("单位名称"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    town = region_fk(_("所在镇街"))
    account = models.OneToOneField(
        "accounts.User",
        verbose_name=_("注册账户"),
        on_delete=models.PROTECT,
        related_name="employer_application",
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    employer = optional_fk(Employer, _("核实为"), related_name="applications")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = user_fk(_("处理人"))
    refusal_reason = models.TextField(_("未通过原因"), blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = verbose_name_plural = _("单位注册申请")
        indexes = [models.Index(fields=["status", "created_at"], name="employer_app_status")]
        constraints = [
            models.CheckConstraint(
                name="employer_application_decision",
                condition=(
                    Q(status="pending", employer__isnull=True, refusal_reason="")
                    | Q(status="verified", employer__isnull=False)
                    | Q(status="refused", employer__isnull=True) & ~Q(refusal_reason="")
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"
