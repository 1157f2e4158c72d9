"""Pictures drawn on the server: the funnel chart (SVG, matplotlib), QR codes (segno),
and the image shown when a public page is shared on social media (PNG)."""

import functools
import io
import threading
from typing import Any

from django.utils.translation import gettext as _

from voisins.plotting import matplotlib_agg

from .selectors import STAGES, FunnelRow

BRAND = "#0b5d57"
COLOURS = ["#9cc9c4", "#5fa8a0", "#2f8a80", BRAND, "#06332f"]
# matplotlib's text layout is not thread-safe; pages are drawn one at a time.
_lock = threading.Lock()


@functools.cache
def _matplotlib() -> tuple[Any, Any]:
    """matplotlib and its Figure, on the first drawing (see voisins.plotting)."""
    matplotlib = matplotlib_agg()
    from matplotlib.figure import Figure

    return matplotlib, Figure


def funnel_svg(rows: list[FunnelRow], title: str) -> bytes:
    """A grouped horizontal bar chart: one group per row (campaign or channel), one bar per
    step of the funnel, each labelled with its count. Text stays text in the SVG, so the
    chart is readable by screen readers and searchable."""
    rows = rows or [FunnelRow("none", _("no data yet"))]
    height = 1.2 + 0.9 * len(rows) * len(STAGES) * 0.32
    matplotlib, Figure = _matplotlib()  # Figure: a class
    with _lock, matplotlib.rc_context({"svg.fonttype": "none", "font.size": 10}):
        figure = Figure(figsize=(8, max(height, 2.5)))
        axes = figure.subplots()
        bar = 0.8 / len(STAGES)
        for s, (_stage, label) in enumerate(STAGES):
            ys = [r + s * bar for r in range(len(rows))]
            values = [row.values[s] or 0 for row in rows]
            bars = axes.barh(ys, values, height=bar * 0.95, color=COLOURS[s], label=str(label))
            axes.bar_label(bars, padding=3, fontsize=8)
        axes.set_yticks([r + 0.4 - bar / 2 for r in range(len(rows))],
                        [row.label[:40] for row in rows])
        axes.invert_yaxis()
        axes.set_title(title, loc="left")
        axes.spines[["top", "right"]].set_visible(False)
        axes.xaxis.get_major_locator().set_params(integer=True)
        # Counts start at 0; with every count 0, matplotlib would centre the axis on 0
        # and draw negative counts.
        axes.set_xlim(left=0, right=max(1, axes.get_xlim()[1]))
        # Below the bars, in the order of the steps, so that it never hides a bar.
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=len(STAGES),
                    fontsize=8, frameon=False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return out.getvalue()


def share_image_png(title: str, subtitle: str) -> bytes:
    """A 1200×630 image for Open Graph and Twitter cards with the programme's name."""
    _matplotlib_module, Figure = _matplotlib()  # Figure: a class
    with _lock:
        figure = Figure(figsize=(12, 6.3), dpi=100, facecolor=BRAND)
        figure.text(0.06, 0.62, title[:60], color="white", fontsize=44, weight="bold")
        figure.text(0.06, 0.45, subtitle[:90], color="white", fontsize=22)
        figure.text(0.06, 0.12, "Voisins", color="#cfe6e3", fontsize=24)
        out = io.BytesIO()
        figure.savefig(out, format="png", facecolor=BRAND)
    return out.getvalue()


def qr_code(url: str, kind: str) -> bytes:
    """The QR code of a tracked link, as PNG (for print at 10 px a module) or SVG."""
    import segno

    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    if kind == "svg":
        qr.save(out, kind="svg", scale=10, border=4, xmldecl=True, svgns=True)
    else:
        qr.save(out, kind="png", scale=10, border=4)
    return out.getvalue()
