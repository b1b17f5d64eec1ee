from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jiuye.accounts.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "创建演示账户（每个角色一个）和少量演示数据，并打印登录信息。可重复运行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="the address printed with the accounts"
        )
        parser.add_argument("--quiet", action="store_true", help="create, print nothing")

    def handle(self, *args: object, **options: Any) -> None:
        if not settings.JIUYE_ALLOW_DEMO:
            raise CommandError("演示账户只能在开发环境创建（设置 JIUYE_ALLOW_DEMO=true）。")
        logins = demo_load()
        if options["quiet"]:
            return
        out = self.stdout
        out.write("")
        out.write(f"演示账户 Demo accounts  —  {options['url']}")
        out.write(f"密码 password (all): {DEMO_PASSWORD}")
        out.write("-" * 78)
        for login in logins:
            account = login.account
            out.write(f"{account.username:<16} {account.role:<11} {account.display_name}")
            if login.recovery_codes:
                out.write(
                    f"{'':<16} 需要动态码 needs 2FA. 恢复码 recovery codes (each works once):"
                )
                out.write(f"{'':<16} {'  '.join(login.recovery_codes)}")
                out.write(f"{'':<16} TOTP secret for an authenticator app: {login.totp_secret}")
        out.write("-" * 78)
        created = sum(1 for login in logins if login.created)
        out.write(f"demo accounts: created {created}, unchanged {len(logins) - created}")
