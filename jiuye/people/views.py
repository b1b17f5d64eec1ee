"""Pages of the registry. The full registry (detail, edit, import) comes with the registry
issue; this list is the scoped drill-down behind the plan indicators."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jiuye.accounts.models import Role
from jiuye.core.access import roles_required
from jiuye.core.periods import reference_date
from jiuye.core.scoping import scope_for
from jiuye.people import selectors
from jiuye.people.forms import PersonFilterForm
from jiuye.people.models import Person

PERSONAL_DATA_ROLES = (Role.ADMIN, Role.DISTRICT, Role.TOWN)


@roles_required(*PERSONAL_DATA_ROLES)
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None, user=request.user)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        year = data.get("year")
        persons = selectors.persons_for_list(
            queryset=scope_for(request.user, Person),
            region=data.get("region"),
            working_age_on=reference_date(year) if data.get("working_age") and year else None,
        )
        page = Paginator(persons, 50).get_page(request.GET.get("page"))
    return render(request, "people/person_list.html", {"form": form, "page": page})
