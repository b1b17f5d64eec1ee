"""Each program adds one import line here (its module of this package), in the order of the
actions, so autodiscovery of ``importing`` finds it."""

from __future__ import annotations

import jiuye.programs.importing.institutions  # noqa: F401  十
import jiuye.programs.importing.platforms  # noqa: F401  四

# 五 auxiliary employment and the labour-project bank
from jiuye.programs.importing import (
    auxiliary,  # noqa: E402, F401
    charity,  # noqa: E402, F401  (三 organizations, charity projects)
    graduates,  # noqa: F401  七
    rural,  # noqa: F401  (action 六)
)
