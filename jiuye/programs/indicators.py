"""Plan indicators of the programs (actions 二 三 四 五 六 七 八 十). Each program declares its
figures in its own module of ``jiuye.programs.selectors``; importing them here registers them
when the indicator registry discovers ``indicators``."""

from __future__ import annotations

from jiuye.programs.selectors import (  # noqa: F401
    auxiliary,  # 五 auxiliary employment, the labour-project bank
    charity,  # 三 organizations, charity projects, leaders
    consultation,  # 二 the consultation mechanism
    graduates,  # 七 graduates
    institutions,  # 十 service institutions
    massage,  # 八 medical massage
    platforms,  # 四 platform partners
    rural,  # 六 rural bases, the monitoring exchange
)
