"""Reference data as readers see it."""

from __future__ import annotations


def test_disability_categories_and_grades_speak_the_readers_language(reference) -> None:  # noqa: ANN001
    from django.utils import translation

    from jiuye.reference.models import DisabilityCategory, DisabilityGrade

    category, grade = DisabilityCategory.objects.get(code=1), DisabilityGrade.objects.get(code=1)
    with translation.override("en"):
        assert (str(category), str(grade)) == (category.name_en, grade.name_en)
    with translation.override("zh-hans"):
        assert (str(category), str(grade)) == ("视力残疾", grade.name)
