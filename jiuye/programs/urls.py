from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from jiuye.programs.views import (
    auxiliary,
    charity,
    consultation,
    graduates,
    institutions,
    massage,
    platforms,
    rural,
)

app_name = "programs"

# One block per program, in the order of the actions.
urlpatterns: list[URLPattern | URLResolver] = [
    # 二 the consultation mechanism (就业会商协商机制) and the owners' to-do list
    *consultation.MEETINGS.urls("consultation/"),
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
    # 三 organizations, charity projects and employment leaders
    *charity.ORGANIZATIONS.urls("organizations/"),
    *charity.PROJECTS.urls("charity/"),
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
    *charity.LEADERS.urls("leaders/"),
    path("leaders/<uuid:pk>/jobs/add/", charity.leader_job_add, name="leader-job-add"),
    # 四 platform partners
    *platforms.PARTNERS.urls("platforms/"),
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
    # 五 auxiliary employment and the labour-project bank
    *auxiliary.INSTITUTIONS.urls("auxiliary/institutions/"),
    path(
        "auxiliary/institutions/<uuid:pk>/members/new/", auxiliary.member_add, name="aux-member-add"
    ),
    path(
        "auxiliary/institutions/<uuid:pk>/deliveries/new/",
        auxiliary.delivery_add,
        name="aux-delivery-add",
    ),
    path(
        "auxiliary/institutions/<uuid:pk>/income/new/", auxiliary.income_add, name="aux-income-add"
    ),
    *auxiliary.MEMBERS.urls("auxiliary/members/", "aux-members"),
    path("auxiliary/members/<uuid:pk>/", auxiliary.member_edit, name="aux-member"),
    *auxiliary.PROJECTS.urls("auxiliary/projects/"),
    path(
        "auxiliary/allocations/<uuid:pk>/withdraw/",
        auxiliary.allocation_withdraw,
        name="labour-allocation-withdraw",
    ),
    path(
        "auxiliary/projects/<uuid:pk>/allocate/",
        auxiliary.project_allocate,
        name="labour-project-allocate",
    ),
    # 六 rural bases and workshops, the monitoring exchange
    *rural.BASES.urls("rural/bases/"),
    path("rural/bases/supports.xlsx", rural.supports_export, name="rural-supports-export"),
    path("rural/bases/<uuid:pk>/supports/", rural.support_add, name="rural-support-add"),
    path("rural/supports/<uuid:pk>/archive/", rural.support_archive, name="rural-support-archive"),
    path("rural/monitoring/", rural.monitoring, name="rural-monitoring"),
    path("rural/monitoring/export.xlsx", rural.monitoring_export, name="rural-monitoring-export"),
    *rural.WATCH_LIST.urls("rural/monitoring/watch/", "rural-watch-list"),
    # 七 graduates: the education bureau's lists, one file per graduate, the worklist
    *graduates.GRADUATES.urls("graduates/", "graduates"),
    path("graduates/exchange.xlsx", graduates.exchange_export, name="graduates-exchange"),
    path("graduates/unmatched/", graduates.unmatched_list, name="graduates-unmatched"),
    path(
        "graduates/unmatched/export.xlsx",
        graduates.unmatched_export,
        name="graduates-unmatched-export",
    ),
    path("graduates/unmatched/match/", graduates.unmatched_match, name="graduates-match"),
    path(
        "graduates/unmatched/<uuid:pk>/register/",
        graduates.unmatched_register,
        name="graduate-register",
    ),
    path(
        "graduates/unmatched/<uuid:pk>/reject/", graduates.unmatched_reject, name="graduate-reject"
    ),
    path("graduates/persons/<uuid:pk>/", graduates.graduate_file, name="graduate-file"),
    *graduates.WORKLIST.urls("graduates/worklist/", "graduates-worklist"),
    # 八 medical massage: medical institutions and applications
    *massage.INSTITUTIONS.urls("massage/institutions/"),
    *massage.APPLICATIONS.urls("massage/applications/", "massage-applications"),
    path(
        "massage/applications/new/",
        massage.application_submit,
        name="massage-application-create",
    ),
    path(
        "massage/applications/<uuid:pk>/",
        massage.application_detail,
        name="massage-application",
    ),
    # 十 service institutions, their standardization checklist, exchange and contest events
    *institutions.INSTITUTIONS.urls("institutions/"),
    path(
        "institutions/<uuid:pk>/checklist/",
        institutions.checklist,
        name="service-institution-checklist",
    ),
    *institutions.EVENTS.urls("institutions/events/"),
    # Corrections added after the first round of issue 15 (kept together at the end).
    path(
        "institutions/events/participants/<uuid:pk>/remove/",
        institutions.participant_remove,
        name="service-event-participant-remove",
    ),
    path("leaders/jobs/<uuid:pk>/remove/", charity.leader_job_remove, name="leader-job-remove"),
    path("auxiliary/deliveries/<uuid:pk>/", auxiliary.delivery_edit, name="aux-delivery"),
    path("auxiliary/income/<uuid:pk>/", auxiliary.income_edit, name="aux-income"),
    path(
        "charity/beneficiaries/template.xlsx",
        charity.beneficiaries_template,
        name="charity-beneficiaries-template",
    ),
    path(
        "charity/<uuid:pk>/beneficiaries/upload/",
        charity.beneficiaries_upload,
        name="charity-beneficiaries-upload",
    ),
    path(
        "charity/<uuid:pk>/beneficiaries/upload/save/",
        charity.beneficiaries_upload_save,
        name="charity-beneficiaries-upload-save",
    ),
]
