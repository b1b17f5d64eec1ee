"""Region boundaries from GeoJSON: every check's message names the feature, an import is all
or nothing and idempotent, and the command does the same as the page."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from conftest import TOWN_A, TOWN_B, VILLAGE_A
from jiuye.reference.demo import town_grid
from jiuye.reference.importing.boundaries import (
    BoundaryFileError,
    boundaries_check,
    first_self_intersection,
    geometry_problems,
)
from jiuye.reference.models import Region, RegionBoundary
from jiuye.reference.selectors import district_and_towns
from jiuye.reference.services import ReferenceDataError, boundaries_import

TOWN = Region.Level.TOWN


def square(x: float = 113.3, y: float = 23.1, size: float = 0.01) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(code: Any = TOWN_A, ring: Any = None, kind: str = "Polygon", **props: Any) -> dict:
    properties = {"code": code, **props} if code is not None else props
    coordinates = [ring if ring is not None else square()]
    if kind == "MultiPolygon":
        coordinates = [coordinates]
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def all_towns(**replace: dict) -> bytes:
    """A valid file of every town of the district, some features replaced by code."""
    _d, towns = district_and_towns()
    grid = town_grid([t.code for t in towns])
    grid["features"] = [replace.get(f["properties"]["code"], f) for f in grid["features"]]
    return json.dumps(grid).encode()


def only_error(data: bytes, level: int = TOWN) -> str:
    check = boundaries_check(data, level=level)
    assert len(check.errors) == 1, check.errors
    return check.errors[0]


# --- the file as a whole -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "不是有效的 JSON"),
        ("中文".encode("gbk"), "不是 UTF-8"),
        (b'{"type": "Feature", "geometry": null}', "不是 GeoJSON 要素集合"),
        (b"[1, 2]", "不是 GeoJSON 要素集合"),
        (b'{"type": "FeatureCollection", "features": []}', "没有要素"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused_whole(
    reference, data: bytes, message: str
) -> None:  # noqa: ANN001
    with pytest.raises(BoundaryFileError, match=message):
        boundaries_check(data, level=TOWN)


def test_a_file_over_the_size_limit_is_refused_with_its_size(reference, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("jiuye.reference.importing.boundaries.MAX_BYTES", 100)
    with pytest.raises(BoundaryFileError, match="超过了 0 MB 的上限"):
        boundaries_check(collection(feature()), level=TOWN)


# --- each feature --------------------------------------------------------------------------


def test_a_valid_file_of_every_town_passes(reference) -> None:  # noqa: ANN001
    check = boundaries_check(all_towns(), level=TOWN)
    assert check.ok and len(check.features) == 10 and check.missing == []
    assert check.warnings() == []


def test_the_geometry_must_be_there(reference) -> None:  # noqa: ANN001
    bad = feature()
    bad["geometry"] = None
    assert only_error(collection(bad)) == (
        f'第 1 个要素（{TOWN_A}）：没有几何图形（"geometry" 为空）。'
    )


def test_the_geometry_must_be_a_polygon(reference) -> None:  # noqa: ANN001
    bad = feature()
    bad["geometry"] = {"type": "LineString", "coordinates": [[113.3, 23.1], [113.4, 23.2]]}
    assert "几何类型是“LineString”，应为 Polygon 或 MultiPolygon" in only_error(collection(bad))


def test_a_feature_that_is_not_a_feature_is_named_by_its_place(reference) -> None:  # noqa: ANN001
    assert only_error(collection(feature(), [1, 2])).startswith("第 2 个要素：不是 GeoJSON 要素")


def test_a_ring_must_be_closed(reference) -> None:  # noqa: ANN001
    ring = square()[:-1] + [[113.3, 23.105]]
    message = only_error(collection(feature(ring=ring, name="东城街道")))
    assert (
        message == f"第 1 个要素（{TOWN_A} 东城街道）：外环没有闭合：最后一个坐标应与第一个相同。"
    )


def test_a_ring_needs_four_positions(reference) -> None:  # noqa: ANN001
    ring = [[113.3, 23.1], [113.31, 23.1], [113.3, 23.1]]
    assert "外环只有 3 个坐标，至少要 4 个" in only_error(collection(feature(ring=ring)))


def test_coordinates_must_be_numbers(reference) -> None:  # noqa: ANN001
    ring = square()
    ring[2] = ["113.31", 23.11]
    assert "外环的第 3 个坐标不是数字" in only_error(collection(feature(ring=ring)))
    ring[2] = [113.31]
    assert "外环的第 3 个坐标不是 [经度, 纬度] 形式" in only_error(collection(feature(ring=ring)))


def test_coordinates_must_be_a_longitude_and_a_latitude(reference) -> None:  # noqa: ANN001
    ring = square()
    ring[1] = [213.31, 23.1]
    assert "外环的第 2 个坐标的经度 213.31 超出 -180 到 180" in only_error(
        collection(feature(ring=ring))
    )
    ring[1] = [113.31, 95]
    assert "外环的第 2 个坐标的纬度 95 超出 -90 到 90" in only_error(collection(feature(ring=ring)))


def test_a_self_intersecting_ring_names_the_crossing_edges(reference) -> None:  # noqa: ANN001
    bowtie = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]
    assert "外环自相交：第 1 条边与第 3 条边相交" in only_error(collection(feature(ring=bowtie)))


def test_a_hole_and_a_part_of_a_multipolygon_are_named(reference) -> None:  # noqa: ANN001
    bad = feature(kind="MultiPolygon")
    bad["geometry"]["coordinates"].append([square(114), [[114, 23.1], [114.001, 23.1]]])
    assert "第 2 个多边形第 1 个内环只有 2 个坐标" in only_error(collection(bad))


@pytest.mark.parametrize(
    ("ring", "crossing"),
    [
        ([[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]], None),  # a square
        ([[0, 0], [2, 0], [2, 0], [2, 2], [0, 2], [0, 0]], None),  # a repeated point
        ([[0, 0], [4, 0], [4, 4], [2, 0], [0, 4], [0, 0]], (0, 2)),  # touches an edge
        ([[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]], (0, 1)),  # folds back on itself
        ([[0, 0], [4, 0], [4, 1], [1, 1], [1, 2], [3, 2], [3, -1], [0, 0]], (0, 5)),
    ],
)
def test_the_self_intersection_test(ring: list, crossing: tuple | None) -> None:
    assert first_self_intersection([tuple(p) for p in ring]) == crossing


def test_the_code_is_read_from_code_then_区划代码_then_adcode(reference) -> None:  # noqa: ANN001
    for key in ("code", "区划代码", "adcode"):
        item = feature()
        item["properties"] = {key: TOWN_A}
        check = boundaries_check(collection(item), level=TOWN)
        assert check.ok and check.features[0].region.code == TOWN_A
    both = feature()
    both["properties"] = {"adcode": "440199", "区划代码": TOWN_B, "code": TOWN_A}
    assert boundaries_check(collection(both), level=TOWN).features[0].region.code == TOWN_A
    number = boundaries_check(collection(feature(code=int(TOWN_A))), level=TOWN)
    assert number.ok


def test_a_missing_code_is_named(reference) -> None:  # noqa: ANN001
    message = only_error(collection(feature(code=None, name="某街道")))
    assert (
        message
        == "第 1 个要素（某街道）：属性中没有区划代码（应有 code、区划代码 或 adcode 之一）。"
    )


def test_a_code_must_have_12_digits(reference) -> None:  # noqa: ANN001
    assert "区划代码“440199”不是12位数字" in only_error(collection(feature(code="440199")))


def test_a_code_must_be_a_region_of_the_district(reference) -> None:  # noqa: ANN001
    message = only_error(collection(feature(code="440299001000")))
    assert message == "第 1 个要素（440299001000）：区划代码 440299001000 不是本区的行政区划。"


def test_a_code_must_be_of_the_chosen_level(reference) -> None:  # noqa: ANN001
    message = only_error(collection(feature(code=VILLAGE_A)))
    assert "建设社区是村社区，不是所选的镇街" in message


def test_a_code_may_appear_once(reference) -> None:  # noqa: ANN001
    message = only_error(collection(feature(), feature(ring=square(114))))
    assert message == (
        f"第 2 个要素（{TOWN_A}）：区划代码 {TOWN_A} 在文件中重复（第 1 个要素已是它）。"
    )


def test_towns_without_a_feature_are_a_warning_not_an_error(reference) -> None:  # noqa: ANN001
    check = boundaries_check(collection(feature()), level=TOWN)
    assert check.ok and len(check.missing) == 9
    assert "西城街道（440199002000）" in check.warnings()[0]


def test_every_feature_is_checked_not_only_the_first_wrong_one(reference) -> None:  # noqa: ANN001
    bowtie = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]
    check = boundaries_check(
        collection(feature(code="1"), feature(code=TOWN_B, ring=bowtie), feature(code=TOWN_A)),
        level=TOWN,
    )
    assert [e.split("：")[0] for e in check.errors] == ["第 1 个要素", f"第 2 个要素（{TOWN_B}）"]


def test_the_demo_grid_is_valid_for_any_number_of_towns() -> None:
    for n in (1, 2, 7, 10, 23):
        grid = town_grid([f"44019900{k:04d}" for k in range(n)])
        assert len(grid["features"]) == n
        for item in grid["features"]:
            assert geometry_problems(item["geometry"]) == []


# --- the import ----------------------------------------------------------------------------


def test_an_import_writes_every_boundary_and_again_changes_nothing(reference, personas) -> None:  # noqa: ANN001
    check = boundaries_check(all_towns(), level=TOWN, source="towns.geojson")
    first = boundaries_import(check=check, by=personas["district"])
    assert (first.created, first.updated, first.unchanged) == (10, 0, 0)
    stored = RegionBoundary.objects.get(region_id=TOWN_A)
    assert stored.geometry["type"] == "Polygon" and stored.source == "towns.geojson"
    assert stored.imported_by == personas["district"]
    again = boundaries_import(check=boundaries_check(all_towns(), level=TOWN))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    entries = LogEntry.objects.filter(content_type__model="regionboundary")
    assert entries.count() == 10 and entries.first().actor == personas["district"]


def test_a_changed_outline_is_updated_and_audited(reference) -> None:  # noqa: ANN001
    boundaries_import(check=boundaries_check(all_towns(), level=TOWN))
    moved = feature(ring=square(113.0, 23.0))
    result = boundaries_import(check=boundaries_check(all_towns(**{TOWN_A: moved}), level=TOWN))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 9)
    assert RegionBoundary.objects.get(region_id=TOWN_A).geometry["coordinates"][0][0] == [113, 23]
    update = LogEntry.objects.get(action=LogEntry.Action.UPDATE, object_pk=TOWN_A)
    assert set(update.changes) == {"digest", "source"}


def test_a_file_with_one_bad_feature_writes_nothing(reference) -> None:  # noqa: ANN001
    bad = feature(code=TOWN_B, ring=square()[:-1])
    check = boundaries_check(all_towns(**{TOWN_B: bad}), level=TOWN)
    assert not check.ok and len(check.features) == 9
    with pytest.raises(ReferenceDataError):
        boundaries_import(check=check)
    assert not RegionBoundary.objects.exists()


def test_a_dry_run_counts_and_writes_nothing(reference) -> None:  # noqa: ANN001
    result = boundaries_import(check=boundaries_check(all_towns(), level=TOWN), dry_run=True)
    assert result.created == 10 and not RegionBoundary.objects.exists()


# --- the command ---------------------------------------------------------------------------


def test_the_command_imports_a_level(reference, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "towns.geojson"
    path.write_bytes(all_towns())
    out = StringIO()
    call_command("import_boundaries", str(path), "--level", "town", stdout=out)
    assert "created 10, updated 0, unchanged 0" in out.getvalue()
    assert RegionBoundary.objects.filter(region__level=TOWN).count() == 10


def test_the_command_lists_the_problems_and_writes_nothing(reference, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "villages.geojson"
    path.write_bytes(collection(feature()))
    err = StringIO()
    with pytest.raises(CommandError, match="1 个问题，没有导入任何边界"):
        call_command("import_boundaries", str(path), "--level", "village", stderr=err)
    assert "东城街道是镇街，不是所选的村社区" in err.getvalue()
    assert not RegionBoundary.objects.exists()


def test_the_command_dry_run_writes_nothing(reference, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "towns.geojson"
    path.write_bytes(collection(feature()))
    out = StringIO()
    call_command("import_boundaries", str(path), "--dry-run", stdout=out)
    assert "1 valid (dry run" in out.getvalue() and "没有这些镇街的边界" in out.getvalue()
    assert not RegionBoundary.objects.exists()


def test_the_command_says_when_the_file_is_not_geojson(reference, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "x.geojson"
    path.write_text("hello")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("import_boundaries", str(path))
    with pytest.raises(CommandError, match="读不到文件"):
        call_command("import_boundaries", str(tmp_path / "missing.geojson"))


def test_load_demo_gives_every_town_a_boundary_once(reference, settings) -> None:  # noqa: ANN001
    settings.JIUYE_ALLOW_DEMO = True
    call_command("load_demo", stdout=StringIO())
    boundaries = RegionBoundary.objects.filter(region__level=TOWN)
    assert boundaries.count() == 10
    before = dict(boundaries.values_list("region_id", "digest"))
    RegionBoundary.objects.filter(region_id=TOWN_B).delete()  # a town left out stays out
    call_command("load_demo", stdout=StringIO())
    assert boundaries.count() == 9
    assert dict(boundaries.values_list("region_id", "digest")) == {
        k: v for k, v in before.items() if k != TOWN_B
    }
