from __future__ import annotations

from django.urls import path

from jiuye.training.views import competitions, courses, enrolments, massage, outcomes, providers

app_name = "training"

urlpatterns = [
    # providers
    *providers.PROVIDERS.urls("providers/"),
    # courses
    *courses.COURSES.urls("courses/"),
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
    *competitions.COMPETITIONS.urls("competitions/"),
    path(
        "competitions/<uuid:pk>/entries/new/<uuid:person_pk>/",
        competitions.competition_entry_add,
        name="competition-entry-add",
    ),
    path(
        "competition-entries/<uuid:pk>/", competitions.competition_entry, name="competition-entry"
    ),
    # massage
    *massage.ESTABLISHMENTS.urls("massage/establishments/"),
    path("massage/qualifications/<uuid:pk>/", massage.qualification, name="qualification"),
]
