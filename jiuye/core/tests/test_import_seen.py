"""The keys an import has seen, kept as digests in flat arrays (constant size per row)."""

from __future__ import annotations

from jiuye.core.importing.seen import SeenKeys


def test_seen_keys_give_back_the_first_row_of_each_key_after_growing() -> None:
    seen = SeenKeys()
    keys = [f"{n:064x}" if n % 2 else f"名{n}|2024-01-01" for n in range(20_000)]
    for number, key in enumerate(keys, 2):
        assert seen.get(key) is None
        seen.add(key, "表一" if number % 3 else "表二", number)
    assert len(seen) == len(keys)
    for number, key in enumerate(keys, 2):
        assert seen.get(key) == ("表一" if number % 3 else "表二", number)
    assert seen.get("not seen") is None
    assert seen.get(keys[0].upper() + "x") is None


def test_adding_a_key_again_keeps_one_entry() -> None:
    seen = SeenKeys()
    seen.add("a", "", 2)
    seen.add("a", "", 9)
    assert len(seen) == 1 and seen.get("a") == ("", 9)


def test_first_answers_the_earlier_row_and_remembers_only_a_new_key() -> None:
    seen = SeenKeys()
    for number in range(2, 3002):
        assert seen.first(f"k{number}", "表一", number) is None
    assert seen.first("k2", "表二", 9000) == ("表一", 2)
    assert seen.get("k2") == ("表一", 2) and len(seen) == 3000
    assert seen.first("k3001", "", 1) == ("表一", 3001)


def test_growing_never_holds_the_old_and_the_new_table_of_every_key_at_once() -> None:
    # A single table grown by half held both copies while it grew: 5/3 of its size at that
    # moment, the peak of a 1,000,000-row import. Grown table by table, the moment costs one
    # table's share.
    import tracemalloc

    keys = [f"{n:064x}" for n in range(60_000)]
    tracemalloc.start()
    try:
        seen = SeenKeys()
        for number, key in enumerate(keys, 2):
            seen.add(key, "", number)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(seen) == len(keys)
    assert peak < held * 1.1, (held, peak)
    assert seen.nbytes() < 40 * len(keys)  # 18 bytes a slot, at least half the slots used
