"""Read-only pages on a PostgreSQL replica.

When ``DATABASE_REPLICA_URL`` is set, settings add a ``replica`` database and
``JIUYE_READ_REPLICA`` turns on. A view marked with :func:`reads_replica` (the leaders'
overview, the map, the plan dashboard, the public figures and their Excel files) then reads
every row from the replica while it runs; everything else, and every write anywhere (an access
log entry of an export, say), stays on ``default``. A replica lags its primary by a moment, so
only pages that show figures and never read back what they have just written are marked.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"

_on_replica: ContextVar[bool] = ContextVar("jiuye_on_replica", default=False)


def replica_in_use() -> bool:
    return getattr(settings, "JIUYE_READ_REPLICA", False) and REPLICA in connections.settings


def reads_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the view with its reads on the replica (when one is configured)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = _on_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _on_replica.reset(token)

    return wrapped


class ReplicaRouter:
    """Reads of a marked view go to the replica; writes always go to ``default`` (Django would
    otherwise write a row back to the database it was read from)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _on_replica.get() and replica_in_use() else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica is a copy the database server keeps; only the primary is migrated.
        return False if db == REPLICA else None
