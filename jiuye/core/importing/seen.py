"""The natural keys an import has accepted so far, and the row that first named each.

A run must know every key it has seen to refuse a second row naming the same record, so this
grows with the file. As a dict of key strings it cost ≈ 230 bytes a row (≈ 230 MB for a file
of 1,000,000 persons, whose keys are 64-character blind indexes). Here each key is kept as a
128-bit digest in flat arrays (an open-addressing table): ≈ 40 bytes a row at most, with no
object per key. Two different keys share a digest with a chance of about n² / 2¹²⁹ (≈ 10⁻²⁷
for a million rows), far below any other failure of the run.
"""

from __future__ import annotations

import hashlib
from array import array

_START = 1 << 12
_EMPTY = 0
_LOW = (1 << 64) - 1


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
        self._mask = slots - 1
        # A slot is empty while its high half is 0 (a digest never has 0 there: see _digest).
        self._high = array("Q", bytes(8 * slots))
        self._low = array("Q", bytes(8 * slots))
        # Row number and sheet: 40 bits for the row, the rest for the sheet's place in _sheets.
        self._where = array("Q", bytes(8 * slots))

    def __len__(self) -> int:
        return self._size

    def _digest(self, key: str) -> tuple[int, int]:
        if key is self._last_key:
            # ``add`` right after ``get`` of the same key: hashed once.
            return self._last_digest
        whole = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=16).digest(), "little")
        digest = (whole >> 64) or 1, whole & _LOW
        self._last_key, self._last_digest = key, digest
        return digest

    def _slot(self, high: int, low: int) -> int:
        """The slot holding this digest, or the empty one where it would go."""
        mask, highs, lows = self._mask, self._high, self._low
        slot = (high ^ low) & mask
        while True:
            found = highs[slot]
            if found == _EMPTY or (found == high and lows[slot] == low):
                return slot
            slot = (slot + 1) & mask

    def get(self, key: str) -> tuple[str, int] | None:
        high, low = self._digest(key)
        slot = self._slot(high, low)
        if self._high[slot] == _EMPTY:
            return None
        where = self._where[slot]
        return self._sheets[where >> 40], where & ((1 << 40) - 1)

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
        self._where[slot] = (index << 40) | number
        if self._size * 3 > len(self._high) * 2:
            self._grow()

    def _grow(self) -> None:
        highs, lows, wheres = self._high, self._low, self._where
        self._allocate(len(highs) * 2)
        for high, low, where in zip(highs, lows, wheres, strict=True):
            if high != _EMPTY:
                slot = self._slot(high, low)
                self._high[slot], self._low[slot], self._where[slot] = high, low, where
