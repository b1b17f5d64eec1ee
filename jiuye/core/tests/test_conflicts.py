"""The one optimistic lock: ConflictError, locked/bump/check_version, actor, show_conflict."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import TOWN_A
from jiuye.core.conflicts import (
    Archiving,
    ConflictError,
    Kept,
    actor,
    assign,
    bump,
    bump_archived,
    check_version,
    locked,
    show_conflict,
)
from jiuye.reference.models import Region
from jiuye.training.models import Provider, ProviderKind


def test_a_conflict_is_not_a_validation_error() -> None:
    # An API answers 409 for it, not 400: callers catching ValidationError must not swallow it.
    assert not issubclass(ConflictError, ValidationError)


def test_its_message_is_translated_when_shown_not_when_raised() -> None:
    with translation.override("zh-hans"):
        error = ConflictError()
    with translation.override("en"):
        assert (
            str(error)
            == "Someone else changed this record a moment ago; your changes were not saved."
        )
    with translation.override("zh-hans"):
        assert str(error) == "这条记录刚刚被其他人修改过，您的修改没有保存。"


def test_actor_is_the_user_or_none_for_a_system_caller(personas) -> None:  # noqa: ANN001
    assert actor(personas["district"]) == personas["district"]
    assert actor(None) is None
    assert actor(object()) is None


def test_the_version_the_form_was_opened_at_is_checked_and_bumped(reference, personas) -> None:  # noqa: ANN001
    provider = Provider.objects.create(
        name="东城职业培训学校", kind=ProviderKind.TRAINING_ORG, region_id=TOWN_A
    )
    assert provider.version == 1
    current = locked(Provider.objects, pk=provider.pk, version=1)
    current.name = "东城职业技能培训学校"
    saved = bump(current, by=personas["district"], changed={"name"})
    assert (saved.version, saved.updated_by) == (2, personas["district"])
    with pytest.raises(ConflictError):
        locked(Provider.objects, pk=provider.pk, version=1)
    assert locked(Provider.objects, pk=provider.pk, version=None).version == 2  # no check


def test_a_row_that_is_not_there_yet_has_version_zero() -> None:
    check_version(None, 0)
    check_version(None, None)
    with pytest.raises(ConflictError):
        check_version(None, 1)


class _Form(forms.Form):
    name = forms.CharField()


def test_the_conflict_sits_at_the_top_with_a_link_that_reloads_the_page() -> None:
    form = _Form({"name": "甲"})
    assert form.is_valid()
    with translation.override("zh-hans"):
        show_conflict(form, ConflictError(), "/fairs/1/edit/")
        error = form.non_field_errors()[0]
    assert error.startswith("这条记录刚刚被其他人修改过")
    assert '请先记下，再<a href="/fairs/1/edit/">重新载入最新内容</a>。' in error
    assert form.data["name"] == "甲"  # what the user typed stays


def test_the_reload_link_is_escaped() -> None:
    form = _Form({"name": "甲"})
    form.is_valid()
    show_conflict(form, ConflictError(), '/edit/?q="><script>')
    assert "<script>" not in form.non_field_errors()[0]


def test_only_changed_fields_are_assigned_and_archiving_bumps_the_version(
    reference, personas
) -> None:  # noqa: ANN001
    provider = Provider.objects.create(
        name="东城职业培训学校", kind=ProviderKind.TRAINING_ORG, region_id=TOWN_A
    )
    assert assign(provider, {"name": "东城职业培训学校", "address": "东城路1号"}) == {"address"}
    assert provider.address == "东城路1号"
    archived = bump_archived(provider, by=personas["district"], reason="重复录入")
    assert archived.is_archived and archived.archived_reason == "重复录入"
    assert (archived.archived_by, archived.version) == (personas["district"], 2)


PROVIDERS = Kept(
    model=Provider,
    name="provider",
    fields=("name", "kind", "region"),
    check=lambda values, by, current: {} if values.get("name") else {"name": ["请填写名称。"]},
    archiving=Archiving(
        required="请填写归档原因。", already="已经归档。", refused="已归档，不能再修改。"
    ),
    out_of_scope="这个培训机构不在您负责的范围内。",
    related=("region",),
)


def test_kept_creates_with_the_check_the_fields_stripped(reference, personas) -> None:  # noqa: ANN001
    town = Region.objects.get(code=TOWN_A)
    with pytest.raises(ValidationError) as refused:
        PROVIDERS.create(
            by=personas["district"], name=" ", kind=ProviderKind.TRAINING_ORG, region=town
        )
    assert refused.value.message_dict == {"name": ["请填写名称。"]}
    with pytest.raises(TypeError):
        PROVIDERS.create(by=personas["district"], name="甲", address="东城")  # not a known field
    provider = PROVIDERS.create(
        by=personas["district"],
        name=" 东城职业培训学校 ",
        kind=ProviderKind.TRAINING_ORG,
        region=town,
    )
    assert (provider.name, provider.version, provider.created_by) == (
        "东城职业培训学校",
        1,
        personas["district"],
    )


def test_kept_updates_at_the_version_for_its_keepers_only(reference, personas) -> None:  # noqa: ANN001
    town = Region.objects.get(code=TOWN_A)
    provider = PROVIDERS.create(by=None, name="甲", kind=ProviderKind.TRAINING_ORG, region=town)
    with pytest.raises(ValidationError) as refused:
        PROVIDERS.update(provider=provider, by=personas["town_b"], version=1, name="乙")
    assert refused.value.messages == ["这个培训机构不在您负责的范围内。"]
    saved = PROVIDERS.update(provider=provider, by=personas["town_a"], version=1, name="乙")
    assert (saved.name, saved.version) == ("乙", 2)
    with pytest.raises(ConflictError):
        PROVIDERS.update(provider=provider, by=personas["town_a"], version=1, name="丙")
    with pytest.raises(ValidationError) as refused:
        PROVIDERS.update(provider=provider, by=personas["town_a"], version=2, name="")
    assert refused.value.message_dict == {"name": ["请填写名称。"]}


def test_kept_archives_with_a_reason_and_then_refuses_changes(reference, personas) -> None:  # noqa: ANN001
    town = Region.objects.get(code=TOWN_A)
    provider = PROVIDERS.create(by=None, name="甲", kind=ProviderKind.TRAINING_ORG, region=town)
    with pytest.raises(ValidationError):
        PROVIDERS.archive(provider=provider, by=personas["town_b"], reason="重复录入")
    with pytest.raises(ValidationError):
        PROVIDERS.archive(provider=provider, by=personas["town_a"], reason=" ")
    archived = PROVIDERS.archive(provider=provider, by=personas["town_a"], reason="重复录入")
    assert (archived.is_archived, archived.archived_reason) == (True, "重复录入")
    with pytest.raises(ValidationError) as refused:
        PROVIDERS.update(provider=provider, by=personas["town_a"], version=None, name="乙")
    assert refused.value.messages == ["已归档，不能再修改。"]
