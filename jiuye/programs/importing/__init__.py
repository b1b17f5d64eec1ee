"""Each program adds one import line here (its module of this package), in the order of the
actions, so autodiscovery of ``importing`` finds it."""

from __future__ import annotations
