"""Protecting one ID number (validate, encrypt, blind index) per row, against raw baselines.

The registry import must reach 10,000 rows/s with full validation and encryption (QUALITY.md), so
the per-row cost of protection must be a small share of that budget. Baselines in the same run:
a bare HMAC-SHA256 and a bare AES-GCM seal with no framing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jiuye.core.crypto import blind_index, encrypt
from jiuye.core.validators import resident_id_check_char, validate_resident_id

N = 50_000


def _ids(n: int) -> list[str]:
    out = []
    for i in range(n):
        first17 = f"440199{19600101 + (i % 28)}{i % 1000:03d}"
        out.append(first17 + resident_id_check_char(first17))
    return out


def _rate(fn, values: list[str]) -> float:  # noqa: ANN001
    start = time.perf_counter()
    for v in values:
        fn(v)
    return len(values) / (time.perf_counter() - start)


def main() -> None:
    values = _ids(N)
    key = os.urandom(32)
    aes = AESGCM(key)
    raw_hmac = _rate(lambda v: hmac.new(key, v.encode(), hashlib.sha256).hexdigest(), values)
    raw_aes = _rate(lambda v: aes.encrypt(os.urandom(12), v.encode(), None), values)
    ours = _rate(
        lambda v: (
            encrypt(validate_resident_id(v)),
            blind_index(v, purpose="person.id_number"),
        ),
        values,
    )
    print(f"rows: {N}")
    print(f"baseline raw HMAC-SHA256        {raw_hmac:>12,.0f} rows/s")
    print(f"baseline raw AES-GCM seal        {raw_aes:>12,.0f} rows/s")
    print(f"jiuye validate+encrypt+index     {ours:>12,.0f} rows/s")
    print(f"ratio to the sum of baselines    {ours / (1 / (1 / raw_hmac + 1 / raw_aes)):>12.2f}")
    budget = 100 * (1 / ours) / (1 / 10_000)
    print(f"share of a 10,000 rows/s budget  {budget:>11.1f} %")
