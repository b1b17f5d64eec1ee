"""What a web process loads on its first requests, loaded before it takes any.

Each gunicorn worker used to pay on its first requests for importing every view (the URL
patterns: ≈ 1 s of CPU), the job-matching word list (jieba's dictionary: ≈ 0.8 s) and compiling
the templates it renders (≈ 0.5 s for all of them), after ≈ 1.2 s of Django's own set-up: with
four workers on two cores, the first users after a start or a deployment waited seconds for
pages that take tens of milliseconds (issue 19's load test: 1–8 s in its sign-ins).
``config/gunicorn.conf.py`` preloads the application and calls ``warm_up`` in the master process
once, before it forks the workers, so they start with all of it (and share its memory).
Nothing here touches the database: a connection opened before the fork would be shared by the
workers.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import URLResolver, get_resolver


def template_names() -> list[str]:
    """Every template the project's engines can load: the project's folder and each app's."""
    from django.apps import apps

    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    names = {
        path.relative_to(folder).as_posix()
        for folder in folders
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.suffix in {".html", ".txt", ".xml", ".json", ".js"} and path.is_file()
    }
    return sorted(names)


def _count(patterns: list) -> int:
    return sum(_count(p.url_patterns) if isinstance(p, URLResolver) else 1 for p in patterns)


def warm_up() -> dict[str, int]:
    """Import every view, load the matching word list and compile every template, in this
    process; returns how many URL patterns and templates it loaded."""
    from jiuye.jobs.services.terms import terms

    patterns = _count(get_resolver().url_patterns)  # imports every URLconf and its views
    terms("岗位 匹配")  # loads jieba's dictionary once
    compiled = 0
    for name in template_names():
        for engine in engines.all():
            try:
                engine.get_template(name)  # kept by the cached loader when DEBUG is off
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue  # an admin template for a model it has not, a fragment of JS: skipped
            compiled += 1
            break
    connections.close_all()
    return {"patterns": patterns, "templates": compiled}
