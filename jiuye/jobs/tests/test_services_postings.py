"""The posting services: validation in plain Chinese, the employer's draft → review → publish
path, staff publishing directly, status changes, archiving, conflicts and the search terms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import TOWN_B, VILLAGE_B
from jiuye.core.conflicts import ConflictError
from jiuye.employers.services.registry import employer_archive
from jiuye.jobs.models import Posting, PostingStatus
from jiuye.jobs.services.postings import (
    normalize_skills,
    posting_archive,
    posting_create,
    posting_review,
    posting_set_status,
    posting_submit,
    posting_update,
)
from jiuye.jobs.tests import posting_fixtures
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

posting_fields = posting_fixtures.posting_fields
make_posting = posting_fixtures.make_posting


def messages_of(excinfo: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_staff_publish_directly_and_the_search_terms_are_kept(personas, employer_a) -> None:  # noqa: ANN001
    posting = posting_create(
        by=personas["district"],
        status="published",
        **posting_fields(
            employer_a,
            title="电商客服",
            skills=["直播带货", "电商客服", "直播带货"],
            requirements="熟悉淘宝后台",
        ),
    )
    assert posting.status == PostingStatus.PUBLISHED
    assert posting.published_at is not None
    assert posting.skills == ["直播带货", "电商客服"]
    assert "直播" in posting.terms.split() and "淘宝" in posting.terms.split()
    assert "客服" in posting.title_terms.split()
    assert posting.created_by == personas["district"]


def test_a_draft_has_no_publication_time(personas, employer_a) -> None:  # noqa: ANN001
    posting = posting_create(by=personas["town_a"], **posting_fields(employer_a))
    assert posting.status == PostingStatus.DRAFT
    assert posting.published_at is None


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"title": "  "}, "title", "请填写岗位名称"),
        ({"wage_min": 5000, "wage_max": 3000}, "wage_min", "月薪下限不能高于上限"),
        ({"openings": 0}, "openings", "招聘人数至少为 1"),
        ({"region": None, "is_remote": True}, "region", "远程岗位也请选择工作地点"),
        ({"education_min": "phd"}, "education_min", "请从列表中选择最低学历"),
        ({"skills": ["很长" * 11]}, "skills", "太长（最多 20 个字）"),
        ({"skills": [f"技能{i}" for i in range(21)]}, "skills", "最多 20 个标签"),
        ({"accessibility": ["lift"]}, "accessibility", "无法识别的无障碍条件：lift"),
        ({"target_groups": ["elderly"]}, "target_groups", "无法识别的面向人群：elderly"),
        ({"hours": ""}, "hours", "请选择工作时间"),
        ({"suitable_categories": [9]}, "suitable_categories", "无法识别的残疾类别"),
    ],
)
def test_each_bad_field_gets_a_message_naming_it(
    personas, employer_a, override, field, message
) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as excinfo:
        posting_create(by=personas["district"], **posting_fields(employer_a, **override))
    assert message in " ".join(messages_of(excinfo)[field])
    assert not Posting.objects.exists()


def test_a_past_deadline_is_refused_only_when_publishing(personas, employer_a) -> None:  # noqa: ANN001
    past = timezone.localdate() - dt.timedelta(days=1)
    draft = posting_create(by=personas["district"], **posting_fields(employer_a, deadline=past))
    with pytest.raises(ValidationError) as excinfo:
        posting_set_status(posting=draft, by=personas["district"], status="published")
    assert "已经过了，不能发布" in messages_of(excinfo)["deadline"][0]
    with pytest.raises(ValidationError):
        posting_create(
            by=personas["district"],
            status="published",
            **posting_fields(employer_a, title="另一个", deadline=past),
        )


def test_an_archived_employer_cannot_get_new_postings(personas, employer_a) -> None:  # noqa: ANN001
    employer_archive(employer=employer_a, reason="已注销", by=None)
    employer_a.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        posting_create(by=personas["district"], **posting_fields(employer_a))
    assert "已归档" in messages_of(excinfo)["employer"][0]


def test_skills_typed_as_text_are_trimmed_split_and_deduplicated() -> None:
    assert normalize_skills(" 电商客服、打字，普通话; 打字 ,, ") == ["电商客服", "打字", "普通话"]
    assert normalize_skills(["Excel", "excel", " PS "]) == ["Excel", "PS"]
    assert normalize_skills(None) == []


def test_an_employer_posts_for_itself_and_goes_through_review(personas, employer_a) -> None:  # noqa: ANN001
    employer_user, district = personas["employer"], personas["district"]
    fields = posting_fields(employer_a)
    del fields["employer"]  # an employer user's posting is always its own
    posting = posting_create(by=employer_user, **fields)
    assert posting.employer == employer_a
    assert posting.status == PostingStatus.DRAFT

    posting = posting_submit(posting=posting, by=employer_user)
    assert posting.status == PostingStatus.REVIEW
    with pytest.raises(ValidationError) as excinfo:
        posting_review(posting=posting, by=district, approve=False, note="")
    assert "请填写退回意见" in messages_of(excinfo)["note"][0]

    posting = posting_review(posting=posting, by=district, approve=False, note="请写明工作时间")
    assert (posting.status, posting.review_note) == (PostingStatus.DRAFT, "请写明工作时间")
    posting = posting_update(
        posting=posting, by=employer_user, version=posting.version, schedule="9:00-17:00"
    )
    posting = posting_submit(posting=posting, by=employer_user)
    posting = posting_review(posting=posting, by=district, approve=True, note="")
    assert posting.status == PostingStatus.PUBLISHED
    assert posting.published_at is not None


def test_an_employer_cannot_post_for_another_employer_or_publish_itself(
    personas, employer_a, employer_b
) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as excinfo:
        posting_create(by=personas["employer"], **posting_fields(employer_b))
    assert "只能为本单位发布岗位" in messages_of(excinfo)["employer"][0]
    with pytest.raises(ValidationError):
        posting_create(by=personas["employer"], status="published", **posting_fields(employer_a))
    other = make_posting(employer_b)
    with pytest.raises(PermissionDenied):
        posting_set_status(posting=other, by=personas["employer"], status="closed")


def test_an_employer_cannot_change_a_posting_once_submitted(personas, employer_a) -> None:  # noqa: ANN001
    posting = posting_create(by=personas["employer"], status="review", **posting_fields(employer_a))
    with pytest.raises(ValidationError) as excinfo:
        posting_update(posting=posting, by=personas["employer"], version=None, title="新名字")
    assert "单位不能再修改" in excinfo.value.messages[0]


def test_only_district_staff_review(personas, employer_a) -> None:  # noqa: ANN001
    posting = posting_create(by=personas["employer"], status="review", **posting_fields(employer_a))
    with pytest.raises(PermissionDenied):
        posting_review(posting=posting, by=personas["town_a"], approve=True, note="")


def test_a_town_officer_writes_only_postings_in_their_town(personas, employer_a) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as excinfo:
        posting_create(
            by=personas["town_a"],
            **posting_fields(employer_a, region=Region.objects.get(code=VILLAGE_B)),
        )
    assert "本镇街范围内" in messages_of(excinfo)["region"][0]
    western = make_posting(employer_a, region=Region.objects.get(code=TOWN_B))
    with pytest.raises(PermissionDenied):
        posting_archive(posting=western, by=personas["town_a"], reason="不需要")


def test_read_only_roles_cannot_create(personas, employer_a) -> None:  # noqa: ANN001
    for name in ("leader", "liaison", "jobseeker"):
        with pytest.raises(PermissionDenied):
            posting_create(by=personas[name], **posting_fields(employer_a))


def test_the_second_of_two_editors_gets_a_conflict(personas, employer_a) -> None:  # noqa: ANN001
    posting = make_posting(employer_a)
    opened = posting.version
    posting_update(posting=posting, by=personas["district"], version=opened, openings=3)
    with pytest.raises(ConflictError) as excinfo:
        posting_update(posting=posting, by=personas["town_a"], version=opened, openings=5)
    assert "刚刚被其他人修改过" in str(excinfo.value)
    posting.refresh_from_db()
    assert posting.openings == 3


def test_an_update_keeps_the_terms_and_the_categories(personas, employer_a) -> None:  # noqa: ANN001
    posting = make_posting(employer_a, suitable_categories=[1])
    posting = posting_update(
        posting=posting,
        by=personas["district"],
        version=posting.version,
        skills="钢琴调律、音频剪辑",
        suitable_categories=[1, 2],
    )
    assert posting.skills == ["钢琴调律", "音频剪辑"]
    assert "调律" in posting.terms or "钢琴" in posting.terms
    assert sorted(c.pk for c in posting.suitable_categories.all()) == [1, 2]
    assert posting.version == 2


def test_status_changes_follow_the_allowed_paths(personas, employer_a) -> None:  # noqa: ANN001
    staff = personas["district"]
    posting = make_posting(employer_a)
    posting = posting_set_status(posting=posting, by=staff, status="filled")
    posting = posting_set_status(posting=posting, by=staff, status="published")
    posting = posting_set_status(posting=posting, by=staff, status="closed")
    with pytest.raises(ValidationError) as excinfo:
        posting_set_status(posting=posting, by=staff, status="filled")
    assert "岗位现在是“已关闭”，不能改为“已招满”" in excinfo.value.messages[0]
    posting = posting_set_status(posting=posting, by=staff, status="published")
    assert posting.status == PostingStatus.PUBLISHED


def test_an_employer_closes_its_own_posting_but_cannot_reopen_it(personas, employer_a) -> None:  # noqa: ANN001
    posting = make_posting(employer_a)
    posting = posting_set_status(posting=posting, by=personas["employer"], status="closed")
    with pytest.raises(ValidationError):
        posting_set_status(posting=posting, by=personas["employer"], status="published")


def test_archiving_needs_a_reason_and_ends_every_change(personas, employer_a) -> None:  # noqa: ANN001
    posting = make_posting(employer_a)
    with pytest.raises(ValidationError) as excinfo:
        posting_archive(posting=posting, by=personas["district"], reason=" ")
    assert "请填写归档原因" in messages_of(excinfo)["reason"][0]
    posting = posting_archive(posting=posting, by=personas["district"], reason="重复录入")
    assert posting.is_archived and posting.archived_reason == "重复录入"
    assert Posting.objects.filter(pk=posting.pk).exists()  # nothing is deleted
    with pytest.raises(ValidationError):
        posting_update(posting=posting, by=personas["district"], version=None, openings=2)
    with pytest.raises(ValidationError):
        posting_set_status(posting=posting, by=personas["district"], status="closed")
