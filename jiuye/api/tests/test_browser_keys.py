"""The administrator creates and revokes an API key in the product's pages (Chromium, axe)."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from jiuye.api.models import ApiKey
from jiuye.core.tests.browser import assert_accessible, expect_errors, follow, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_creates_a_key_sees_it_once_and_revokes_it(page, signed_in) -> None:
    base = signed_in("admin")
    visit(page, f"{base}/api/keys/", "接口密钥")
    assert_accessible(page, "key list, empty")
    follow(page, "新建接口密钥")
    assert_accessible(page, "key form")
    submit(page, "创建")
    expect_errors(page, "key form with errors")
    assert_accessible(page, "key form with errors")
    page.get_by_label("名称").fill("区人社局就业系统")
    page.get_by_label("负责人").select_option(index=1)
    page.get_by_label("角色").select_option(label="部门联络员")
    submit(page, "创建")
    # The department is required for a liaison's key.
    expect_errors(page, "key form, department missing")
    page.get_by_label("所属部门（部门联络员必填）").select_option(index=1)
    submit(page, "创建")
    token = page.locator("code.secret").inner_text()
    assert token.startswith("jy_")
    assert_accessible(page, "key detail with the token")
    # The key works, and the token is not shown again.
    assert Client().get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    page.reload()
    expect(page.locator("code.secret")).to_have_count(0)
    follow(page, "吊销密钥")
    assert_accessible(page, "revoke confirmation")
    submit(page, "吊销")
    expect(page.get_by_text("已吊销")).not_to_have_count(0)
    assert ApiKey.objects.get().revoked_at is not None
    assert Client().get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_only_administrators_open_the_key_pages(client_for) -> None:
    assert client_for("admin").get("/api/keys/").status_code == 200
    assert client_for("district").get("/api/keys/").status_code == 403
    assert client_for("district").get("/api/keys/new/").status_code == 403
