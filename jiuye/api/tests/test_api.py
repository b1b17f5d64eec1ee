from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from jiuye.api import services
from jiuye.api.models import ApiKey
from jiuye.api.selectors import key_for_token
from jiuye.core.models import AccessEvent

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_swagger_from_our_own_static_files_only(client_for) -> None:
    html = client_for("district").get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # No CDN or other outside address anywhere in the page.
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert '"validatorUrl": null' in html


def test_the_schema_is_openapi_3_and_lists_the_resources() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/persons", "/api/v1/regions", "/api/v1/indicators"} <= set(schema["paths"])


def test_a_key_is_stored_only_as_a_hash_and_found_by_its_token(personas) -> None:
    key, token = services.apikey_create(
        name="人社系统", owner=personas["admin"], role="district", by=personas["admin"]
    )
    assert token.startswith(f"jy_{key.prefix}_")
    secret = token.split("_", 2)[2]
    assert secret not in key.secret_hash
    assert key_for_token(token) == key
    assert key_for_token(token + "x") is None
    assert key_for_token(f"jy_{key.prefix}_wrong") is None
    assert not key.account.has_usable_password()


def test_a_keys_account_is_not_managed_on_the_user_pages(personas, client_for) -> None:  # noqa: ANN001
    # A password reset there would let the key's account sign in with the key's role.
    key, _token = services.apikey_create(
        name="民政系统", owner=personas["admin"], role="district", by=personas["admin"]
    )
    admin = client_for("admin")
    assert key.account.username not in admin.get("/accounts/users/").content.decode()
    pk = key.account.pk
    assert admin.get(f"/accounts/users/{pk}/").status_code == 404
    assert admin.post(f"/accounts/users/{pk}/reset-password/").status_code == 404
    assert admin.post(f"/accounts/users/{pk}/active/").status_code == 404
    key.account.refresh_from_db()
    assert not key.account.has_usable_password()


def test_a_keys_account_is_told_nothing(personas) -> None:  # noqa: ANN001
    # A district key's account has the district role, but nobody reads its notifications:
    # hand-overs to "the reviewers" and the daily escalations reach people only.
    from jiuye.notifications import selectors as told
    from jiuye.notifications.models import Notification
    from jiuye.notifications.services import Event, notify

    key, _token = services.apikey_create(
        name="人社系统", owner=personas["admin"], role="district", by=personas["admin"]
    )
    assert key.account not in told.reviewers()
    assert personas["district"] in told.reviewers()
    notify(event=Event(key="k", kind="test", title="请审核"), recipients=told.reviewers())
    assert not Notification.objects.filter(user=key.account).exists()
    assert Notification.objects.filter(user=personas["district"]).exists()


