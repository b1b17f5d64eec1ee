"""The web processes start warm (config/warmup.py, config/gunicorn.conf.py): gunicorn's master
loads the application, every view, the matching word list and the templates once, without
touching the database, before it forks the workers."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

from config.warmup import template_names, warm_up
from jiuye.jobs.services import terms

CONF = Path(__file__).resolve().parents[3] / "config" / "gunicorn.conf.py"


def test_the_warm_up_loads_views_words_and_templates_without_the_database() -> None:
    # No django_db mark: a query here would fail the test (a connection opened in gunicorn's
    # master would be shared by every worker it forks).
    loaded = warm_up()
    assert loaded["patterns"] > 500
    names = template_names()
    assert "base.html" in names
    assert "includes/kept_figures.html" in names
    assert loaded["templates"] >= len([n for n in names if n.endswith(".html")]) * 0.9
    assert terms._tokenizer is not None, "jieba's dictionary is loaded"


def test_gunicorn_preloads_and_warms_up_before_it_forks() -> None:
    conf = runpy.run_path(str(CONF))
    assert conf["preload_app"] is True
    assert conf["workers"] >= 2
    said: list[str] = []
    log = SimpleNamespace(info=lambda message, values: said.append(message % values))
    conf["when_ready"](SimpleNamespace(log=log))
    assert said and said[0].startswith("warmed up: ")
