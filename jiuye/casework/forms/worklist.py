"""Forms of the casework pages: worklist."""

from __future__ import annotations
