"""Search terms of Chinese text (jieba), as matching uses them."""

from __future__ import annotations

from jiuye.jobs.services.terms import terms, terms_of


def test_it_splits_chinese_text_into_words_and_keeps_latin_words_lower_case() -> None:
    found = terms("熟练使用电商客服系统，会Excel")
    assert "电商" in found
    assert "客服" in found
    assert "excel" in found


def test_it_drops_single_characters_punctuation_numbers_and_stop_words() -> None:
    found = terms("具备3年以上相关工作经验，能够吃苦耐劳的人员优先")
    assert not {"具备", "以上", "相关", "工作", "经验", "能够", "人员", "优先"} & set(found)
    assert all(len(term) >= 2 for term in found)
    assert "3" not in found
    assert "，" not in found


def test_empty_text_has_no_terms() -> None:
    assert terms("") == ()
    assert terms("   ") == ()


def test_terms_of_several_texts_are_distinct_and_in_first_seen_order() -> None:
    assert terms_of(["电商客服", "客服", "盲人按摩"]) == ("电商", "客服", "盲人", "按摩")


def test_work_attitude_words_of_requirements_are_not_skill_terms() -> None:
    assert terms("能按时上下班，服从安排，吃苦耐劳") == ()
