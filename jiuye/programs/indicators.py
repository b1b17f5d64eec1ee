"""Plan indicators of the programs (actions 二 三 四 五 六 七 八 十). Each program declares its
figures in its own module of ``jiuye.programs.selectors`` and this module imports them, so the
indicator registry sees them when the app is ready."""

from __future__ import annotations

# 五 auxiliary employment and the labour-project bank
from jiuye.programs.selectors import (
    auxiliary,  # noqa: E402, F401
    rural,  # noqa: F401  (action 六)
)

# --- 三 organizations and charity projects (charity) ---
from jiuye.programs.selectors import charity as charity_indicators  # noqa: E402, F401

# 二 consultation mechanism
from jiuye.programs.selectors import consultation as _consultation  # noqa: E402, F401
from jiuye.programs.selectors import graduates as _graduates  # noqa: E402, F401  七

# 十 service institutions
from jiuye.programs.selectors import institutions as _institutions  # noqa: E402, F401

# 八 medical massage
from jiuye.programs.selectors import massage as _massage  # noqa: E402, F401

# 四 platform partners
from jiuye.programs.selectors import platforms as _platforms  # noqa: E402, F401
