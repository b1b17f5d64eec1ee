from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

app_name = "programs"

# Each program adds its block, commented with its name, in the order of the actions.
urlpatterns: list[URLPattern | URLResolver] = []

# 五 auxiliary employment and the labour-project bank

from jiuye.programs.views import auxiliary as aux  # noqa: E402

urlpatterns += [
    path("auxiliary/institutions/", aux.institution_list, name="aux-institutions"),
    path("auxiliary/institutions/new/", aux.institution_create, name="aux-institution-create"),
    path(
        "auxiliary/institutions/export.xlsx",
        aux.institutions_export,
        name="aux-institutions-export",
    ),
    path("auxiliary/institutions/<uuid:pk>/", aux.institution_detail, name="aux-institution"),
    path(
        "auxiliary/institutions/<uuid:pk>/edit/", aux.institution_edit, name="aux-institution-edit"
    ),
    path("auxiliary/institutions/<uuid:pk>/members/new/", aux.member_add, name="aux-member-add"),
    path(
        "auxiliary/institutions/<uuid:pk>/deliveries/new/",
        aux.delivery_add,
        name="aux-delivery-add",
    ),
    path("auxiliary/institutions/<uuid:pk>/income/new/", aux.income_add, name="aux-income-add"),
    path("auxiliary/members/", aux.member_list, name="aux-members"),
    path("auxiliary/members/export.xlsx", aux.members_export, name="aux-members-export"),
    path("auxiliary/members/<uuid:pk>/", aux.member_edit, name="aux-member"),
    path("auxiliary/projects/", aux.project_list, name="labour-projects"),
    path("auxiliary/projects/new/", aux.project_create, name="labour-project-create"),
    path("auxiliary/projects/export.xlsx", aux.projects_export, name="labour-projects-export"),
    path("auxiliary/projects/<uuid:pk>/", aux.project_detail, name="labour-project"),
    path("auxiliary/projects/<uuid:pk>/edit/", aux.project_edit, name="labour-project-edit"),
    path(
        "auxiliary/allocations/<uuid:pk>/withdraw/",
        aux.allocation_withdraw,
        name="labour-allocation-withdraw",
    ),
    path(
        "auxiliary/projects/<uuid:pk>/allocate/",
        aux.project_allocate,
        name="labour-project-allocate",
    ),
]

# --- 三 organizations and charity projects (charity) ---
from jiuye.programs.views import charity  # noqa: E402

urlpatterns += [
    path("organizations/", charity.organization_list, name="organizations"),
    path("organizations/new/", charity.organization_create, name="organization-create"),
    path("organizations/export.xlsx", charity.organizations_export, name="organizations-export"),
    path("organizations/<uuid:pk>/", charity.organization_detail, name="organization"),
    path("organizations/<uuid:pk>/edit/", charity.organization_edit, name="organization-edit"),
    path("charity/", charity.project_list, name="charity-projects"),
    path("charity/new/", charity.project_create, name="charity-project-create"),
    path("charity/export.xlsx", charity.projects_export, name="charity-projects-export"),
    path("charity/<uuid:pk>/", charity.project_detail, name="charity-project"),
    path("charity/<uuid:pk>/edit/", charity.project_edit, name="charity-project-edit"),
    path(
        "charity/<uuid:pk>/beneficiaries/add/",
        charity.beneficiary_add,
        name="charity-beneficiary-add",
    ),
    path(
        "charity/beneficiaries/<uuid:pk>/remove/",
        charity.beneficiary_remove,
        name="charity-beneficiary-remove",
    ),
    path(
        "charity/<uuid:pk>/beneficiaries/export.xlsx",
        charity.beneficiaries_export,
        name="charity-beneficiaries-export",
    ),
    path("leaders/", charity.leader_list, name="leaders"),
    path("leaders/new/", charity.leader_create, name="leader-create"),
    path("leaders/export.xlsx", charity.leaders_export, name="leaders-export"),
    path("leaders/<uuid:pk>/", charity.leader_detail, name="leader"),
    path("leaders/<uuid:pk>/edit/", charity.leader_edit, name="leader-edit"),
    path("leaders/<uuid:pk>/jobs/add/", charity.leader_job_add, name="leader-job-add"),
]


# 七 graduates (the education bureau's lines, one file per graduate, the worklist)
from django.urls import path as _path  # noqa: E402

from jiuye.programs.views import graduates as _graduates  # noqa: E402

urlpatterns += [
    _path("graduates/", _graduates.graduate_list, name="graduates"),
    _path("graduates/export.xlsx", _graduates.graduates_export, name="graduates-export"),
    _path("graduates/exchange.xlsx", _graduates.exchange_export, name="graduates-exchange"),
    _path("graduates/unmatched/", _graduates.unmatched_list, name="graduates-unmatched"),
    _path(
        "graduates/unmatched/export.xlsx",
        _graduates.unmatched_export,
        name="graduates-unmatched-export",
    ),
    _path("graduates/unmatched/match/", _graduates.unmatched_match, name="graduates-match"),
    _path(
        "graduates/unmatched/<uuid:pk>/register/",
        _graduates.unmatched_register,
        name="graduate-register",
    ),
    _path(
        "graduates/unmatched/<uuid:pk>/reject/", _graduates.unmatched_reject, name="graduate-reject"
    ),
    _path("graduates/persons/<uuid:pk>/", _graduates.graduate_file, name="graduate-file"),
    _path("graduates/worklist/", _graduates.graduate_worklist, name="graduates-worklist"),
    _path(
        "graduates/worklist/export.xlsx",
        _graduates.worklist_export,
        name="graduates-worklist-export",
    ),
]

