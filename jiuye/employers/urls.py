from __future__ import annotations

from django.urls import path

from jiuye.employers import views

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
    path("policies/new/", views.policy_create, name="policy-create"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy-edit"),
]

from jiuye.employers.declaration_views import urlpatterns as declaration_urlpatterns  # noqa: E402

urlpatterns += declaration_urlpatterns
