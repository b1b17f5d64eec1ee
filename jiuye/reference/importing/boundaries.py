"""Region boundaries from a GeoJSON file: one FeatureCollection per region level, each feature a
Polygon or MultiPolygon carrying the region's 12-digit code in its properties.

``boundaries_check`` reads and checks the whole file and writes nothing; every problem is a
message in Chinese naming the feature (its position in the file and its code or name). The
import (``reference.services.boundaries_import``) takes a check without errors, so a file is
written whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jiuye.reference.models import Region

# The properties that may hold a feature's region code, in the order they are read (DataV and
# Amap files call it adcode, national statistics files 区划代码).
CODE_PROPERTIES = ("code", "区划代码", "adcode")
NAME_PROPERTIES = ("name", "名称")
# A town's outline with a few thousand points is a few hundred kilobytes; a district's towns or
# villages stay well below this.
MAX_BYTES = 10 * 1024 * 1024
# At most this many messages of one kind are listed, so a wholly wrong file stays readable.
MAX_MESSAGES = 200

LEVELS = {
    "county": Region.Level.COUNTY,
    "town": Region.Level.TOWN,
    "village": Region.Level.VILLAGE,
}


class BoundaryFileError(Exception):
    """The file as a whole cannot be read (not JSON, not a FeatureCollection, too large)."""


@dataclass
class CheckedFeature:
    region: Region
    geometry: dict[str, Any]
    digest: str


@dataclass
class BoundaryCheck:
    level: int
    source: str
    features: list[CheckedFeature] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: list[Region] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def level_label(self) -> str:
        return str(Region.Level(self.level).label)

    def warnings(self) -> list[str]:
        if not self.missing:
            return []
        names = "、".join(f"{r.name}（{r.code}）" for r in self.missing)
        return [
            _("文件中没有这些%(level)s的边界（导入后地图上它们没有轮廓）：%(names)s")
            % {"level": self.level_label, "names": names}
        ]


def geometry_digest(geometry: dict[str, Any]) -> str:
    text = json.dumps(geometry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def boundaries_check(data: bytes, *, level: int, source: str = "") -> BoundaryCheck:
    """Check a GeoJSON FeatureCollection of the boundaries of ``level``'s regions of this
    district. Raises ``BoundaryFileError`` for a file that is not one at all."""
    if len(data) > MAX_BYTES:
        raise BoundaryFileError(
            _(
                "文件有 %(size).1f MB，超过了 %(max)d MB 的上限。"
                "请只保留本区的边界，或先简化边界线再导入。"
            )
            % {"size": len(data) / 1024 / 1024, "max": MAX_BYTES // 1024 // 1024}
        )
    collection = _read_json(data)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundaryFileError(
            _('文件不是 GeoJSON 要素集合（顶层应为 "type": "FeatureCollection"）。')
        )
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError(_('要素集合中没有要素（"features" 应为非空的列表）。'))

    district = settings.JIUYE_DISTRICT_CODE
    regions = {
        r.code: r
        for r in Region.objects.filter(code__startswith=district[:6], disabled_at__isnull=True)
    }
    result = BoundaryCheck(level=level, source=source)
    seen: dict[str, int] = {}
    for index, feature in enumerate(features, start=1):
        problems, code, name = _feature_problems(feature)
        label = _feature_label(index, code, name)
        region = regions.get(code) if code else None
        if code and region is None:
            problems.append(_("区划代码 %(code)s 不是本区的行政区划。") % {"code": code})
        elif region is not None and region.level != level:
            problems.append(
                _("%(name)s是%(actual)s，不是所选的%(level)s。")
                % {
                    "name": region.name,
                    "actual": Region.Level(region.level).label,
                    "level": result.level_label,
                }
            )
        if code and code in seen:
            problems.append(
                _("区划代码 %(code)s 在文件中重复（第 %(first)d 个要素已是它）。")
                % {"code": code, "first": seen[code]}
            )
        elif code:
            seen[code] = index
        for problem in problems:
            if len(result.errors) < MAX_MESSAGES:
                result.errors.append(f"{label}：{problem}")
        if not problems and region is not None:
            geometry = feature["geometry"]
            geometry = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
            result.features.append(CheckedFeature(region, geometry, geometry_digest(geometry)))
    if len(result.errors) == MAX_MESSAGES:
        result.errors.append(_("问题太多，只列出前 %(n)d 条。") % {"n": MAX_MESSAGES})
    result.missing = sorted(
        (r for r in regions.values() if r.level == level and r.code not in seen),
        key=lambda r: r.code,
    )
    return result


def _read_json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BoundaryFileError(
            _("文件不是 UTF-8 编码的文本，读不出 GeoJSON。请以 UTF-8 保存后再上传。")
        ) from exc
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        where = _("（第 %(line)d 行附近）") % {"line": line} if line else ""
        raise BoundaryFileError(
            _("文件不是有效的 JSON%(where)s，无法作为 GeoJSON 读取。") % {"where": where}
        ) from exc


def _feature_label(index: int, code: str | None, name: str | None) -> str:
    who = " ".join(part for part in (code, name) if part)
    if who:
        return _("第 %(i)d 个要素（%(who)s）") % {"i": index, "who": who}
    return _("第 %(i)d 个要素") % {"i": index}


def _feature_problems(feature: Any) -> tuple[list[str], str | None, str | None]:
    """What is wrong with one feature, with its code (when it has a well-formed one) and name."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [_('不是 GeoJSON 要素（应为 "type": "Feature" 的对象）。')], None, None
    properties = feature.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    name = next((str(properties[k]) for k in NAME_PROPERTIES if properties.get(k)), None)
    problems: list[str] = []
    given = [properties[k] for k in CODE_PROPERTIES if properties.get(k) not in (None, "")]
    raw = given[0] if given else None
    code: str | None = None
    if raw is None:
        problems.append(_("属性中没有区划代码（应有 code、区划代码 或 adcode 之一）。"))
    else:
        text = str(raw).strip() if not isinstance(raw, bool) else ""
        if len(text) == 12 and text.isascii() and text.isdigit():
            code = text
        else:
            problems.append(_("区划代码“%(code)s”不是12位数字。") % {"code": str(raw)[:30]})
    problems += geometry_problems(feature.get("geometry"))
    return problems, code, name


