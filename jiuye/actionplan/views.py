"""Plan pages: dashboard, import, actions and tasks, reports and review, targets, exports."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.accounts.models import STAFF_ROLES, Role
from jiuye.actionplan import selectors
from jiuye.actionplan.forms import (
    DashboardFilterForm,
    DepartmentMappingForm,
    FreezeForm,
    PlanUploadForm,
    ReportForm,
    ReviewForm,
    TargetForm,
    TargetUploadForm,
    TaskForm,
)
from jiuye.actionplan.models import (
    Action,
    Plan,
    ProgressReport,
    ReportAttachment,
    ReportingPeriod,
    Task,
)
from jiuye.actionplan.services import exports, plan_import, reports, targets, tasks
from jiuye.actionplan.services.plan_table import PlanTableError, parse_plan_table
from jiuye.core import importing
from jiuye.core.access import roles_required
from jiuye.core.audit import access_log
from jiuye.core.conflicts import ConflictError, show_conflict
from jiuye.core.downloads import attachment_header
from jiuye.core.kept import refresh_asked, same_query
from jiuye.core.models import AccessEvent
from jiuye.core.replica import reads_replica
from jiuye.core.scoping import get_scoped_or_404
from jiuye.core.uploads import stash, stashed, unstash
from jiuye.reference.models import Department
from jiuye.reference.selectors import district_and_towns

PLANNERS = (Role.ADMIN, Role.DISTRICT)
REPORTERS = (Role.DEPARTMENT, Role.TOWN)
UPLOAD_DIR = "plan_uploads"


def _plan_or_404(user: Any) -> Plan:
    plan = selectors.current_plan(user)
    if plan is None:
        raise Http404
    return plan


def _no_plan(request: HttpRequest) -> HttpResponse:
    """Before any plan is imported, plan pages say so and offer the import."""
    return render(request, "actionplan/empty.html", {"can_import": request.user.role in PLANNERS})


def _own_town(user: Any, towns: Any) -> Any:
    if user.role != Role.TOWN:
        return None
    return next(iter(towns), None)


def _dashboard_asked(request: HttpRequest) -> dict[str, Any] | None:
    """What the plan dashboard is asked for: its plan, year, department and region, and the
    filter form (None when no plan is loaded)."""
    plans = selectors.plans_in_order(request.user)
    asked = request.GET.get("year", "").strip()
    plan = selectors.plan_of_year(plans, int(asked)) if asked.isdigit() else None
    # A year no plan covers is said, not silently replaced by another (issue 14).
    outside_year = int(asked) if asked.isdigit() and plan is None else None
    plan = plan or next(iter(plans), None)
    if plan is None:
        return None
    district, towns = district_and_towns()
    if request.user.role == Role.TOWN:
        towns = [town for town in towns if town.code == request.user.town_id]
    today = timezone.localdate()
    default_year = min(max(today.year, plan.start_year), plan.end_year)
    query = request.GET.copy()
    if outside_year is not None:
        query.pop("year")
    form = DashboardFilterForm(
        query or None,
        years=selectors.plan_years(plans),
        towns=towns,
        initial={"year": default_year},
    )
    data = form.cleaned_data if form.is_valid() else {}
    return {
        "form": form,
        "outside_year": outside_year,
        "plan": plan,
        "year": data.get("year") or default_year,
        "department": data.get("department") or selectors.department_of_user(request.user),
        # A town officer's dashboard opens on their own town ("each town for itself").
        "region": data.get("town") or _own_town(request.user, towns) or district,
        "today": today,
    }


@roles_required(*STAFF_ROLES)
@require_GET
@reads_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    asked = _dashboard_asked(request)
    if asked is None:
        return _no_plan(request)
    form, outside_year = asked.pop("form"), asked.pop("outside_year")
    context = selectors.dashboard(user=request.user, **asked)
    return render(
        request,
        "actionplan/dashboard.html",
        {
            "form": form,
            "outside_year": outside_year,
            "refresh_url": same_query(reverse("actionplan:dashboard-refresh"), request),
            **context,
        },
    )


@roles_required(*STAFF_ROLES)
@require_POST
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    """Count the dashboard's indicator values again now, in the background."""
    asked = _dashboard_asked(request)
    back = same_query(reverse("actionplan:dashboard"), request)
    if asked is not None:
        args = selectors.values_args(asked["region"], asked["year"])
        refresh_asked(request, selectors.VALUES, args)
    return redirect(back)


