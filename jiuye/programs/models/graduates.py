"""Action 七: the students with disabilities the education bureau lists, exchanged both ways.

One ``GraduateRecord`` is one line of the bureau's list: a student of one school who entered in
one year (natural key: the ID number's blind index + school + year of entry), so the list of
next term updates these lines instead of adding new ones. A line is matched to the registry by
ID number (``person``); a line whose person is not registered stays unmatched, listed for the
district to register through the normal person registration (then matched) or to reject
(archived with the reason). Everything done for a graduate (services, training, referrals,
employment) is read from the records that exist; nothing is typed here twice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.fields import import_batch_fk, optional_fk
from jiuye.core.models import ArchivableModel, BaseModel, MaskedIdentity, VersionedModel
from jiuye.core.scoping import person_scope


class DegreeLevel(models.TextChoices):
    SECONDARY = "secondary", _("中职")
    JUNIOR_COLLEGE = "junior_college", _("高职（专科）")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")
    OTHER = "other", _("其他")


class GraduateRecord(BaseModel, ArchivableModel, VersionedModel, MaskedIdentity):
    # Scoped like its person: a town sees the lines of its own persons; an unmatched line
    # (no person yet) is the district's alone.
    scope_paths = person_scope()

    person = optional_fk("people.Person", _("人员"), related_name="graduate_records")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = models.CharField(max_length=64, editable=False, db_index=True)
    school = models.CharField(_("学校"), max_length=100)
    major = models.CharField(_("专业"), max_length=100, blank=True)
    degree_level = models.CharField(
        _("学历层次"), max_length=20, choices=DegreeLevel.choices, blank=True
    )
    entry_year = models.PositiveSmallIntegerField(_("入学年份"))
    graduation_year = models.PositiveSmallIntegerField(_("预计毕业年份"))
    phone = EncryptedTextField(_("联系电话"), blank=True)
    import_batch = import_batch_fk()

    certificate_number = ""  # MaskedIdentity: the bureau's list carries no certificate

    class Meta:
        verbose_name = _("毕业生交换记录")
        verbose_name_plural = _("毕业生交换记录")
        ordering = ["-graduation_year", "school", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index", "school", "entry_year"], name="graduate_once_per_entry"
            ),
            models.CheckConstraint(
                condition=models.Q(graduation_year__gte=models.F("entry_year")),
                name="graduate_after_entry",
            ),
        ]
        indexes = [models.Index(fields=["graduation_year", "person"], name="graduate_year")]

    @property
    def is_matched(self) -> bool:
        return self.person_id is not None
