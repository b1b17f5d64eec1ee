"""The boundaries page: upload, check (every problem listed, nothing written), confirm."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import TOWN_A
from jiuye.reference.models import Region, RegionBoundary
from jiuye.reference.tests.test_boundaries import all_towns, collection, feature, square

URL = "/reference/boundaries/"


def upload(client, data: bytes, level: int = Region.Level.TOWN, name: str = "towns.geojson"):  # noqa: ANN001, ANN201
    return client.post(URL, {"level": level, "file": SimpleUploadedFile(name, data)})


def test_a_good_file_is_checked_then_imported_on_confirmation(client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    response = upload(client, all_towns())
    assert response.status_code == 302 and response["Location"] == "/reference/boundaries/confirm/"
    assert not RegionBoundary.objects.exists()  # checked, not written
    page = client.get("/reference/boundaries/confirm/").content.decode()
    assert (
        "10 个镇街的边界，检查全部通过" in page and "导入后新增 10 个、更新 0 个、不变 0 个" in page
    )
    done = client.post("/reference/boundaries/confirm/", follow=True).content.decode()
    assert "边界已导入：新增 10 个、更新 0 个、未变 0 个" in done
    assert RegionBoundary.objects.count() == 10
    # The pending file is gone: confirming again goes back to the upload page.
    again = client.post("/reference/boundaries/confirm/")
    assert again.status_code == 302 and again["Location"] == URL
    assert RegionBoundary.objects.count() == 10


def test_a_bad_file_lists_every_problem_and_writes_nothing(client_for) -> None:  # noqa: ANN001
    client = client_for("admin")
    bowtie = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]
    data = collection(feature(), feature(code="440199002000", ring=bowtie), feature(code="12"))
    response = upload(client, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>错误：" in body and "文件中有 2 个问题" in body
    assert "第 2 个要素（440199002000）：外环自相交：第 1 条边与第 3 条边相交" in body
    assert "第 3 个要素：区划代码“12”不是12位数字" in body
    assert "没有这些镇街的边界" in body
    assert not RegionBoundary.objects.exists()
    assert client.get("/reference/boundaries/confirm/").status_code == 302


def test_a_file_that_is_not_geojson_gets_a_message_beside_the_field(client_for) -> None:  # noqa: ANN001
    body = upload(client_for("district"), b"\x89PNG...", name="map.png").content.decode()
    assert "文件不是 UTF-8 编码的文本" in body
    empty = upload(client_for("district"), b"").content.decode()
    assert "所提交的是空文件" in empty


def test_the_page_counts_the_boundaries_of_each_level(client_for) -> None:  # noqa: ANN001
    client = client_for("district")
    upload(client, collection(feature(ring=square())))
    client.post("/reference/boundaries/confirm/")
    assert RegionBoundary.objects.filter(region_id=TOWN_A).exists()
    body = client.get(URL).content.decode()
    assert '<th scope="row">镇街</th><td class="num">10</td><td class="num">1</td>' in body


def test_only_district_staff_and_administrators_import(client_for) -> None:  # noqa: ANN001
    for name in ("leader", "town_a", "liaison"):
        assert client_for(name).get(URL).status_code == 403
        assert upload(client_for(name), all_towns()).status_code == 403
    assert not RegionBoundary.objects.exists()
