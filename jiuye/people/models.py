"""Persons with disabilities. The foundation holds identity and region; the registry issue
adds disability, household, situation and consent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.masking import mask_id_number
from jiuye.core.models import ArchivableModel, BaseModel
from jiuye.reference.models import Region


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Person(BaseModel, ArchivableModel):
    scope_paths = {"region": "region", "person": "id"}

    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    # HMAC of the normalised ID number: exact lookup and uniqueness without the plaintext.
    id_number_index = models.CharField(max_length=64, unique=True, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    region = models.ForeignKey(
        Region, verbose_name=_("所在村社区"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("残疾人")
        verbose_name_plural = _("残疾人")

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)
