"""The API, version 1: one NinjaAPI with the resources' routers, and every error as an
RFC 9457 problem (title and detail in the language the caller asks for)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaError

from jiuye.api.views import (
    employment,
    exchanges,
    imports,
    indicators,
    people,
    records,
    reference,
    reports,
)
from jiuye.api.views.conventions import (
    BadParameter,
    BrowserAuth,
    KeyAuth,
    KeyRateThrottle,
    problem,
    validation_messages,
)
from jiuye.api.views.resources import RuleRefused, refused_answer
from jiuye.core.conflicts import ConflictError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="就业平台数据接口",
    version="1",
    description=(
        "残联就业平台的数据接口。用接口密钥调用：`Authorization: Bearer <密钥>`；"
        "已登录的浏览器也可调用（写操作需带 CSRF 令牌）。"
    ),
    urls_namespace="v1",
    auth=[KeyAuth(), BrowserAuth()],
    throttle=[KeyRateThrottle()],
    # Swagger UI from ninja's own static files (ninja is an installed app), and no validator
    # badge (it would call validator.swagger.io).
    docs=Swagger(settings={"validatorUrl": None}),
)

api.add_router("/", reference.router)
api.add_router("/", people.router)
api.add_router("/", employment.router)
api.add_router("/", indicators.router)
api.add_router("/", reports.router)
api.add_router("/", imports.router)
# Casework, employers, jobs, training and the programs: declared resources (views.records).
api.add_router("/", records.router)
api.add_router("/", exchanges.router)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = problem(
        401,
        _("未认证"),
        _("请在请求头中提供有效的接口密钥：Authorization: Bearer <密钥>。密钥可能已过期或被吊销。"),
    )
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Exception) -> HttpResponse:
    # ninja adds Retry-After to this answer.
    return problem(429, _("调用太频繁"), _("这把密钥每分钟的调用次数已用完，请稍后再试。"))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(403, _("没有权限"), _("这把密钥的角色不能使用这个接口。"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, _("没有找到"), _("没有这条记录，或它不在这把密钥的范围内。"))


@api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return problem(409, _("修改冲突"), str(exc))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = validation_messages(exc)
    return problem(400, _("提交的内容有误"), "；".join(e["message"] for e in errors), errors=errors)


@api.exception_handler(BadParameter)
def _bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
    return problem(
        400,
        _("参数有误"),
        str(exc.message),
        errors=[{"field": exc.name, "message": str(exc.message)}],
    )


@api.exception_handler(SchemaError)
def _schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "")),
        }
        for error in exc.errors
    ]
    return problem(
        422,
        _("参数或内容格式不对"),
        _("请检查这些字段：%(f)s。") % {"f": "、".join(e["field"] for e in errors)},
        errors=errors,
    )


@api.exception_handler(RuleRefused)
def _refused(request: HttpRequest, exc: RuleRefused) -> HttpResponse:
    return refused_answer(exc)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, exc.message)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API call failed: %s %s", request.method, request.path)
    return problem(500, _("服务器出错"), _("处理请求时出错，已记录，请稍后再试或联系区残联。"))
