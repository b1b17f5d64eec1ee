"""The demo seeders of the programs, one module each (the comment names the action; found by
autodiscovery of ``demo``)."""

from __future__ import annotations

from jiuye.programs.demo import (  # noqa: F401
    auxiliary,  # 五 auxiliary employment, the labour-project bank
    charity,  # 三 organizations, charity projects, leaders
    consultation,  # 二 the consultation mechanism
    graduates,  # 七 graduates
    institutions,  # 十 service institutions
    massage,  # 八 medical massage
    platforms,  # 四 platform partners
    rural,  # 六 rural bases, the monitoring exchange
)
