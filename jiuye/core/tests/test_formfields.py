from __future__ import annotations

from django import forms

from conftest import make_id_number, make_uscc
from jiuye.core.formfields import CertificateNumberField, ResidentIdField, UsccOverrideMixin


class IdentityForm(forms.Form):
    id_number = ResidentIdField(label="身份证号")
    certificate = CertificateNumberField(label="残疾人证号", required=False)


class EmployerForm(UsccOverrideMixin, forms.Form):
    name = forms.CharField()


def test_the_id_field_normalises_lowercase_x_and_spaces() -> None:
    number = make_id_number(seq=12)
    for seq in range(1, 400):
        number = make_id_number(seq=seq)
        if number.endswith("X"):
            break
    form = IdentityForm({"id_number": " " + number.lower()[:6] + " " + number.lower()[6:]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == number


def test_the_id_field_explains_a_wrong_check_character() -> None:
    number = make_id_number(seq=12)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    form = IdentityForm({"id_number": wrong})
    assert not form.is_valid()
    assert "校验码错误" in form.errors["id_number"][0]


def test_the_certificate_field_checks_category_and_grade_digits() -> None:
    number = make_id_number(seq=12)
    assert IdentityForm({"id_number": number, "certificate": number + "42"}).is_valid()
    form = IdentityForm({"id_number": number, "certificate": number + "92"})
    assert not form.is_valid()
    assert "类别" in form.errors["certificate"][0]


def test_a_correct_credit_code_needs_no_reason() -> None:
    form = EmployerForm({"name": "x", "uscc": make_uscc().lower()})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc"] == make_uscc()
    assert form.cleaned_data["uscc_warnings"] == []


def test_a_failed_check_character_needs_a_reason_and_is_kept_with_one() -> None:
    good = make_uscc()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    form = EmployerForm({"name": "x", "uscc": bad})
    assert not form.is_valid()
    assert "校验码不符" in form.errors["uscc"][0]
    form = EmployerForm({"name": "x", "uscc": bad, "uscc_override_reason": "与营业执照核对一致"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc_warnings"][0].code == "uscc_checksum"


def test_a_credit_code_with_a_forbidden_letter_is_an_error_even_with_a_reason() -> None:
    form = EmployerForm({"name": "x", "uscc": "91440199MA5TOST120", "uscc_override_reason": "x"})
    assert not form.is_valid()
    assert "不含I、O、S、V、Z" in form.errors["uscc"][0]


def test_an_object_choice_renders_and_cleans_like_a_model_choice_without_a_query(
    reference, django_assert_num_queries
) -> None:  # noqa: ANN001
    from jiuye.core.formfields import ObjectChoiceField
    from jiuye.reference.models import Region

    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code"))

    class ByObject(forms.Form):
        town = ObjectChoiceField(required=False, to_field_name="code", empty_label="全区")

    class ByModel(forms.Form):
        town = forms.ModelChoiceField(
            Region.objects.filter(level=Region.Level.TOWN).order_by("code"),
            required=False,
            to_field_name="code",
            empty_label="全区",
        )

    def by_object(data: dict[str, str]) -> forms.Form:
        form = ByObject(data)
        form.fields["town"].objects = towns
        return form

    for data in ({}, {"town": towns[1].code}, {"town": "nowhere"}):
        with django_assert_num_queries(0):
            mine = by_object(data)
            html, valid, errors = str(mine), mine.is_valid(), mine.errors
        theirs = ByModel(data)
        assert html == str(theirs)
        assert valid == theirs.is_valid()
        assert errors == theirs.errors
        if valid:
            assert mine.cleaned_data == theirs.cleaned_data


def test_a_day_after_today_is_refused_naming_the_field_and_today() -> None:
    import datetime as dt

    import pytest
    from django.utils import timezone

    from jiuye.core.formfields import not_after_today

    today = timezone.localdate()
    assert not_after_today(today, "入职日期") == today
    with pytest.raises(forms.ValidationError) as info:
        not_after_today(today + dt.timedelta(days=1), "入职日期")
    assert info.value.messages == [f"入职日期不能晚于今天（{today:%Y-%m-%d}）。"]
