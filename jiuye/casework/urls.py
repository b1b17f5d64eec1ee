from __future__ import annotations

from django.urls import path

from jiuye.casework.views import campaigns, records, worklist

app_name = "casework"

urlpatterns = [
    # records
    path("persons/<uuid:pk>/verify/", records.verify, name="verify"),
    path("persons/<uuid:pk>/needs/", records.needs, name="needs"),
    path("persons/<uuid:pk>/services/new/", records.service_create, name="service-create"),
    path("services/<uuid:pk>/", records.service_detail, name="service-detail"),
    path("services/<uuid:pk>/attachment/", records.service_attachment, name="service-attachment"),
    path("services/<uuid:pk>/archive/", records.service_archive, name="service-archive"),
    path("survey/", records.survey, name="survey"),
    path("survey/export.xlsx", records.survey_export, name="survey-export"),
    path("services/export.xlsx", records.services_export, name="services-export"),
    # worklist
    path("worklist/", worklist.worklist, name="worklist"),
    path("worklist/export.xlsx", worklist.worklist_export, name="worklist-export"),
    path("coverage/", worklist.coverage, name="coverage"),
    path("coverage/gaps/", worklist.coverage_gaps, name="coverage-gaps"),
    path("coverage/export.xlsx", worklist.coverage_export, name="coverage-export"),
    # campaigns
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign-create"),
    path("campaigns/<uuid:pk>/", campaigns.campaign_detail, name="campaign-detail"),
    path("campaigns/<uuid:pk>/edit/", campaigns.campaign_edit, name="campaign-edit"),
    path("campaigns/<uuid:pk>/archive/", campaigns.campaign_archive, name="campaign-archive"),
    path("campaigns/<uuid:pk>/export/", campaigns.campaign_export, name="campaign-export"),
    path(
        "campaigns/<uuid:pk>/towns/<str:town>/services/",
        campaigns.campaign_services,
        name="campaign-services",
    ),
    path("posts/", campaigns.post_list, name="posts"),
    path("posts/new/", campaigns.post_create, name="post-create"),
    path("posts/<uuid:pk>/", campaigns.post_detail, name="post-detail"),
    path("posts/<uuid:pk>/edit/", campaigns.post_edit, name="post-edit"),
    path("posts/<uuid:pk>/place/", campaigns.post_place, name="post-place"),
    path("posts/<uuid:pk>/archive/", campaigns.post_archive, name="post-archive"),
    path("placements/<uuid:pk>/leave/", campaigns.post_leave, name="post-leave"),
]
