"""Each program adds one import line here (its module of this package), in the order of the
actions, so autodiscovery of ``demo`` finds it."""

from __future__ import annotations

import jiuye.programs.demo.consultation  # noqa: F401  二
import jiuye.programs.demo.institutions  # noqa: F401  十
import jiuye.programs.demo.massage  # noqa: F401  八
import jiuye.programs.demo.platforms  # noqa: F401  四

# 五 auxiliary employment and the labour-project bank
# 二
from jiuye.programs.demo import (
    auxiliary,  # noqa: E402, F401
    charity,  # noqa: E402, F401  (三 organizations, charity projects)
    consultation,  # noqa: F401
    graduates,  # noqa: F401  七
    rural,  # noqa: F401  (action 六)
)
