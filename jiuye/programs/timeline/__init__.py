"""The person page's timeline entries of the programs, one module each (the comment names the
action; found by autodiscovery of ``timeline``). Each provider declares the models it reads,
so it costs no query for a person it does not concern."""

from __future__ import annotations

from jiuye.programs.timeline import (  # noqa: F401
    auxiliary,  # 五 auxiliary employment, the labour-project bank
    charity,  # 三 organizations, charity projects, leaders
    graduates,  # 七 graduates
    massage,  # 八 medical massage
    rural,  # 六 rural bases, the monitoring exchange
)