# --- rural (action 六): bases and workshops, supports, the monitoring exchange ---
from jiuye.programs.views import rural  # noqa: E402

urlpatterns += [
    path("rural/bases/", rural.base_list, name="rural-bases"),
    path("rural/bases/new/", rural.base_create, name="rural-base-create"),
    path("rural/bases/export.xlsx", rural.bases_export, name="rural-bases-export"),
    path("rural/bases/supports.xlsx", rural.supports_export, name="rural-supports-export"),
    path("rural/bases/<uuid:pk>/", rural.base_detail, name="rural-base"),
    path("rural/bases/<uuid:pk>/edit/", rural.base_edit, name="rural-base-edit"),
    path("rural/bases/<uuid:pk>/supports/", rural.support_add, name="rural-support-add"),
    path("rural/supports/<uuid:pk>/archive/", rural.support_archive, name="rural-support-archive"),
    path("rural/monitoring/", rural.monitoring, name="rural-monitoring"),
    path("rural/monitoring/export.xlsx", rural.monitoring_export, name="rural-monitoring-export"),
    path("rural/monitoring/watch/", rural.watch_list, name="rural-watch-list"),
    path(
        "rural/monitoring/watch/export.xlsx",
        rural.watch_list_export,
        name="rural-watch-list-export",
    ),
]


# 二 consultation mechanism (就业会商协商机制)
from django.urls import path  # noqa: E402

from jiuye.programs.views import consultation  # noqa: E402

urlpatterns += [
    path("consultation/", consultation.meeting_list, name="consultation-meetings"),
    path("consultation/new/", consultation.meeting_create, name="consultation-meeting-create"),
    path(
        "consultation/export.xlsx",
        consultation.meetings_export,
        name="consultation-meetings-export",
    ),
    path("consultation/<uuid:pk>/", consultation.meeting_detail, name="consultation-meeting"),
    path(
        "consultation/<uuid:pk>/edit/",
        consultation.meeting_edit,
        name="consultation-meeting-edit",
    ),
    path(
        "consultation/<uuid:pk>/actions/new/",
        consultation.action_add,
        name="consultation-action-add",
    ),
    path(
        "consultation/actions/<uuid:pk>/close/",
        consultation.action_close,
        name="consultation-action-close",
    ),
    path("todo/", consultation.my_actions, name="consultation-todo"),
    path("todo/export.xlsx", consultation.my_actions_export, name="consultation-todo-export"),
]

# 四 platform partners (助残合作平台)
from jiuye.programs.views import platforms  # noqa: E402

urlpatterns += [
    path("platforms/", platforms.partner_list, name="platform-partners"),
    path("platforms/new/", platforms.partner_create, name="platform-partner-create"),
    path("platforms/export.xlsx", platforms.partners_export, name="platform-partners-export"),
    path("platforms/<uuid:pk>/", platforms.partner_detail, name="platform-partner"),
    path("platforms/<uuid:pk>/edit/", platforms.partner_edit, name="platform-partner-edit"),
    path(
        "platforms/<uuid:pk>/commitments/new/",
        platforms.commitment_add,
        name="platform-commitment-add",
    ),
    path(
        "platforms/commitments/<uuid:pk>/end/",
        platforms.commitment_end,
        name="platform-commitment-end",
    ),
]

# 八 medical massage (医疗按摩)
from jiuye.programs.views import massage  # noqa: E402

urlpatterns += [
    path("massage/institutions/", massage.institution_list, name="medical-institutions"),
    path(
        "massage/institutions/new/",
        massage.institution_create,
        name="medical-institution-create",
    ),
    path(
        "massage/institutions/export.xlsx",
        massage.institutions_export,
        name="medical-institutions-export",
    ),
    path(
        "massage/institutions/<uuid:pk>/",
        massage.institution_detail,
        name="medical-institution",
    ),
    path(
        "massage/institutions/<uuid:pk>/edit/",
        massage.institution_edit,
        name="medical-institution-edit",
    ),
    path("massage/applications/", massage.application_list, name="massage-applications"),
    path(
        "massage/applications/new/",
        massage.application_submit,
        name="massage-application-create",
    ),
    path(
        "massage/applications/export.xlsx",
        massage.applications_export,
        name="massage-applications-export",
    ),
    path(
        "massage/applications/<uuid:pk>/",
        massage.application_detail,
        name="massage-application",
    ),
]

# 十 service institutions (残疾人就业服务机构)
from jiuye.programs.views import institutions  # noqa: E402

urlpatterns += [
    path("institutions/", institutions.institution_list, name="service-institutions"),
    path("institutions/new/", institutions.institution_create, name="service-institution-create"),
    path(
        "institutions/export.xlsx",
        institutions.institutions_export,
        name="service-institutions-export",
    ),
    path("institutions/<uuid:pk>/", institutions.institution_detail, name="service-institution"),
    path(
        "institutions/<uuid:pk>/edit/",
        institutions.institution_edit,
        name="service-institution-edit",
    ),
    path(
        "institutions/<uuid:pk>/checklist/",
        institutions.checklist,
        name="service-institution-checklist",
    ),
]
