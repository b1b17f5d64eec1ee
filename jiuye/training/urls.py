from __future__ import annotations

from django.urls import path

from jiuye.training.views import competitions, courses, enrolments, massage, outcomes, providers

app_name = "training"

urlpatterns = [
    # providers
    path("providers/", providers.provider_list, name="providers"),
    path("providers/new/", providers.provider_create, name="provider-create"),
    path("providers/export.xlsx", providers.providers_export, name="providers-export"),
    path("providers/<uuid:pk>/", providers.provider_detail, name="provider"),
    path("providers/<uuid:pk>/edit/", providers.provider_edit, name="provider-edit"),
    # courses
    path("courses/", courses.course_list, name="courses"),
    path("courses/new/", courses.course_create, name="course-create"),
    path("courses/export.xlsx", courses.courses_export, name="courses-export"),
    path("courses/<uuid:pk>/", courses.course_detail, name="course"),
    path("courses/<uuid:pk>/edit/", courses.course_edit, name="course-edit"),
    # enrolments
    path("courses/<uuid:pk>/enrol/", enrolments.enrol, name="enrol"),
    path("courses/<uuid:pk>/request/", enrolments.request_enrolment, name="request-enrolment"),
    path("courses/<uuid:pk>/attendance/", enrolments.attendance, name="attendance"),
    path(
        "courses/<uuid:pk>/enrolments/export.xlsx",
        enrolments.enrolments_export,
        name="enrolments-export",
    ),
    path("enrolments/<uuid:pk>/", enrolments.enrolment_detail, name="enrolment"),
    path("certificates/", enrolments.certificate_list, name="certificates"),
    # outcomes
    path("providers/<uuid:pk>/scorecard/", outcomes.scorecard, name="scorecard"),
    path("outcomes/", outcomes.outcome_list, name="outcomes"),
    path("outcomes/export.xlsx", outcomes.outcomes_export, name="outcomes-export"),
    # competitions
    path("competitions/", competitions.competition_list, name="competitions"),
    path("competitions/new/", competitions.competition_create, name="competition-create"),
    path("competitions/export.xlsx", competitions.competitions_export, name="competitions-export"),
    path("competitions/<uuid:pk>/", competitions.competition_detail, name="competition"),
    path("competitions/<uuid:pk>/edit/", competitions.competition_edit, name="competition-edit"),
    path(
        "competitions/<uuid:pk>/entries/new/<uuid:person_pk>/",
        competitions.competition_entry_add,
        name="competition-entry-add",
    ),
    path(
        "competition-entries/<uuid:pk>/", competitions.competition_entry, name="competition-entry"
    ),
    # massage
    path("massage/establishments/", massage.establishment_list, name="establishments"),
    path("massage/establishments/new/", massage.establishment_create, name="establishment-create"),
    path(
        "massage/establishments/export.xlsx",
        massage.establishments_export,
        name="establishments-export",
    ),
    path("massage/establishments/<uuid:pk>/", massage.establishment_detail, name="establishment"),
    path(
        "massage/establishments/<uuid:pk>/edit/",
        massage.establishment_edit,
        name="establishment-edit",
    ),
    path("massage/qualifications/<uuid:pk>/", massage.qualification, name="qualification"),
]
