"""Writes to tasks: district staff split an action into tasks and assign departments."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jiuye.actionplan.models import Action, Task, TaskDepartment


@transaction.atomic
def task_save(*, form: Any, action: Action, by: Any) -> Task:
    """Save a validated TaskForm: the task, its lead and its co-departments."""
    task: Task = form.save(commit=False)
    task.action = action
    if task.created_by_id is None:
        task.created_by = by
    task.updated_by = by
    task.full_clean()
    task.save()
    lead = form.cleaned_data["lead"]
    wanted = {lead.code: True} | {d.code: False for d in form.cleaned_data["co"] if d != lead}
    for assignment in list(task.assignments.all()):
        if assignment.department_id not in wanted:
            assignment.delete()
    current = {a.department_id: a for a in task.assignments.all()}
    # Demote the old lead first so the one-lead constraint holds at every step.
    for code, assignment in current.items():
        if assignment.is_lead and not wanted[code]:
            assignment.is_lead = False
            assignment.save(update_fields=["is_lead"])
    for code, is_lead in wanted.items():
        assignment = current.get(code)
        if assignment is None:
            TaskDepartment.objects.create(task=task, department_id=code, is_lead=is_lead)
        elif assignment.is_lead != is_lead:
            assignment.is_lead = is_lead
            assignment.save(update_fields=["is_lead"])
    return task
