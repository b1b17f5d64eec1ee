from __future__ import annotations

from jiuye.training.views import competitions, courses, enrolments, massage, outcomes, providers

app_name = "training"

urlpatterns = [
    *providers.urlpatterns,
    *courses.urlpatterns,
    *enrolments.urlpatterns,
    *outcomes.urlpatterns,
    *competitions.urlpatterns,
    *massage.urlpatterns,
]
