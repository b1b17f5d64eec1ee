"""The fair services and selectors: who may run a fair, employers and their postings, seekers
and attendance, 现场投递, and the results and yearly figures counted by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import TOWN_A, TOWN_B
from jiuye.jobs.models import FairKind, FairSeeker, PostingStatus, Referral
from jiuye.jobs.selectors import fairs as selectors
from jiuye.jobs.services import fairs as services
from jiuye.jobs.services.referrals import referral_advance
from jiuye.jobs.tests import referral_fixtures as fx
from jiuye.reference.models import Region

pytestmark = pytest.mark.django_db

posting_a, posting_b, fair_a = fx.posting_a, fx.posting_b, fx.fair_a


def _fields(**override):  # noqa: ANN003, ANN202
    values = {
        "name": "西城专场",
        "kind": FairKind.ONLINE,
        "date": fx.today(),
        "place": "直播平台",
        "region": Region.objects.get(code=TOWN_B),
        "organiser": "西城街道",
        "target_groups": [],
        "description": "",
    }
    values.update(override)
    return values


def test_a_town_officer_runs_fairs_of_their_own_town_only(personas) -> None:  # noqa: ANN001
    fair = services.fair_create(by=personas["town_b"], **_fields())
    assert fair.created_by == personas["town_b"]
    with pytest.raises(ValidationError) as error:
        services.fair_create(by=personas["town_a"], **_fields())
    assert "举办地所在镇街的专干" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        services.fair_update(fair=fair, by=personas["town_a"], version=fair.version, name="改")
    updated = services.fair_update(
        fair=fair, by=personas["town_b"], version=fair.version, name="西城直播带岗"
    )
    assert (updated.name, updated.version) == ("西城直播带岗", 2)


def test_a_fair_needs_a_name_a_kind_and_an_organiser(personas) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as error:
        services.fair_create(by=None, **_fields(name=" ", kind="party", organiser=""))
    assert set(error.value.error_dict) == {"name", "kind", "organiser"}


def test_employers_bring_only_their_own_published_postings(fair_a, personas, posting_b) -> None:  # noqa: ANN001
    employer = personas["employer"].employer
    draft = fx.make_posting(employer, title="草稿岗位", status=PostingStatus.DRAFT)
    with pytest.raises(ValidationError):
        services.fair_set_postings(fair=fair_a, employer=employer, postings=[draft], by=None)
    with pytest.raises(ValidationError):
        services.fair_set_postings(fair=fair_a, employer=employer, postings=[posting_b], by=None)
    with pytest.raises(ValidationError):
        services.fair_add_employer(fair=fair_a, employer=employer, by=None)
    services.fair_remove_employer(fair=fair_a, employer=employer, by=None)
    assert not fair_a.postings.exists()
    assert not fair_a.participants.exists()


def test_seekers_are_registered_within_scope_once_and_marked_present(fair_a, personas) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    with pytest.raises(ValidationError):
        services.fair_register_seeker(fair=fair_a, person=person, by=personas["town_b"])
    seeker = services.fair_register_seeker(fair=fair_a, person=person, by=personas["town_a"])
    assert seeker.registered_on == fx.today()
    with pytest.raises(ValidationError) as error:
        services.fair_register_seeker(fair=fair_a, person=person, by=None)
    assert "已经报名" in " ".join(error.value.messages)
    services.fair_mark_attendance(seeker=seeker, attended=True, by=personas["town_a"])
    assert FairSeeker.objects.get().attended


def test_an_on_site_application_is_a_fair_referral_of_a_registered_seeker(
    fair_a, personas, posting_b
) -> None:  # noqa: ANN001
    person = personas["jobseeker"].person
    fx.consent(person)
    stranger = fx.make_person(750, "路人")
    fx.consent(stranger)
    with pytest.raises(ValidationError) as error:
        services.fair_refer(
            seeker=FairSeeker(fair=fair_a, person=stranger), posting=posting_a_of(fair_a), by=None
        )
    assert "还没有报名" in " ".join(error.value.messages)
    seeker = services.fair_register_seeker(fair=fair_a, person=person, by=None)
    with pytest.raises(ValidationError) as error:
        services.fair_refer(seeker=seeker, posting=posting_b, by=None)
    assert "没有参加这场招聘会" in " ".join(error.value.messages)
    referral = services.fair_refer(seeker=seeker, posting=posting_a_of(fair_a), by=None)
    assert (referral.channel, referral.fair) == ("fair", fair_a)
    seeker.refresh_from_db()
    assert seeker.attended


def posting_a_of(fair):  # noqa: ANN001, ANN201
    return fair.postings.get()


def test_the_results_of_a_fair_are_counted_from_its_records(fair_a, personas, employer_b) -> None:  # noqa: ANN001
    """Hand count: 2 employers (b brings no posting), 1 posting; 3 registered, 2 came; three
    on-site applications: one interviewed, one offered then hired, one only referred; a staff
    referral outside the fair does not count."""
    services.fair_add_employer(fair=fair_a, employer=employer_b, by=None)
    posting = posting_a_of(fair_a)
    people = [fx.make_person(760 + i, name) for i, name in enumerate(["甲", "乙", "丙"])]
    seekers = [services.fair_register_seeker(fair=fair_a, person=p, by=None) for p in people]
    referrals = []
    for seeker in seekers[:2]:
        fx.consent(seeker.person)
        referrals.append(
            services.fair_refer(seeker=seeker, posting=posting, by=None, on=fx.days_ago(7))
        )
    other = fx.make_person(770, "丁")
    fx.refer(other, posting, on=fx.days_ago(3))
    r0 = referrals[0]
    referral_advance(referral=r0, to="interview", by=None, on=fx.days_ago(7), version=r0.version)
    r1 = referrals[1]
    referral_advance(referral=r1, to="offer", by=None, on=fx.days_ago(7), version=r1.version)
    fx.hire(r1, fx.days_ago(1))
    assert selectors.fair_results(fair_a) == {
        "employers": 2,
        "postings": 1,
        "registered": 3,
        "attended": 2,
        "referrals": 2,
        "interviews": 1,
        "offers": 1,
        "hires": 1,
    }
    assert Referral.objects.count() == 3


def test_fairs_held_and_employers_taking_part_by_region_and_period(
    fair_a, personas, employer_b
) -> None:  # noqa: ANN001
    year_start = fx.days_ago(400)
    second = services.fair_create(by=None, **_fields(date=fx.days_ago(3)))
    services.fair_add_employer(fair=second, employer=personas["employer"].employer, by=None)
    services.fair_add_employer(fair=second, employer=employer_b, by=None)
    services.fair_create(by=None, **_fields(name="将来的", date=fx.days_ago(-30)))  # not held yet
    archived = services.fair_create(by=None, **_fields(name="录错的", date=fx.days_ago(2)))
    services.fair_archive(fair=archived, by=None, reason="重复录入")
    district = "440199"
    assert selectors.held(district, year_start, fx.today()).count() == 2
    assert (
        selectors.held(Region.objects.get(code=TOWN_A).prefix, year_start, fx.today()).count() == 1
    )
    assert selectors.employers_taking_part(district, year_start, fx.today()).count() == 2
    town = Region.objects.get(code=TOWN_A).prefix
    assert selectors.employers_taking_part(town, year_start, fx.today()).count() == 1


def test_who_sees_which_fair(fair_a, personas) -> None:  # noqa: ANN001
    other = services.fair_create(by=None, **_fields())
    for name in ("admin", "district", "town_a", "town_b", "leader", "liaison", "jobseeker"):
        assert set(selectors.fairs_visible(personas[name])) == {fair_a, other}
    assert list(selectors.fairs_visible(personas["employer"])) == [fair_a]
