from __future__ import annotations

from jiuye.jobs.views import fairs, followups, matching, postings, referrals

app_name = "jobs"

urlpatterns = [
    *postings.urlpatterns,
    *matching.urlpatterns,
    *referrals.urlpatterns,
    *fairs.urlpatterns,
    *followups.urlpatterns,
]
