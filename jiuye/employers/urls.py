from __future__ import annotations

from django.urls import path

from jiuye.employers import declaration_views, signup_views, views

app_name = "employers"

urlpatterns = [
    path("", views.employer_list, name="list"),
    path("export.xlsx", views.employer_export, name="export"),
    path("new/", views.employer_create, name="create"),
    path("<uuid:pk>/", views.employer_detail, name="detail"),
    path("<uuid:pk>/edit/", views.employer_edit, name="edit"),
    path("<uuid:pk>/archive/", views.employer_archive, name="archive"),
    path("<uuid:pk>/csr/", views.csr_edit, name="csr"),
    path("<uuid:pk>/invite/", views.employer_invite, name="invite"),
    path("csr/<uuid:pk>/file/", views.csr_file, name="csr-file"),
    path("policies/", views.policy_list, name="policies"),
    # employers' own sign-up (public), its worklist, and the unit's own accounts (issue 18)
    path("signup/", signup_views.signup_form, name="signup"),
    path("signup/status/", signup_views.signup_status, name="signup-status"),
    path("applications/", signup_views.application_list, name="applications"),
    path("applications/<uuid:pk>/", signup_views.application_detail, name="application"),
    path("applications/<uuid:pk>/link/", signup_views.application_link, name="application-link"),
    path(
        "applications/<uuid:pk>/create/",
        signup_views.application_create,
        name="application-create",
    ),
    path(
        "applications/<uuid:pk>/refuse/",
        signup_views.application_refuse,
        name="application-refuse",
    ),
    path("unit-accounts/", signup_views.unit_accounts, name="unit-accounts"),
    path("unit-accounts/invite/", signup_views.unit_account_invite, name="unit-account-invite"),
    path(
        "unit-accounts/<int:pk>/active/",
        signup_views.unit_account_active,
        name="unit-account-active",
    ),
    path("policies/new/", views.policy_create, name="policy-create"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy-edit"),
    # declarations
    path("declarations/", declaration_views.declaration_list, name="declarations"),
    path("declarations/start/", declaration_views.declaration_start, name="declaration-start"),
    path(
        "declarations/template.xlsx", declaration_views.staff_template, name="declaration-template"
    ),
    path("declarations/<uuid:pk>/", declaration_views.declaration_detail, name="declaration"),
    path(
        "declarations/<uuid:pk>/figures/",
        declaration_views.declaration_figures,
        name="declaration-figures",
    ),
    path(
        "declarations/<uuid:pk>/staff/add/",
        declaration_views.employee_add,
        name="declaration-employee-add",
    ),
    path(
        "declarations/<uuid:pk>/staff/<uuid:line>/",
        declaration_views.employee_edit,
        name="declaration-employee-edit",
    ),
    path(
        "declarations/<uuid:pk>/staff/<uuid:line>/remove/",
        declaration_views.employee_remove,
        name="declaration-employee-remove",
    ),
    path(
        "declarations/<uuid:pk>/upload/", declaration_views.staff_upload, name="declaration-upload"
    ),
    path(
        "declarations/<uuid:pk>/upload/save/",
        declaration_views.staff_upload_commit,
        name="declaration-upload-commit",
    ),
    path(
        "declarations/<uuid:pk>/submit/",
        declaration_views.declaration_submit,
        name="declaration-submit",
    ),
    path(
        "declarations/<uuid:pk>/return/",
        declaration_views.declaration_return,
        name="declaration-return",
    ),
    path(
        "declarations/<uuid:pk>/confirm/",
        declaration_views.declaration_confirm,
        name="declaration-confirm",
    ),
    path(
        "declarations/<uuid:pk>/correct/",
        declaration_views.declaration_correct,
        name="declaration-correct",
    ),
    path(
        "declarations/<uuid:pk>/confirmation.docx",
        declaration_views.declaration_confirmation,
        name="declaration-confirmation",
    ),
    path("review/", declaration_views.review_queue, name="review-queue"),
    path("conflicts/", declaration_views.conflict_list, name="conflicts"),
    path(
        "conflicts/<uuid:line>/resolve/",
        declaration_views.conflict_resolve,
        name="conflict-resolve",
    ),
    path("statistics/", declaration_views.statistics, name="statistics"),
    path("statistics/export.xlsx", declaration_views.statistics_export, name="statistics-export"),
    path(
        "disclosure/publish/", declaration_views.disclosure_publish_view, name="disclosure-publish"
    ),
    path("disclosure/", declaration_views.disclosure, name="disclosure"),
    path("disclosure/export.xlsx", declaration_views.disclosure_export, name="disclosure-export"),
]
