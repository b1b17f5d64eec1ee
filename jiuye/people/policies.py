"""The consent texts (告知书) a person agrees to, one per purpose, each with its version and an
easy-read version in plain words and short sentences. The one place they are written: the
sign-up form shows them, a consent records the version it was given under, and the referral
pages' sharing consent takes its version from here too.

Change a text → raise its ``version`` (consents given under the old one keep the old number).
``JIUYE_CONSENT_POLICY_VERSION``, when set, overrides every version (a deployment that rewrites
its notices in one go)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiuye.people.models import Consent

Purpose = Consent.Purpose


@dataclass(frozen=True)
class Policy:
    purpose: str
    version: str
    title: str | Promise
    text: str | Promise
    easy_read: tuple[str | Promise, ...]
    # The box the person ticks (never ticked for them).
    agree: str | Promise
    required: bool = False


POLICIES: dict[str, Policy] = {
    Purpose.PROCESS_DISABILITY_INFO: Policy(
        purpose=Purpose.PROCESS_DISABILITY_INFO,
        version="2026-1",
        title=_("处理残疾信息（敏感个人信息）"),
        text=_(
            "您的残疾状况、残疾人证号和身份证号属于敏感个人信息。区残联和您所在镇街的工作人员"
            "处理这些信息，只为核实您的身份、为您登记求职信息并提供就业服务；信息加密保存，"
            "只有经授权的工作人员在工作范围内可以查看，查看完整号码会被记录。不同意则无法通过"
            "本平台自助注册，您仍可以到镇街服务窗口办理。您可以随时撤回同意，撤回后我们不再为"
            "自助服务处理这些信息，但不影响撤回前已经进行的处理。"
        ),
        easy_read=(
            _("您有残疾，这是您的隐私。"),
            _("我们要用您的身份证号和残疾人证号，确认您是谁。"),
            _("只有残联和镇街的工作人员能看。"),
            _("我们只用它来帮您找工作。"),
            _("不同意，就不能在网上注册。您可以去镇街办。"),
            _("以后想反悔，随时可以撤回。"),
        ),
        agree=_("我同意处理我的残疾信息（必选）"),
        required=True,
    ),
    Purpose.SHARE_WITH_EMPLOYERS: Policy(
        purpose=Purpose.SHARE_WITH_EMPLOYERS,
        version="2026-1",
        title=_("向用人单位展示求职信息"),
        text=_(
            "同意后，工作人员向您推荐岗位时，招聘单位可以看到您的姓名、求职意向、技能特长和"
            "所需的无障碍支持；看不到您的身份证号、残疾人证号和住址。不同意不影响注册，"
            "工作人员仍可以为您提供其他服务。您可以随时撤回，撤回后单位立即看不到。"
        ),
        easy_read=(
            _("招工的单位可以看到您想做什么工作、会做什么。"),
            _("单位看不到您的身份证号和证号。"),
            _("不同意也能注册。"),
            _("以后想反悔，随时可以撤回。"),
        ),
        agree=_("我同意向用人单位展示我的求职信息（可选）"),
    ),
    Purpose.CONTACT: Policy(
        purpose=Purpose.CONTACT,
        version="2026-1",
        title=_("联系本人（电话、短信）"),
        text=_(
            "同意后，镇街和区残联的工作人员可以用您留下的电话打电话或发短信给您，告诉您岗位、"
            "培训和招聘会的消息。不同意不影响注册，您仍会在平台的通知里看到消息。您可以随时撤回。"
        ),
        easy_read=(
            _("工作人员可以给您打电话、发短信。"),
            _("告诉您有什么工作、培训和招聘会。"),
            _("不同意也能注册，消息会放在平台里。"),
            _("以后想反悔，随时可以撤回。"),
        ),
        agree=_("我同意工作人员电话或短信联系我（可选）"),
    ),
}

# The consents the sign-up form asks for, in the order it asks.
SIGNUP_PURPOSES = (Purpose.PROCESS_DISABILITY_INFO, Purpose.SHARE_WITH_EMPLOYERS, Purpose.CONTACT)


def policy_version(purpose: str) -> str:
    """The version a consent to ``purpose`` is given under today."""
    override = getattr(settings, "JIUYE_CONSENT_POLICY_VERSION", "")
    if override:
        return str(override)
    policy = POLICIES.get(purpose)
    return policy.version if policy else "2026-1"
