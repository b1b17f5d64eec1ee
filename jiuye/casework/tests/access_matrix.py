"""Rows of the URL × role access matrix for these pages (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from jiuye.core.tests.matrix import Kwargs, alike

MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {}


# --- campaigns and public-welfare posts (views/campaigns.py) ---------------------------------
# A campaign with a quota for 东城街道 only, and a post in 东城街道 with person_a on it: 西城's
# officer reaches neither (404).
from jiuye.core.tests.matrix import access  # noqa: E402


def _campaign(w):  # noqa: ANN001, ANN202
    import datetime as dt

    from jiuye.casework.models import Campaign
    from jiuye.casework.services import campaign_save

    found = Campaign.objects.filter(name="矩阵援助月").first()
    return found or campaign_save(
        by=None,
        name="矩阵援助月",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 1, 31),
        target_groups=["all"],
        quotas={"440199001000": 5},
    )


def _post(w):  # noqa: ANN001, ANN202
    import datetime as dt

    from jiuye.casework.models import PublicWelfarePost
    from jiuye.casework.services import post_save
    from jiuye.reference.models import Region

    found = PublicWelfarePost.objects.filter(unit="矩阵社区").first()
    return found or post_save(
        by=None,
        unit="矩阵社区",
        region=Region.objects.get(code="440199001000"),
        title="保洁",
        count=2,
        funding_start=dt.date(2024, 1, 1),
        funding_end=dt.date(2030, 12, 31),
    )


def _placement(w):  # noqa: ANN001, ANN202
    import datetime as dt

    from jiuye.casework.services import post_place

    post = _post(w)
    found = post.placements.first()
    person = w["personas"]["jobseeker"].person
    return found or post_place(post=post, person=person, start_date=dt.date(2024, 3, 1), by=None)


_C_PLANNERS = {"admin", "district"}
_C_READERS = {"admin", "district", "town_a", "town_b", "leader"}
_C_PERSONAL = {"admin", "district", "town_a", "town_b"}
_CAMPAIGN: Kwargs = lambda w: {"pk": _campaign(w).pk}  # noqa: E731
_POST: Kwargs = lambda w: {"pk": _post(w).pk}  # noqa: E731

MATRIX.update(
    {
        "casework:campaigns": (lambda w: {}, access(_C_READERS)),
        "casework:campaign-create": (lambda w: {}, access(_C_PLANNERS)),
        "casework:campaign-detail": (_CAMPAIGN, access(_C_READERS, town_b=404)),
        "casework:campaign-edit": (_CAMPAIGN, access(_C_PLANNERS)),
        "casework:campaign-archive": (_CAMPAIGN, access(_C_PLANNERS, ok=405)),
        "casework:campaign-export": (_CAMPAIGN, access(_C_READERS, town_b=404)),
        "casework:campaign-services": (
            lambda w: {"pk": _campaign(w).pk, "town": "440199001000"},
            access(_C_PERSONAL, town_b=404),
        ),
        "casework:posts": (lambda w: {}, access(_C_PERSONAL)),
        "casework:post-create": (lambda w: {}, access(_C_PERSONAL)),
        "casework:post-detail": (_POST, access(_C_PERSONAL, town_b=404)),
        "casework:post-edit": (_POST, access(_C_PERSONAL, town_b=404)),
        "casework:post-place": (_POST, access(_C_PERSONAL, ok=405)),
        "casework:post-leave": (
            lambda w: {"pk": _placement(w).pk},
            access(_C_PERSONAL, ok=405),
        ),
        "casework:post-archive": (_POST, access(_C_PERSONAL, ok=405)),
    }
)


# --- the worklist and the coverage dashboard (views/worklist.py) -----------------------------
# District staff must choose a town: the bare export is refused (400) and the bare gap list
# sends them to the dashboard. Leaders see the dashboard's aggregates, never a list of persons.
_W_PERSONAL = {"admin", "district", "town_a", "town_b"}
_W_COVERAGE = {*_W_PERSONAL, "leader"}

MATRIX.update(
    {
        "casework:worklist": (lambda w: {}, access(_W_PERSONAL)),
        "casework:worklist-export": (
            lambda w: {},
            access(_W_PERSONAL, admin=400, district=400),
        ),
        "casework:coverage": (lambda w: {}, access(_W_COVERAGE)),
        "casework:coverage-gaps": (lambda w: {}, access(_W_PERSONAL)),
        "casework:coverage-export": (lambda w: {}, access(_W_COVERAGE)),
    }
)


# --- verification, needs, services and the survey (views/records.py) -------------------------
# Records of person_a (东城街道, bound to the job seeker persona): 西城's officer gets 404, every
# role without personal data 403. District staff must choose a town before the survey export
# (sent back to the survey page).
_R_PERSONAL = {"admin", "district", "town_a", "town_b"}


def _r_record(w):  # noqa: ANN001, ANN202
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import pdf_bytes
    from jiuye.casework.models import Channel, ServiceRecord, ServiceType
    from jiuye.casework.services import service_record_create

    found = ServiceRecord.objects.filter(notes="矩阵服务").first()
    return found or service_record_create(
        person=w["personas"]["jobseeker"].person,
        service_type=ServiceType.objects.get(pk="job_recommendation"),
        by=None,
        date=dt.date(2024, 3, 1),
        channel=Channel.PHONE,
        notes="矩阵服务",
        attachment=SimpleUploadedFile("签字表.pdf", pdf_bytes(), "application/pdf"),
    )


_R_PERSON: Kwargs = lambda w: {"pk": w["personas"]["jobseeker"].person_id}  # noqa: E731
_R_RECORD: Kwargs = lambda w: {"pk": _r_record(w).pk}  # noqa: E731

MATRIX.update(
    {
        **alike(
            _R_PERSON,
            access(_R_PERSONAL, town_b=404),
            "casework:verify",
            "casework:needs",
            "casework:service-create",
        ),
        **alike(
            _R_RECORD,
            access(_R_PERSONAL, town_b=404),
            "casework:service-detail",
            "casework:service-attachment",
            "casework:service-archive",
        ),
        "casework:survey": (lambda w: {}, access(_R_PERSONAL)),
        "casework:survey-export": (lambda w: {}, access(_R_PERSONAL, admin=302, district=302)),
        "casework:services-export": (lambda w: {}, access(_R_PERSONAL)),
    }
)
