from __future__ import annotations

from jiuye.casework.views import campaigns, records, worklist

app_name = "casework"

urlpatterns = [*records.urlpatterns, *worklist.urlpatterns, *campaigns.urlpatterns]
