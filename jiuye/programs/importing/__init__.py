"""The import kinds of the programs, one module each (the comment names the action; found by
autodiscovery of ``importing``)."""

from __future__ import annotations

from jiuye.programs.importing import (  # noqa: F401
    auxiliary,  # 五 auxiliary employment, the labour-project bank
    charity,  # 三 organizations, charity projects, leaders
    graduates,  # 七 graduates
    institutions,  # 十 service institutions
    platforms,  # 四 platform partners
    rural,  # 六 rural bases, the monitoring exchange
)