@roles_required(*STAFF_ROLES)
@require_GET
def action_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    action = get_scoped_or_404(request.user, Action, pk=pk)
    return render(
        request,
        "actionplan/action_detail.html",
        {
            "action": action,
            "assignments": action.assignments.select_related("department"),
            "tasks": selectors.tasks_for_user(request.user, plan=action.plan, action=action.number),
            "can_edit": request.user.role in PLANNERS,
        },
    )


@roles_required(*PLANNERS, write=True)
@require_http_methods(["GET", "POST"])
def task_edit(
    request: HttpRequest, action_pk: uuid.UUID, pk: uuid.UUID | None = None
) -> HttpResponse:
    action = get_scoped_or_404(request.user, Action, pk=action_pk)
    task = (
        get_scoped_or_404(request.user, Task, pk=pk, action=action) if pk else Task(action=action)
    )
    if task.pk is None and request.method == "GET":
        task.position = (
            action.tasks.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
    form = TaskForm(request.POST if request.method == "POST" else None, instance=task)
    if request.method == "POST" and form.is_valid():
        tasks.task_save(form=form, action=action, by=request.user)
        messages.success(request, _("任务已保存。"))
        return redirect("actionplan:action", pk=action.pk)
    return render(
        request, "actionplan/task_form.html", {"form": form, "action": action, "task": task}
    )


@roles_required(*STAFF_ROLES)
@require_GET
def task_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    task = get_scoped_or_404(request.user, selectors.tasks_with_departments(), pk=pk)
    own = selectors.department_of_user(request.user)
    periods = list(task.action.plan.periods.all())
    duties = selectors.duties(
        plan=task.action.plan, periods=periods, tasks=[task], today=timezone.localdate()
    )
    return render(
        request,
        "actionplan/task_detail.html",
        {
            "task": task,
            "duties": duties,
            "own": own,
            "today": timezone.localdate(),
            "can_edit": request.user.role in PLANNERS,
        },
    )


@roles_required(*REPORTERS, write=True)
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, task_pk: uuid.UUID, period_pk: uuid.UUID) -> HttpResponse:
    task = get_scoped_or_404(request.user, Task, pk=task_pk)
    period = get_scoped_or_404(request.user, ReportingPeriod, pk=period_pk, plan=task.action.plan)
    department = selectors.department_of_user(request.user)
    if department is None or not task.assignments.filter(department=department).exists():
        raise Http404
    report = ProgressReport.objects.filter(task=task, period=period, department=department).first()
    if report is not None and not report.is_editable:
        return redirect("actionplan:report", pk=report.pk)
    initial = (
        {
            "narrative": report.narrative,
            "actual_value": report.actual_value,
            "figures": report.figures,
            "problems": report.problems,
            "next_steps": report.next_steps,
            "version": report.version,
        }
        if report
        else {}
    )
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        initial=initial,
        task=task,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = reports.report_save_with_attachments(
                task=task,
                period=period,
                department=department,
                data=form.cleaned_data,
                submit="submit" in request.POST,
                by=request.user,
            )
        except ConflictError as error:
            show_conflict(form, error, request.get_full_path())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("报告已提交，等待区残联审核。")
                if report.status == "submitted"
                else _("草稿已保存。"),
            )
            return redirect("actionplan:report", pk=report.pk)
    return render(
        request,
        "actionplan/report_form.html",
        {"form": form, "task": task, "period": period, "department": department, "report": report},
    )