def geometry_problems(geometry: Any) -> list[str]:
    """What makes ``geometry`` not a valid Polygon or MultiPolygon (empty when it is one)."""
    if not isinstance(geometry, dict):
        return [_('没有几何图形（"geometry" 为空）。')]
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        return [
            _("几何类型是“%(kind)s”，应为 Polygon 或 MultiPolygon。") % {"kind": str(kind)[:30]}
        ]
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return [_("几何图形没有坐标。")]
    problems: list[str] = []
    for p, polygon in enumerate(polygons, start=1):
        where = _("第 %(p)d 个多边形") % {"p": p} if kind == "MultiPolygon" else ""
        if not isinstance(polygon, list) or not polygon:
            problems.append(_("%(where)s没有环。") % {"where": where or _("多边形")})
            continue
        for r, ring in enumerate(polygon, start=1):
            ring_name = _("外环") if r == 1 else _("第 %(r)d 个内环") % {"r": r - 1}
            problems += [f"{where}{ring_name}{message}" for message in ring_problems(ring)]
    return problems


def ring_problems(ring: Any) -> list[str]:
    """A linear ring: at least four positions of numeric longitude and latitude in range, the
    last the same as the first, and no two edges crossing or touching except neighbours at
    their shared point."""
    if not isinstance(ring, list):
        return [_("不是坐标列表。")]
    for i, position in enumerate(ring, start=1):
        message = _position_problem(position)
        if message:
            return [_("的第 %(i)d 个坐标%(message)s") % {"i": i, "message": message}]
    if len(ring) < 4:
        return [_("只有 %(n)d 个坐标，至少要 4 个（首尾相同的三角形）。") % {"n": len(ring)}]
    points = [(float(p[0]), float(p[1])) for p in ring]
    if points[0] != points[-1]:
        return [_("没有闭合：最后一个坐标应与第一个相同。")]
    crossing = first_self_intersection(points)
    if crossing is not None:
        a, b = crossing
        return [
            _("自相交：第 %(a)d 条边与第 %(b)d 条边相交（边界线不能交叉）。")
            % {"a": a + 1, "b": b + 1}
        ]
    return []


