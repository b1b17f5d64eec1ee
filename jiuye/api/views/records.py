"""The records of casework, employers, jobs, training and the programs, each declared once as a
``Resource``: the UI's selector (scope), its list filter and, where the UI has create and edit
pages (``crud.RecordPages``), the same form and services for writes. Nothing here decides who
sees or may change what: that is the apps' own code, as the pages call it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from jiuye.api.views.conventions import BadParameter
from jiuye.api.views.resources import Action, PersonAdds, Resource, Writes, router_of
from jiuye.casework import services as casework
from jiuye.casework.forms.records import NeedsForm, ServiceForm
from jiuye.casework.models import NeedsRecord, ServiceRecord
from jiuye.core import conflicts
from jiuye.core.roles import PERSONAL_DATA_ROLES, Role
from jiuye.core.scoping import scope_for
from jiuye.employers import selectors as employer_selectors
from jiuye.employers import views as employer_pages
from jiuye.employers.declaration_views import READERS as DECLARATION_READERS
from jiuye.employers.forms import EmployerForm, EmployerSearchForm
from jiuye.employers.models import Declaration, Employer
from jiuye.employers.services import registry as employer_registry
from jiuye.employers.views import READERS as EMPLOYER_READERS
from jiuye.jobs.forms.postings import PostingForm, ReviewForm
from jiuye.jobs.forms.referrals import AdvanceForm, HireForm, PipelineFilterForm, ReferralForm
from jiuye.jobs.models import OPEN_REFERRAL_STATUSES, Posting, ReferralChannel
from jiuye.jobs.selectors import fairs as fair_selectors
from jiuye.jobs.selectors import referrals as referral_selectors
from jiuye.jobs.selectors.postings import postings_visible
from jiuye.jobs.services import postings as posting_services
from jiuye.jobs.services import referrals as referral_services
from jiuye.jobs.views import fairs as fair_pages
from jiuye.jobs.views import postings as posting_pages
from jiuye.jobs.views import referrals as referral_pages
from jiuye.programs.forms.graduates import GraduateFilterForm
from jiuye.programs.selectors import auxiliary as aux_selectors
from jiuye.programs.selectors import massage as massage_selectors
from jiuye.programs.selectors.graduates import graduates_visible
from jiuye.programs.views import (
    auxiliary,
    charity,
    consultation,
    graduates,
    institutions,
    massage,
    platforms,
    rural,
)
from jiuye.training.forms.courses import CourseSearchForm
from jiuye.training.forms.enrolments import EnrolForm
from jiuye.training.models import Enrolment
from jiuye.training.services import enrolments as enrolment_services
from jiuye.training.views import courses, providers
from jiuye.training.views import enrolments as enrolment_pages

PERSONAL = tuple(PERSONAL_DATA_ROLES)


def _uuid_or_400(name: str, raw: str) -> Any:
    import uuid

    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, f"{name}: UUID") from None


def _uuid_filter(request: HttpRequest, records: QuerySet[Any], name: str) -> QuerySet[Any]:
    """``?<name>=<uuid>``: the records of that related record."""
    import uuid

    raw = request.GET.get(name, "")
    if not raw:
        return records
    try:
        key = uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, f"{name}: UUID") from None
    return records.filter(**{f"{name}_id": key})


# --- casework -------------------------------------------------------------------------------


def _of_person(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """As a person's page lists them: ``?person=`` (and ``?year=`` for needs)."""
    records = _uuid_filter(request, records, "person")
    year = request.GET.get("year", "")
    if year and hasattr(records.model, "year"):
        if not year.isdigit():
            raise BadParameter("year", "year")
        records = records.filter(year=int(year))
    return records, {}


CASEWORK = [
    Resource(
        path="service-records",
        name="service_record",
        summary="走访服务记录",
        tag="casework",
        readers=PERSONAL,
        visible=lambda user: scope_for(user, ServiceRecord),
        rows=_of_person,
        filters=("person",),
        personal=True,
        # As the person's page (no attachment: a signed sheet is added on the page).
        adds=PersonAdds(
            ServiceForm,
            lambda **fields: casework.service_record_create(attachment=None, **fields),
            PERSONAL,
        ),
    ),
    Resource(
        path="needs-records",
        name="needs_record",
        summary="就业需求登记",
        tag="casework",
        readers=PERSONAL,
        visible=lambda user: scope_for(user, NeedsRecord),
        rows=_of_person,
        filters=("person", "year"),
        personal=True,
        adds=PersonAdds(NeedsForm, casework.needs_register, PERSONAL),
    ),
]


# --- employers and declarations -------------------------------------------------------------


