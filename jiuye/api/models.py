"""API keys: one per partner system or department. A key acts through its own account (a user
with the key's role and binding, which cannot sign in), so every scope rule, permission and
service of the product applies to it unchanged, and the audit trail names it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.fields import user_fk
from jiuye.core.models import BaseModel


class ApiKey(BaseModel):
    name = models.CharField(_("名称"), max_length=100)
    # The person answerable for the key (who asked for it; who to call when it misbehaves).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="owned_api_keys",
    )
    # The account the key acts as: its role, department/town/employer binding and scope.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接口账户"),
        on_delete=models.PROTECT,
        related_name="api_key",
    )
    # The public part of the key (shown in lists and logs); the secret is stored only as a hash.
    prefix = models.CharField(_("密钥前缀"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    # Whether the key may receive full ID numbers where an exchange needs them (the social
    # insurance check, the files back to the bureaus); every such read is logged as a reveal.
    may_reveal = models.BooleanField(_("可取完整证件号码"), default=False)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = user_fk(_("吊销人"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("接口密钥")

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}）"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return str(_("已吊销"))
        if self.is_expired:
            return str(_("已过期"))
        return str(_("有效"))
