"""Forms of the casework pages: campaigns."""

from __future__ import annotations