@roles_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    report = get_scoped_or_404(
        request.user,
        ProgressReport.objects.select_related("task__action", "period", "department"),
        pk=pk,
    )
    can_review = request.user.role in PLANNERS and report.status == ProgressReport.Status.SUBMITTED
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        if form.is_valid():
            reports.report_review(
                report=report,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
                by=request.user,
                url=reverse("actionplan:report", kwargs={"pk": report.pk}),
            )
            messages.success(request, _("审核结果已保存，并已通知报送部门。"))
            return redirect("actionplan:review-queue")
    own = selectors.department_of_user(request.user)
    return render(
        request,
        "actionplan/report_detail.html",
        {
            "report": report,
            "form": form,
            "can_review": can_review,
            "can_edit": own is not None and own.code == report.department_id and report.is_editable,
        },
    )


@roles_required(*PLANNERS)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    plan = selectors.current_plan(request.user)
    if plan is None:
        return _no_plan(request)
    return render(
        request,
        "actionplan/review_queue.html",
        {"plan": plan, "reports": selectors.reports_awaiting_review(plan)},
    )


@roles_required(*STAFF_ROLES)
@require_GET
def attachment_download(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    attachment = get_scoped_or_404(request.user, ReportAttachment, pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- import -------------------------------------------------------------------------------


def _stash_upload(upload: Any) -> str:
    """Keep an uploaded table between preview and confirmation (a day at most)."""
    suffix = Path(upload.name or "").suffix.lower()[:6]
    return stash(upload.chunks(), folder=UPLOAD_DIR, suffix=suffix)


def _stashed(request: HttpRequest) -> tuple[bytes, str, dict[str, Any]] | None:
    pending = request.session.get("plan_import")
    if not pending:
        return None
    data = stashed(UPLOAD_DIR, pending["stash"])
    if data is None:
        return None
    return data, pending["filename"], pending


@roles_required(*PLANNERS, write=True)
@require_http_methods(["GET", "POST"])
def plan_upload(request: HttpRequest) -> HttpResponse:
    form = PlanUploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parsed = parse_plan_table(data, upload.name or "")
            plan_import.plan_preview(
                parsed=parsed,
                name=form.cleaned_data["name"] or None,
                years=form.cleaned_data["years"],
            )
        except (PlanTableError, plan_import.PlanImportError) as exc:
            form.add_error("file", str(exc))
        else:
            upload.seek(0)
            request.session["plan_import"] = {
                "stash": _stash_upload(upload),
                "filename": upload.name,
                "name": form.cleaned_data["name"],
                "years": form.cleaned_data["years"],
            }
            return redirect("actionplan:import-preview")
    return render(request, "actionplan/import_upload.html", {"form": form})


@roles_required(*PLANNERS, write=True)
@require_http_methods(["GET", "POST"])
def plan_import_preview(request: HttpRequest) -> HttpResponse:
    kept = _stashed(request)
    if kept is None:
        messages.info(request, _("请先选择要导入的计划表文件。"))
        return redirect("actionplan:import")
    data, filename, pending = kept
    years = tuple(pending["years"]) if pending["years"] else None
    parsed = parse_plan_table(data, filename)
    preview = plan_import.plan_preview(parsed=parsed, name=pending["name"] or None, years=years)
    form = DepartmentMappingForm(
        request.POST if request.method == "POST" else None, unknown=preview.unknown_departments
    )
    if request.method == "POST" and form.is_valid():
        result = plan_import.plan_import_commit(
            parsed=parsed,
            name=pending["name"] or None,
            years=years,
            mapping=form.mapping(),
            by=request.user,
        )
        del request.session["plan_import"]
        unstash(UPLOAD_DIR, pending["stash"])
        messages.success(
            request,
            _("导入完成：新增%(c)d项、更新%(u)d项、未变%(n)d项行动。")
            % {"c": result.created, "u": result.updated, "n": result.unchanged},
        )
        return redirect("actionplan:dashboard")
    return render(
        request,
        "actionplan/import_preview.html",
        {"preview": preview, "form": form, "filename": filename},
    )


# --- targets, freeze, exports, reminders -----------------------------------------------------


def _target_regions() -> Any:
    from jiuye.reference.models import Region

    district = selectors.district_region()
    return Region.objects.filter(
        code__in=[district.code, *selectors.district_towns().values_list("code", flat=True)]
    )


@roles_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def target_list(request: HttpRequest) -> HttpResponse:
    plan = selectors.current_plan(request.user)
    if plan is None:
        return _no_plan(request)
    can_edit = request.user.role in PLANNERS
    form = TargetForm(
        request.POST if request.method == "POST" else None,
        years=plan.years,
        regions=_target_regions(),
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                targets.target_set(
                    indicator_code=d["indicator_code"],
                    year=d["year"],
                    region=d["region"],
                    value=d["value"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("目标已保存。"))
                return redirect("actionplan:targets")
    return render(
        request,
        "actionplan/targets.html",
        {
            "plan": plan,
            "form": form,
            "can_edit": can_edit,
            "upload_form": TargetUploadForm(),
            "freeze_form": FreezeForm(years=plan.years),
            "table": selectors.target_table(plan),
        },
    )


@roles_required(*PLANNERS, write=True)
@require_POST
def target_upload(request: HttpRequest) -> HttpResponse:
    """Check (``preview``) or import a file of targets through the ``indicator_targets`` kind:
    every bad row is listed and nothing is written unless every row is right."""
    plan = _plan_or_404(request.user)
    form = TargetUploadForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name or "").suffix) as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.flush()
            result = importing.run_import(
                kind="indicator_targets",
                path=Path(copy.name),
                original_name=upload.name or "",
                dry_run="preview" in request.POST,
                by=request.user,
            )
        if result.message and not result.errors:
            form.add_error("file", result.message)
            result = None
        elif result.ok and "preview" not in request.POST:
            messages.success(
                request,
                _("目标已导入：新增%(c)d条，更新%(u)d条，未变%(n)d条。")
                % {"c": result.created, "u": result.updated, "n": result.unchanged},
            )
            return redirect("actionplan:targets")
    return render(
        request, "actionplan/target_upload.html", {"plan": plan, "form": form, "result": result}
    )


@roles_required(*PLANNERS, write=True)
@require_POST
def year_freeze(request: HttpRequest) -> HttpResponse:
    plan = _plan_or_404(request.user)
    form = FreezeForm(request.POST, years=plan.years)
    if form.is_valid():
        try:
            count = targets.year_freeze(
                year=form.cleaned_data["year"], regions=list(_target_regions()), by=request.user
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request,
                _("已冻结%(y)d年的%(n)d个数字。") % {"y": form.cleaned_data["year"], "n": count},
            )
    else:
        messages.error(request, _("请选择年度并勾选确认后再冻结。"))
    return redirect("actionplan:targets")


@roles_required(*STAFF_ROLES)
@require_GET
def plan_export(request: HttpRequest) -> HttpResponse:
    plan = _plan_or_404(request.user)
    year = selectors.year_param(request, plan)
    content = exports.plan_xlsx(plan=plan, year=year, user=request.user, today=timezone.localdate())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = attachment_header(f"{plan.name}-{year}年进展.xlsx")
    return response


def _export_department(request: HttpRequest) -> Department | None:
    """A reporting unit exports its own report; district staff and leaders choose any."""
    own = selectors.department_of_user(request.user)
    if own is not None:
        return own
    if request.user.role in (*PLANNERS, Role.LEADER):
        return Department.objects.filter(code=request.GET.get("department", "")).first()
    return None


@roles_required(*STAFF_ROLES)
@require_GET
def department_report_export(request: HttpRequest) -> HttpResponse:
    plan = _plan_or_404(request.user)
    year = selectors.year_param(request, plan)
    department = _export_department(request)
    if department is None:
        raise Http404
    content = exports.department_docx(
        plan=plan, year=year, department=department, user=request.user
    )
    access_log(
        action=AccessEvent.Action.EXPORT,
        request=request,
        detail={"kind": "department_report", "department": department.code, "year": year},
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = attachment_header(f"{department.name}-{year}年进展报告.docx")
    return response
