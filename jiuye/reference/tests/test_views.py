from __future__ import annotations


def test_staff_browse_regions_down_to_villages(client_for) -> None:  # noqa: ANN001
    client = client_for("town_a")
    top = client.get("/reference/regions/").content.decode()
    assert "广东省" in top
    town = client.get("/reference/regions/440199001000/").content.decode()
    assert "建设社区" in town and "440199001001" in town
    assert "示范区" in town  # breadcrumb up the hierarchy


def test_an_unknown_region_is_a_404(client_for) -> None:  # noqa: ANN001
    assert client_for("district").get("/reference/regions/999999999999/").status_code == 404


def test_departments_list_the_plan_units(client_for) -> None:  # noqa: ANN001
    body = client_for("leader").get("/reference/departments/").content.decode()
    assert "区人力资源和社会保障局" in body and "东城街道" in body


def test_reference_pages_refuse_post(client_for) -> None:  # noqa: ANN001
    assert client_for("district").post("/reference/departments/").status_code == 405
