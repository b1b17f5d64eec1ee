"""Forms of the casework pages: records."""

from __future__ import annotations
