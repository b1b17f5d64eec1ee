from __future__ import annotations

from django.urls import path

from jiuye.people import (
    duplicate_views,
    registration_views,
    self_views,
    transfer_views,
    views,
)

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("export.xlsx", views.person_export, name="export"),
    path("new/", views.person_create, name="create"),
    # Job seekers' self-registration: the public sign-up, the applicant's page, the worklist.
    path("signup/", registration_views.signup, name="signup"),
    path("signup/my-application/", registration_views.my_application, name="my-application"),
    path("applications/", registration_views.application_list, name="applications"),
    path("applications/<uuid:pk>/", registration_views.application_review, name="application"),
    path("transfers/", transfer_views.transfer_queue, name="transfers"),
    path("transfers/<uuid:pk>/", transfer_views.transfer_review, name="transfer"),
    path("duplicates/", duplicate_views.duplicate_queue, name="duplicates"),
    path("duplicates/check/", duplicate_views.duplicates_check, name="duplicates_check"),
    path("duplicates/<uuid:pk>/", duplicate_views.duplicate_review, name="duplicate"),
    path("merges/<uuid:pk>/undo/", duplicate_views.merge_undo, name="merge_undo"),
    path("me/", self_views.me, name="me"),
    path("me/edit/", self_views.me_edit, name="me-edit"),
    path("me/consents/withdraw/", self_views.me_consent_withdraw, name="me-consent-withdraw"),
    path("changes/", self_views.change_list, name="changes"),
    path("changes/<uuid:pk>/", self_views.change_review, name="change"),
    path("<uuid:pk>/", views.person_detail, name="detail"),
    path("<uuid:pk>/edit/", views.person_edit, name="edit"),
    path("<uuid:pk>/archive/", views.person_archive, name="archive"),
    path("<uuid:pk>/reveal/", views.person_reveal, name="reveal"),
]
