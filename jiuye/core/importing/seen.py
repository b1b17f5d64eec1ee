"""The natural keys an import has accepted so far, and the row that first named each.

A run must know every key it has seen to refuse a second row naming the same record, so this
grows with the file. As a dict of key strings it cost ≈ 230 bytes a row (≈ 230 MB for a file
of 1,000,000 persons, whose keys are 64-character blind indexes). Here each key is kept as a
96-bit digest in flat arrays (an open-addressing table, at most three quarters full, grown by
half): 18 bytes a slot, 24–36 bytes a row, no object per key (≈ 32 MB for 1,000,000 rows,
≈ 55 MB for the moment it grows). Two different keys share a digest with a chance of about
n² / 2⁹⁷ (≈ 10⁻¹⁷ for a million rows), far below any other failure of the run.
"""

from __future__ import annotations

import hashlib
from array import array

_START = 4096
_EMPTY = 0
_LOW = (1 << 32) - 1


class SeenKeys:
    """``get(key)`` → (sheet, row number) of the first row with ``key``, or None;
    ``add(key, sheet, number)`` records it."""

    def __init__(self) -> None:
        self._sheets: list[str] = []
        self._sheet_of: dict[str, int] = {}
        self._size = 0
        self._last_key: str | None = None
        self._last_digest = (0, 0)
        self._allocate(_START)

    def _allocate(self, slots: int) -> None:
        self._slots = slots
        # A slot is empty while its high part is 0 (a digest never has 0 there: see _digest).
        self._high = array("Q", bytes(8 * slots))
        self._low = array("I", bytes(4 * slots))
        self._row = array("I", bytes(4 * slots))
        self._sheet = array("H", bytes(2 * slots))

    def __len__(self) -> int:
        return self._size

    def _digest(self, key: str) -> tuple[int, int]:
        if key is self._last_key:
            # ``add`` right after ``get`` of the same key: hashed once.
            return self._last_digest
        whole = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=12).digest(), "little")
        digest = (whole >> 32) or 1, whole & _LOW
        self._last_key, self._last_digest = key, digest
        return digest

    def _slot(self, high: int, low: int) -> int:
        """The slot holding this digest, or the empty one where it would go."""
        slots, highs, lows = self._slots, self._high, self._low
        slot = high % slots
        while True:
            found = highs[slot]
            if found == _EMPTY or (found == high and lows[slot] == low):
                return slot
            slot += 1
            if slot == slots:
                slot = 0

    def get(self, key: str) -> tuple[str, int] | None:
        high, low = self._digest(key)
        slot = self._slot(high, low)
        if self._high[slot] == _EMPTY:
            return None
        return self._sheets[self._sheet[slot]], self._row[slot]

    def add(self, key: str, sheet: str, number: int) -> None:
        index = self._sheet_of.get(sheet)
        if index is None:
            index = self._sheet_of[sheet] = len(self._sheets)
            self._sheets.append(sheet)
        high, low = self._digest(key)
        slot = self._slot(high, low)
        if self._high[slot] == _EMPTY:
            self._size += 1
        self._high[slot], self._low[slot] = high, low
        self._row[slot], self._sheet[slot] = number, index
        if self._size * 4 > self._slots * 3:
            self._grow()

    def _grow(self) -> None:
        highs, lows, rows, sheets = self._high, self._low, self._row, self._sheet
        self._allocate(self._slots * 3 // 2)
        for high, low, row, sheet in zip(highs, lows, rows, sheets, strict=True):
            if high != _EMPTY:
                slot = self._slot(high, low)
                self._high[slot], self._low[slot] = high, low
                self._row[slot], self._sheet[slot] = row, sheet
