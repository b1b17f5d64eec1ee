"""gunicorn's settings for Jiuye: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

The application is loaded once in the master process and warmed there (``config.warmup``)
before the workers are forked, so each worker takes its first request ready, instead of each
spending ≈ 3.5 s of CPU on its first requests (docs/deployment.md). Command-line options still
win over these (``-w 8``, ``--bind``).
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
preload_app = True
timeout = 120


def when_ready(server) -> None:  # noqa: ANN001
    """In the master, after the preloaded application and before the first fork."""
    from config.warmup import warm_up

    loaded = warm_up()
    server.log.info("warmed up: %(patterns)s URL patterns, %(templates)s templates", loaded)
