from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from jiuye.dashboards.views import maps, overview, public, report

app_name = "dashboards"

urlpatterns: list[URLPattern | URLResolver] = [
    # The overview of the plan year and its charts' data as Excel.
    path("", overview.overview, name="overview"),
    path("overview/<slug:chart>.xlsx", overview.overview_export, name="overview-export"),
    path("overview/refresh/", overview.overview_refresh, name="overview-refresh"),
    # The map of an indicator by town.
    path("map/", maps.town_map_page, name="map"),
    path("map/refresh/", maps.town_map_refresh, name="map-refresh"),
    # The annual report in Word.
    path("report/", report.annual_report, name="report"),
    path("report/<uuid:token>/", report.annual_report_job, name="report-job"),
    path("report/<uuid:token>/progress/", report.annual_report_progress, name="report-progress"),
    path("report/<uuid:token>/report.docx", report.annual_report_download, name="report-download"),
    # Open to everyone (no login): counts by town with small counts suppressed.
    path("public/", public.summary, name="public-summary"),
    path("public/summary.xlsx", public.summary_export, name="public-summary-export"),
]
