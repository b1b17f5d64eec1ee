"""The models of every program, one module each; ``AUDITED`` lists what the audit trail keeps."""

from __future__ import annotations

from typing import Any

AUDITED: list[Any] = []