def _employers(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """The employers list's search (its form and selector); archived ones too, flagged."""
    form = EmployerSearchForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = employer_selectors.employers_search(
        queryset=records, filters={**filters, "include_archived": True}
    )
    return found, {"search_form": form}


def _declarations(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    return employer_selectors.declarations_search(records, request.GET), {}


EMPLOYERS = [
    # An employer's key sees its own unit only (scope_for binds it to its employer).
    Resource(
        path="employers",
        name="employer",
        summary="用人单位",
        tag="employers",
        readers=(*EMPLOYER_READERS, Role.EMPLOYER),
        visible=lambda user: scope_for(user, Employer),
        rows=_employers,
        filters=("q", "kind", "town"),
        # As the employer's create and edit pages (their own form and the registry's services).
        edit=Writes(
            name="employer",
            form_class=EmployerForm,
            create=employer_registry.employer_create,
            update=employer_registry.employer_update,
            archive=employer_registry.employer_archive,
            refused=gettext_lazy("这个单位已归档，不能再修改。"),
        ),
        keepers=employer_pages.WRITERS,
        get=employer_pages._employer,
    ),
    Resource(
        path="declarations",
        name="declaration",
        summary="按比例安排就业申报",
        tag="employers",
        readers=DECLARATION_READERS,
        visible=lambda user: scope_for(user, Declaration),
        rows=_declarations,
        filters=("year", "q"),
    ),
]


# --- postings, fairs, referrals -------------------------------------------------------------


def _postings(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """The postings page's search, as the page runs it (its form, selector and defaults)."""
    form, found = posting_pages._searched(request)
    return found, {"search_form": form}


def _fairs(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    from jiuye.core import listing

    year, error = listing.year_asked(request)
    found = fair_selectors.fairs_for_list(records, year=year)
    return found, {"filter_errors": [error] if error else []}


def _referrals(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """The referral pipeline's filters (posting, person, status, town, year)."""
    staff = request.user.role in referral_pages.STAFF
    towns = referral_pages._towns(request.user) if staff else None
    form = PipelineFilterForm(request.GET or None, towns=towns)
    chosen = form.filters()
    found = referral_selectors.referral_filter(
        records,
        posting=chosen.get("posting"),
        person=chosen.get("person"),
        status=chosen.get("status", ""),
        town=chosen.get("town", ""),
        year=chosen.get("year"),
    )
    return found, {"search_form": form}


def _advance_form(data: Any, *, record: Any, user: Any) -> AdvanceForm:
    """The referral page's step form, offering the steps the user's role may take now."""
    steps = referral_services.allowed_steps(record, user.role)
    if not steps and record.status not in OPEN_REFERRAL_STATUSES:
        raise ValidationError(
            gettext("这条推荐已经是“%(status)s”，已结束，不能再改变状态。")
            % {"status": record.get_status_display()}
        )
    return AdvanceForm(data, steps=steps, version=record.version)


def _advance(*, record: Any, by: Any, **cleaned: Any) -> Any:
    return referral_services.referral_advance(
        referral=record,
        to=cleaned["to"],
        by=by,
        on=cleaned["on"],
        version=cleaned["version"],
        reason=cleaned.get("reason") or "",
        note=cleaned["note"],
    )


class _VersionOnly(forms.Form):
    """A step the page takes with one button (no fields): only the version the record was
    read at."""

    version = forms.IntegerField(min_value=1)


def _submit(*, record: Any, by: Any, version: int, **_fields: Any) -> Any:
    """The employer's "submit for review" button, at the version the caller read."""
    with transaction.atomic():
        conflicts.locked(Posting.objects, pk=record.pk, version=version)
        return posting_services.posting_submit(posting=record, by=by)


class _Review(ReviewForm):
    """The review page's decision and note, at the version the posting was read at."""

    version = forms.IntegerField(min_value=1)


def _review(*, record: Any, by: Any, version: int, decision: str, note: str, **_: Any) -> Any:
    """The district's review of a posting, at the version the caller read (the service
    refuses a posting that is not waiting for review)."""
    with transaction.atomic():
        conflicts.locked(Posting.objects, pk=record.pk, version=version)
        return posting_services.posting_review(
            posting=record, by=by, approve=decision == "approve", note=note
        )


def _hire_form(data: Any, *, record: Any, user: Any) -> HireForm:
    """The referral's "register the hire" page form (the service refuses a closed or hired
    referral, with the page's messages)."""
    return HireForm(data, posting=record.posting, version=record.version)


def _hire(*, record: Any, by: Any, **values: Any) -> Any:
    referral_services.referral_hire(
        referral=record,
        by=by,
        start_date=values["start_date"],
        form=values["form"],
        contract_type=values["contract_type"],
        monthly_wage=values["monthly_wage"],
        version=values["version"],
        note=values["note"],
    )
    return type(record).objects.get(pk=record.pk)


def _referral_form(data: Any, *, person: Any, user: Any) -> ReferralForm:
    """The "refer" page's form for a chosen person: the posting among the open ones."""
    data = {**data, "person": str(person.pk)}
    return ReferralForm(data, person=person, postings=referral_pages._open_postings())


def _referral_fields(form: Any, request: HttpRequest) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "posting": data["posting"],
        "on": data["on"],
        "note": data["note"],
        "channel": ReferralChannel.STAFF,
    }


JOBS = [
    Resource(
        path="postings",
        name="posting",
        summary="招聘岗位",
        tag="jobs",
        readers=posting_pages.READERS,
        visible=postings_visible,
        rows=_postings,
        filters=("q", "region", "category", "remote", "subtype", "graduates", "status", "group"),
        # As the create and edit pages: staff and employers write (a new posting is a draft,
        # as the page's "save draft"); an employer sends its draft for review with ``submit``.
        edit=Writes(
            name="posting",
            form_class=PostingForm,
            create=posting_services.posting_create,
            update=posting_services.posting_update,
            archive=posting_services.posting_archive,
            refused=gettext_lazy("这个岗位已归档，不能再修改。"),
            form=lambda data, *, user, record: PostingForm(data, user=user, posting=record),
        ),
        keepers=posting_pages.WRITERS,
        get=posting_pages._managed,
        actions=(
            Action(
                verb="submit",
                summary="提交审核（用人单位）",
                roles=(Role.EMPLOYER,),
                form=lambda data, *, record, user: _VersionOnly(data),
                run=_submit,
                form_class=_VersionOnly,
            ),
            # The review page: district staff approve (publish) or return with a note.
            Action(
                verb="review",
                summary="审核岗位（通过或退回）",
                roles=posting_pages.REVIEWERS,
                form=lambda data, *, record, user: _Review(data),
                run=_review,
                form_class=_Review,
            ),
        ),
    ),
    Resource(
        path="fairs",
        name="fair",
        summary="招聘会",
        tag="jobs",
        readers=fair_pages.READERS,
        visible=fair_selectors.fairs_visible,
        rows=_fairs,
        filters=("year",),
        edit=fair_pages.PAGES,
        keepers=fair_pages.RUNNERS,
        get=fair_pages._runnable,
    ),
    Resource(
        path="referrals",
        name="referral",
        summary="推荐就业",
        tag="jobs",
        # Staff and job seekers as the pipeline page, an employer as its applicants page.
        readers=(*referral_pages.STAFF, Role.JOBSEEKER, Role.EMPLOYER),
        visible=referral_selectors.referrals_visible,
        rows=_referrals,
        filters=("posting", "person", "status", "town", "year"),
        personal=True,
        get=referral_pages._referral,
        # As the "refer" page (staff): a person in scope to an open posting, with consent.
        adds=PersonAdds(
            ReferralForm,
            referral_services.referral_create,
            referral_pages.STAFF,
            form=_referral_form,
            fields=_referral_fields,
            keys=("posting",),
        ),
        # The referral page's "next step" form (staff, and the posting's employer for its steps).
        actions=(
            Action(
                verb="advance",
                summary="登记下一步",
                roles=(*referral_pages.STAFF, Role.EMPLOYER),
                form=_advance_form,
                run=_advance,
                form_class=AdvanceForm,
            ),
            # The "register the hire" page: staff open the employment record and follow-ups.
            Action(
                verb="hire",
                summary="登记入职",
                roles=referral_pages.STAFF,
                form=_hire_form,
                run=_hire,
                form_class=HireForm,
            ),
        ),
    ),
]


# --- training ---------------------------------------------------------------------------------


def _enrolments(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """As a course's enrolment list: ``?course=`` (and ``?person=``)."""
    return _uuid_filter(request, _uuid_filter(request, records, "course"), "person"), {}


def _enrol_form(data: Any, *, person: Any, user: Any) -> EnrolForm:
    """The course's "enrol" page form with the chosen person."""
    return EnrolForm({**data, "person": str(person.pk)}, persons=[person])


def _enrol_fields(form: Any, request: HttpRequest) -> dict[str, Any]:
    """The course as the enrol page finds it (among those the user may enrol in, else 404)."""
    raw = str(form.data.get("course") or "")
    if not raw:
        raise BadParameter("course", gettext("请给出课程的编号 course。"))
    course = enrolment_pages._course(request, _uuid_or_400("course", raw))
    return {
        "course": course,
        "enrolled_on": form.cleaned_data["enrolled_on"],
        "confirm_over_capacity": form.cleaned_data["confirm_over_capacity"],
    }


TRAINING = [
    Resource.of_pages(
        courses.COURSES,
        path="courses",
        name="course",
        summary="培训课程",
        tag="training",
        filters=tuple(CourseSearchForm.base_fields),
    ),
    Resource.of_pages(
        providers.PROVIDERS,
        path="training-providers",
        name="training_provider",
        summary="培训机构",
        tag="training",
    ),
    Resource(
        path="enrolments",
        name="enrolment",
        summary="培训报名",
        tag="training",
        readers=(Role.ADMIN, Role.DISTRICT, Role.TOWN),
        visible=lambda user: scope_for(user, Enrolment),
        rows=_enrolments,
        filters=("course", "person"),
        personal=True,
        # As a course's "enrol" page (staff); over capacity only with confirm_over_capacity.
        adds=PersonAdds(
            EnrolForm,
            enrolment_services.enrolment_create,
            enrolment_pages.PERSONAL,
            form=_enrol_form,
            fields=_enrol_fields,
            keys=("course",),
        ),
    ),
]


# --- the programs' records --------------------------------------------------------------------


def _members(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """The members page: the current members, or all of them with ``?all=1``."""
    current_only = request.GET.get("all") != "1"
    return aux_selectors.memberships_for_list(records, current_only=current_only), {}


def _allocations(request: HttpRequest, records: Any) -> tuple[Any, dict[str, Any]]:
    """A project's or an institution's allocations (``?project=``, ``?institution=``)."""
    return _uuid_filter(request, _uuid_filter(request, records, "project"), "institution"), {}


PROGRAMS = [
    Resource.of_pages(
        charity.ORGANIZATIONS,
        path="organizations",
        name="organization",
        summary="残疾人组织和助残组织",
        tag="programs",
    ),
    Resource.of_pages(
        charity.PROJECTS,
        path="charity-projects",
        name="charity_project",
        summary="助残公益项目",
        tag="programs",
    ),
    Resource.of_pages(
        charity.LEADERS,
        path="employment-leaders",
        name="employment_leader",
        summary="就业创业带头人",
        tag="programs",
        personal=True,
    ),
    Resource.of_pages(
        auxiliary.INSTITUTIONS,
        path="aux-institutions",
        name="aux_institution",
        summary="辅助性就业机构",
        tag="programs",
        filters=("kind", "status", "town"),
    ),
    Resource(
        path="aux-members",
        name="aux_member",
        summary="辅助性就业机构的成员",
        tag="programs",
        readers=auxiliary.KEEPERS,
        visible=aux_selectors.memberships_visible,
        rows=_members,
        filters=("all",),
        personal=True,
    ),
    Resource.of_pages(
        auxiliary.PROJECTS,
        path="labour-projects",
        name="labour_project",
        summary="劳务项目",
        tag="programs",
        filters=("year", "q"),
    ),
    Resource(
        path="labour-allocations",
        name="labour_allocation",
        summary="劳务项目的调配",
        tag="programs",
        readers=auxiliary.READERS,
        visible=aux_selectors.allocations_visible,
        rows=_allocations,
        filters=("project", "institution"),
    ),
    Resource.of_pages(
        rural.BASES,
        path="rural-bases",
        name="rural_base",
        summary="农村就业基地",
        tag="programs",
        filters=("kind", "industry", "town"),
    ),
    Resource(
        path="graduates",
        name="graduate",
        summary="残疾人高校毕业生",
        tag="programs",
        filters=tuple(GraduateFilterForm.base_fields),
        readers=graduates.PERSONAL,
        visible=graduates_visible,
        rows=graduates.GRADUATES.rows,
        personal=True,
    ),
    Resource.of_pages(
        platforms.PARTNERS,
        path="platform-partners",
        name="platform_partner",
        summary="平台合作企业",
        tag="programs",
        filters=("kind", "town"),
    ),
    Resource.of_pages(
        institutions.INSTITUTIONS,
        path="service-institutions",
        name="service_institution",
        summary="就业服务机构",
        tag="programs",
        filters=("year",),
    ),
    Resource.of_pages(
        consultation.MEETINGS,
        path="consultation-meetings",
        name="consultation_meeting",
        summary="就业工作协商会议",
        tag="programs",
        filters=("year", "q"),
    ),
    Resource.of_pages(
        massage.INSTITUTIONS,
        path="medical-institutions",
        name="medical_institution",
        summary="医疗按摩机构",
        tag="programs",
    ),
    Resource(
        path="massage-applications",
        name="massage_application",
        summary="医疗按摩人员申请",
        tag="programs",
        readers=massage.KEEPERS,
        visible=massage_selectors.applications_visible,
        rows=massage.APPLICATIONS.rows,
        filters=("kind", "status"),
        personal=True,
    ),
]

RESOURCES = [*CASEWORK, *EMPLOYERS, *JOBS, *TRAINING, *PROGRAMS]


router = router_of(RESOURCES)