def _position_problem(position: Any) -> str | None:
    if not isinstance(position, list) or len(position) < 2:
        return _("不是 [经度, 纬度] 形式。")
    lon, lat = position[0], position[1]
    for value in (lon, lat):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value):
            return _("不是数字：%(value)s。") % {"value": json.dumps(position)[:60]}
    if not -180 <= lon <= 180:
        return _("的经度 %(lon)s 超出 -180 到 180。") % {"lon": lon}
    if not -90 <= lat <= 90:
        return _("的纬度 %(lat)s 超出 -90 到 90。") % {"lat": lat}
    return None


Point = tuple[float, float]


def first_self_intersection(points: list[Point]) -> tuple[int, int] | None:
    """The first pair of edges (by index) of a closed ring that cross, overlap or touch other
    than two neighbours at their shared point, or None. A sweep over the edges by their left
    end keeps the test near linear for the few-thousand-point outlines of real towns."""
    # A point repeated at once (common in exported files) is one point, not a zero-length edge.
    points = [p for k, p in enumerate(points) if k == 0 or p != points[k - 1]]
    edges = [(points[i], points[i + 1]) for i in range(len(points) - 1)]
    n = len(edges)
    order = sorted(range(n), key=lambda i: min(edges[i][0][0], edges[i][1][0]))
    active: list[int] = []
    found: list[tuple[int, int]] = []
    for i in order:
        (ax, ay), (bx, by) = edges[i]
        left = min(ax, bx)
        active = [j for j in active if max(edges[j][0][0], edges[j][1][0]) >= left]
        for j in active:
            if _neighbours(i, j, n):
                if _overlap_at_neighbour(edges[i], edges[j]):
                    found.append((min(i, j), max(i, j)))
                continue
            if _segments_meet(edges[i], edges[j]):
                found.append((min(i, j), max(i, j)))
        active.append(i)
    return min(found) if found else None


def _neighbours(i: int, j: int, n: int) -> bool:
    return abs(i - j) == 1 or {i, j} == {0, n - 1}


def _orientation(p: Point, q: Point, r: Point) -> int:
    value = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return (value > 0) - (value < 0)


def _on_segment(p: Point, q: Point, r: Point) -> bool:
    """r lies within the bounding box of p–q (used when the three are collinear)."""
    return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])


def _segments_meet(s: tuple[Point, Point], t: tuple[Point, Point]) -> bool:
    p1, p2 = s
    q1, q2 = t
    o1, o2 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    o3, o4 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    if o1 != o2 and o3 != o4:
        return True
    return (
        (o1 == 0 and _on_segment(p1, p2, q1))
        or (o2 == 0 and _on_segment(p1, p2, q2))
        or (o3 == 0 and _on_segment(q1, q2, p1))
        or (o4 == 0 and _on_segment(q1, q2, p2))
    )


def _overlap_at_neighbour(s: tuple[Point, Point], t: tuple[Point, Point]) -> bool:
    """Two consecutive edges meet at their shared point; they are wrong only when they fold
    back over each other (collinear and pointing back)."""
    shared = next((p for p in s if p in t), None)
    if shared is None:
        return _segments_meet(s, t)
    a = s[0] if s[1] == shared else s[1]
    b = t[0] if t[1] == shared else t[1]
    if _orientation(shared, a, b) != 0:
        return False
    # Collinear: a fold when both other ends lie on the same side of the shared point.
    return (a[0] - shared[0]) * (b[0] - shared[0]) + (a[1] - shared[1]) * (b[1] - shared[1]) > 0