def test_a_revoked_or_expired_key_is_refused_with_a_problem(personas) -> None:
    key, token = services.apikey_create(
        name="教育局", owner=personas["admin"], role="district", by=personas["admin"]
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/v1/regions", **auth).status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = Client().get("/api/v1/regions", **auth)
    assert expired.status_code == 401
    assert expired["Content-Type"] == "application/problem+json"
    assert expired.json()["status"] == 401
    ApiKey.objects.filter(pk=key.pk).update(expires_at=None)
    services.apikey_revoke(key=key, by=personas["admin"])
    assert Client().get("/api/v1/regions", **auth).status_code == 401


def test_a_key_cannot_be_made_for_an_administrator(personas) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.apikey_create(
            name="x", owner=personas["admin"], role="admin", by=personas["admin"]
        )


def test_pages_follow_the_cursor_and_updated_since_gives_only_later_changes(
    call, person_a, person_b
) -> None:
    first = call("district", "get", "/api/v1/persons", {"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = call(
        "district", "get", "/api/v1/persons", {"limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert second["next_cursor"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {
        str(person_a.pk),
        str(person_b.pk),
    }
    since = second["items"][0]["updated_at"]
    later = call("district", "get", "/api/v1/persons", {"updated_since": since}).json()
    assert [p["id"] for p in later["items"]] == [second["items"][0]["id"]]


def test_a_bad_cursor_or_date_is_a_400_naming_the_parameter(call, reference) -> None:
    bad = call("district", "get", "/api/v1/persons", {"cursor": "nonsense"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "cursor"
    bad = call("district", "get", "/api/v1/persons", {"updated_since": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "updated_since"


def test_limit_is_capped_by_the_setting(call, person_a, person_b, settings) -> None:
    settings.JIUYE_API_MAX_LIMIT = 1
    page = call("district", "get", "/api/v1/persons", {"limit": 1000}).json()
    assert len(page["items"]) == 1


def test_every_call_is_in_the_access_log_and_reads_of_persons_count_as_exports(
    call, api_keys, person_a
) -> None:
    call("town_a", "get", "/api/v1/persons")
    event = AccessEvent.objects.first()
    prefix = api_keys["town_a"].split("_")[1]
    assert event.action == AccessEvent.Action.EXPORT
    assert event.detail["key"] == prefix
    assert event.detail["endpoint"] == "/api/v1/persons"
    assert event.detail["status"] == 200
    assert event.detail["rows"] == 1
    call("town_a", "get", "/api/v1/regions")
    assert AccessEvent.objects.first().action == AccessEvent.Action.API
    call("liaison", "get", "/api/v1/persons")
    refused = AccessEvent.objects.first()
    assert refused.action == AccessEvent.Action.API and refused.detail["status"] == 403


def test_too_many_calls_get_429_with_retry_after(call, reference, settings) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.JIUYE_API_RATE_PER_MINUTE = 2
    assert call("district", "get", "/api/v1/regions").status_code == 200
    assert call("district", "get", "/api/v1/regions").status_code == 200
    third = call("district", "get", "/api/v1/regions")
    assert third.status_code == 429
    assert int(third["Retry-After"]) > 0
    assert third["Content-Type"] == "application/problem+json"
    # Another key has its own allowance.
    assert call("leader", "get", "/api/v1/regions").status_code == 200
    cache.clear()


def test_a_body_over_the_limit_is_refused_with_413(call, person_a, settings) -> None:
    settings.JIUYE_API_MAX_BODY_BYTES = 100
    answer = call(
        "district",
        "post",
        f"/api/v1/persons/{person_a.pk}/reveal",
        data={"field": "id_number", "reason": "x" * 200},
        content_type="application/json",
    )
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/problem+json"


def test_a_full_number_needs_the_reveal_role_and_a_reason_and_is_logged(call, person_a) -> None:
    url = f"/api/v1/persons/{person_a.pk}/reveal"
    no_reason = call(
        "district", "post", url, data={"field": "id_number"}, content_type="application/json"
    )
    assert no_reason.status_code == 400
    assert "原因" in no_reason.json()["detail"]
    shown = call(
        "district",
        "post",
        url,
        data={"field": "id_number", "reason": "核对身份"},
        content_type="application/json",
    )
    assert shown.status_code == 200
    assert shown.json()["value"] == person_a.id_number
    assert AccessEvent.objects.filter(action="reveal", reason="核对身份").count() == 1
    assert (
        call(
            "town_b",
            "post",
            url,
            data={"field": "id_number", "reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        call(
            "leader",
            "post",
            url,
            data={"field": "id_number", "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_a_person_answer_carries_its_version_as_etag(call, person_a) -> None:
    answer = call("district", "get", f"/api/v1/persons/{person_a.pk}")
    assert answer["ETag"] == f'W/"{person_a.version}"'


def test_a_browser_session_may_read_the_api_but_must_send_csrf_to_write(
    client_for, person_a
) -> None:
    from django.test import Client as CsrfClient

    from conftest import sign_in

    assert client_for("district").get("/api/v1/persons").status_code == 200
    strict = CsrfClient(enforce_csrf_checks=True)
    from jiuye.accounts.models import User

    sign_in(strict, User.objects.get(username="district"))
    refused = strict.post(
        f"/api/v1/persons/{person_a.pk}/reveal",
        data={"field": "id_number", "reason": "核对"},
        content_type="application/json",
    )
    assert refused.status_code in (401, 403)


def test_errors_answer_in_the_language_asked_for(reference) -> None:
    answer = Client().get("/api/v1/persons", HTTP_ACCEPT_LANGUAGE="en")
    assert answer["Content-Language"] == "en"
    assert Client().get("/api/v1/persons")["Content-Language"] == "zh-hans"
