"""matplotlib for the server's drawings (evaluation charts, recruitment pictures).

Imported on the first drawing only: 0.3 s that every web process would otherwise pay at
start-up, for pages most of them never draw. It draws without a screen (Agg) and writes
its font cache where it may.
"""

import functools
import os
import tempfile
from typing import Any


@functools.cache
def matplotlib_agg() -> Any:
    """The matplotlib module, imported and set to draw without a screen."""
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(tempfile.gettempdir(), "voisins-mpl"))
    import matplotlib

    matplotlib.use("Agg")
    # Labels are names that people typed (service categories, districts): "$…$" in one
    # is text, never mathematics to parse (a bad formula broke every chart).
    matplotlib.rcParams["text.parse_math"] = False
    return matplotlib
