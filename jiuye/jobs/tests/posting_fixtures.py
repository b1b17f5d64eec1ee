"""Fixtures and helpers of the postings tests (imported by the test modules that use them).

``posting_world`` holds postings of both demo employers, counted by hand:

=================  ==========  ========  =================================================
title              employer    place     what it is
=================  ==========  ========  =================================================
电商客服           西城 (b)    西城社区  published, remote, 网络客服, graduates, 视力; 读屏
盲人按摩师         东城 (a)    东城社区  published, 视力, blind
仓库理货员         西城 (b)    西城社区  published, 肢体 only, deadline in 30 days
数据录入员         东城 (a)    东城街道  published, suits every category
去年的岗位         东城 (a)    东城社区  published, deadline passed (not open)
西城草稿           西城 (b)    西城社区  draft (only staff of 西城 and district see it)
东城草稿           东城 (a)    东城社区  draft of employer_a
已归档岗位         东城 (a)    东城社区  published, archived
=================  ==========  ========  =================================================
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import TOWN_A, VILLAGE_A, VILLAGE_B
from jiuye.core.tests.forms import posted
from jiuye.employers.models import Employer
from jiuye.jobs.models import AccessFeature, Hours, Posting, PostingStatus
from jiuye.jobs.services.postings import posting_archive, posting_create
from jiuye.reference.models import Region

OPEN_TITLES = {"电商客服", "盲人按摩师", "仓库理货员", "数据录入员"}


def posting_fields(employer: Employer, **override: Any) -> dict[str, Any]:
    """What ``posting_create`` needs, with plain defaults."""
    fields: dict[str, Any] = {
        "employer": employer,
        "title": "客服专员",
        "region": Region.objects.get(code=VILLAGE_A),
        "hours": Hours.FULL_TIME,
        "openings": 1,
    }
    fields.update(override)
    return fields


def make_posting(employer: Employer, *, status: str = "published", **fields: Any) -> Posting:
    return posting_create(by=None, status=status, **posting_fields(employer, **fields))


def form_data(**override: Any) -> dict[str, Any]:
    """A posting form as a browser sends it (staff: the employer by credit code)."""
    data: dict[str, Any] = {
        "title": "电商客服",
        "occupation": "4-04",
        "openings": "3",
        "description": "在线回答顾客的问题。",
        "region": VILLAGE_A,
        "is_remote": "on",
        "new_form_subtype": "cloud_service",
        "hours": "flexible",
        "schedule": "",
        "deadline": "",
        "wage_min": "3000",
        "wage_max": "4500",
        "contract_type": "fixed",
        "benefits": "五险一金",
        "education_min": "senior",
        "experience_years": "0",
        "skills": "电商客服、打字，普通话",
        "requirements": "会用电脑",
        "suitable_categories": ["1", "4"],
        "suitable_grades": [],
        "accessibility": ["screen_reader", "flexible_hours"],
        "target_groups": ["graduates"],
    }
    return posted(data, **override)


@pytest.fixture
def posting_world(personas, employer_a, employer_b) -> dict[str, Posting]:  # noqa: ANN001
    today = timezone.localdate()
    village_b = Region.objects.get(code=VILLAGE_B)
    made = {
        "电商客服": make_posting(
            employer_b,
            title="电商客服",
            region=village_b,
            is_remote=True,
            new_form_subtype="cloud_service",
            target_groups=["graduates"],
            suitable_categories=[1],
            accessibility=[AccessFeature.SCREEN_READER],
            skills=["电商客服", "打字"],
            wage_min=3000,
            wage_max=4500,
        ),
        "盲人按摩师": make_posting(
            employer_a,
            title="盲人按摩师",
            suitable_categories=[1],
            target_groups=["blind"],
            skills=["保健按摩"],
        ),
        "仓库理货员": make_posting(
            employer_b,
            title="仓库理货员",
            region=village_b,
            suitable_categories=[4],
            deadline=today + dt.timedelta(days=30),
        ),
        "数据录入员": make_posting(
            employer_a, title="数据录入员", region=Region.objects.get(code=TOWN_A)
        ),
        "去年的岗位": make_posting(employer_a, title="去年的岗位"),
        "西城草稿": make_posting(employer_b, status="draft", title="西城草稿", region=village_b),
        "东城草稿": make_posting(employer_a, status="draft", title="东城草稿"),
        "已归档岗位": make_posting(employer_a, title="已归档岗位"),
    }
    Posting.objects.filter(pk=made["去年的岗位"].pk).update(deadline=today - dt.timedelta(days=200))
    posting_archive(posting=made["已归档岗位"], by=None, reason="重复录入")
    for posting in made.values():
        posting.refresh_from_db()
    assert Posting.objects.filter(status=PostingStatus.DRAFT).count() == 2
    return made
