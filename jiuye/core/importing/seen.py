"""The natural keys an import has accepted so far, and the row that first named each.

A run must know every key it has seen to refuse a second row naming the same record, so this
grows with the file. As a dict of key strings it cost ≈ 230 bytes a row (≈ 230 MB for a file
of 1,000,000 persons, whose keys are 64-character blind indexes). Here each key is kept as a
96-bit digest in flat arrays (open-addressing tables, at most three quarters full, grown by
half): 18 bytes a slot, 24–36 bytes a row, no object per key.

The digests are spread over 256 tables by their lowest byte, each grown on its own: while one
grows, it and its larger copy are held together, which is 1/256 of the whole. A single table
held both copies at once, ≈ 55 MB for the moment it grew past 900,000 rows (the peak of a
1,000,000-row import); the tables together hold ≈ 30 MB at 1,000,000 rows, never much more.
Two different keys share a digest with a chance of about n² / 2⁹⁷ (≈ 10⁻¹⁷ for a million
rows), far below any other failure of the run.
"""

from __future__ import annotations

import hashlib
from array import array

PARTS = 256
_START = 16
_EMPTY = 0
_LOW = (1 << 32) - 1


class _Part:
    """One open-addressing table: a digest's high part, low part, row and sheet per slot."""

    __slots__ = ("high", "low", "row", "sheet", "size", "slots")

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.size = 0
        # A slot is empty while its high part is 0 (a digest never has 0 there: see _digest).
        self.high = array("Q", bytes(8 * slots))
        self.low = array("I", bytes(4 * slots))
        self.row = array("I", bytes(4 * slots))
        self.sheet = array("H", bytes(2 * slots))

    def slot(self, high: int, low: int) -> int:
        """The slot holding this digest, or the empty one where it would go."""
        slots, highs, lows = self.slots, self.high, self.low
        # The low byte chose the table: probe from the high part's other bits.
        slot = (high >> 8) % slots
        while True:
            found = highs[slot]
            if found == _EMPTY or (found == high and lows[slot] == low):
                return slot
            slot += 1
            if slot == slots:
                slot = 0

    def grown(self) -> _Part:
        bigger = _Part(self.slots * 3 // 2)
        for high, low, row, sheet in zip(self.high, self.low, self.row, self.sheet, strict=True):
            if high != _EMPTY:
                slot = bigger.slot(high, low)
                bigger.high[slot], bigger.low[slot] = high, low
                bigger.row[slot], bigger.sheet[slot] = row, sheet
        bigger.size = self.size
        return bigger


class SeenKeys:
    """``get(key)`` → (sheet, row number) of the first row with ``key``, or None;
    ``add(key, sheet, number)`` records it."""

    def __init__(self) -> None:
        self._sheets: list[str] = []
        self._sheet_of: dict[str, int] = {}
        self._parts = [_Part(_START) for _ in range(PARTS)]
        self._last_key: str | None = None
        self._last_digest = (0, 0)

    def __len__(self) -> int:
        return sum(part.size for part in self._parts)

    def _digest(self, key: str) -> tuple[int, int]:
        if key is self._last_key:
            # ``add`` right after ``get`` of the same key: hashed once.
            return self._last_digest
        whole = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=12).digest(), "little")
        digest = (whole >> 32) or 1, whole & _LOW
        self._last_key, self._last_digest = key, digest
        return digest

    def get(self, key: str) -> tuple[str, int] | None:
        high, low = self._digest(key)
        part = self._parts[high & 0xFF]
        slot = part.slot(high, low)
        if part.high[slot] == _EMPTY:
            return None
        return self._sheets[part.sheet[slot]], part.row[slot]

    def add(self, key: str, sheet: str, number: int) -> None:
        index = self._sheet_of.get(sheet)
        if index is None:
            index = self._sheet_of[sheet] = len(self._sheets)
            self._sheets.append(sheet)
        high, low = self._digest(key)
        part = self._parts[high & 0xFF]
        slot = part.slot(high, low)
        if part.high[slot] == _EMPTY:
            part.size += 1
        part.high[slot], part.low[slot] = high, low
        part.row[slot], part.sheet[slot] = number, index
        if part.size * 4 > part.slots * 3:
            self._parts[high & 0xFF] = part.grown()

    def first(self, key: str, sheet: str, number: int) -> tuple[str, int] | None:
        """``get(key)``, and when the key is new, ``add(key, sheet, number)``: one probe."""
        high, low = self._digest(key)
        part = self._parts[high & 0xFF]
        slot = part.slot(high, low)
        if part.high[slot] != _EMPTY:
            return self._sheets[part.sheet[slot]], part.row[slot]
        index = self._sheet_of.get(sheet)
        if index is None:
            index = self._sheet_of[sheet] = len(self._sheets)
            self._sheets.append(sheet)
        part.size += 1
        part.high[slot], part.low[slot] = high, low
        part.row[slot], part.sheet[slot] = number, index
        if part.size * 4 > part.slots * 3:
            self._parts[high & 0xFF] = part.grown()
        return None

    def nbytes(self) -> int:
        """The bytes the tables' slots hold (for tests and benchmarks)."""
        return sum(part.slots for part in self._parts) * 18
