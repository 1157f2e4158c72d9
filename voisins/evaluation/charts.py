"""Charts drawn on the server with matplotlib, as SVG: the same drawing in the page, the
PDF report and anywhere else, with no JavaScript and nothing fetched from elsewhere.

Each function returns the SVG text. Pages embed it as a data: URI image (the CSP forbids
inline styles, which matplotlib's SVG carries); `data_uri` does that.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voisins.plotting import matplotlib_agg

from . import caching
from .survival import Curve

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Colours that stay apart for colour-blind readers (Okabe–Ito), first the brand's green.
PALETTE = ["#0b5d57", "#e69f00", "#56b4e9", "#cc79a7", "#009e73", "#d55e00", "#0072b2",
           "#555555"]
INK = "#1d2433"
GRID = "#d5dae3"


@functools.cache
def _matplotlib() -> Any:
    """matplotlib, imported and set up on the first drawing only: a page whose charts all
    come from the cache (or a figure that needs no chart) does not pay its import."""
    matplotlib = matplotlib_agg()
    from matplotlib import ticker  # noqa: F401  (the survival chart's percent axis)

    matplotlib.rcParams.update({
        "svg.fonttype": "none",  # text stays text: smaller, searchable, any script
        "svg.hashsalt": "voisins",  # the same chart gives the same bytes
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.edgecolor": GRID,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return matplotlib


def cached(function: Callable[..., str]) -> Callable[..., str]:
    """Keep each drawing in the cache, keyed by everything it is drawn from.

    matplotlib needs 0.1–0.3 s per chart; the same figures (a dashboard reloaded, the PDF
    after the page) are drawn once. A caller that already has a digest of the data (a
    survival curve's spells) passes it as ``cache_key`` instead of the drawn values being
    hashed again.
    """

    @functools.wraps(function)
    def wrapper(*args: object, cache_key: str | None = None, **kwargs: object) -> str:
        basis = (cache_key, sorted(kwargs.items())) if cache_key else (args,
                                                                      sorted(kwargs.items()))
        key = caching.digest(function.__name__, basis)
        return caching.remember("chart", key, lambda: function(*args, **kwargs))

    return wrapper


@dataclass(frozen=True)
class Chart:
    """A chart drawn when it is first shown (most figures never need their chart: the
    practice sheet, the XLSX report, a dashboard section left empty).

    Everything it is drawn from, labels included, is fixed when it is made, so the
    drawing does not depend on the language active when it is shown.
    """

    draw: Callable[..., str]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @functools.cached_property
    def svg(self) -> str:
        return self.draw(*self.args, **self.kwargs)

    @property
    def uri(self) -> str:
        return data_uri(self.svg)


def _figure(width: float = 7.0, height: float = 3.6) -> tuple[Figure, Any]:
    _matplotlib()
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.16)
    axes = figure.add_subplot()
    axes.grid(True, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    # "tight": the drawing grows to hold its labels (long category names were cut).
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None},
                   bbox_inches="tight", pad_inches=0.08)
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


MAX_STEPS = 400


def _thin(curve: Curve) -> tuple[list[float], list[float], list[float], list[float]]:
    """At most MAX_STEPS steps of a curve, read on an even grid of months: the drawing looks
    the same, and a curve of 10,000 matches stays a small SVG that renders fast."""
    months, survival = list(curve.months), list(curve.survival)
    lower, upper = list(curve.lower), list(curve.upper)
    if len(months) <= MAX_STEPS:
        return months, survival, lower, upper
    last = months[-1]
    grid = [last * i / (MAX_STEPS - 1) for i in range(MAX_STEPS)]
    out: tuple[list[float], list[float], list[float], list[float]] = ([], [], [], [])
    j = 0
    for t in grid:
        while j + 1 < len(months) and months[j + 1] <= t:
            j += 1
        for target, value in zip(out, (t, survival[j], lower[j], upper[j]), strict=True):
            target.append(value)
    return out


@cached
def survival_chart(curves: Sequence[Curve], *, x_label: str, y_label: str,
                   max_months: float | None = None) -> str:
    """Kaplan–Meier step curves with their 95 % confidence band (shaded)."""
    figure, axes = _figure()
    for i, curve in enumerate(curves):
        colour = PALETTE[i % len(PALETTE)]
        months, survival, lower, upper = _thin(curve)
        axes.fill_between(months, lower, upper, step="post", color=colour, alpha=0.15,
                          linewidth=0)
        axes.step(months, survival, where="post", color=colour, linewidth=2,
                  label=f"{curve.label} (n={curve.n})" if curve.label else f"n={curve.n}")
    axes.set_ylim(0, 1.02)
    axes.set_xlim(0, max_months or max((c.months[-1] for c in curves), default=12) or 12)
    axes.yaxis.set_major_formatter(_matplotlib().ticker.PercentFormatter(1.0))
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    if curves:
        # Where the curves leave room: a fixed corner hid the curves that stayed low.
        axes.legend(frameon=True, framealpha=0.85, edgecolor="none", loc="best", fontsize=9)
    return _svg(figure)


@cached
def monthly_chart(months: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *,
                  y_label: str) -> str:
    """Side-by-side bars per month (for example matches started and ended)."""
    figure, axes = _figure(height=3.2)
    figure.subplots_adjust(bottom=0.24)
    # One outlined staircase per series: as readable as bars, and one path instead of
    # hundreds of rectangles (eight years of months stay fast to draw).
    edges = list(range(len(months) + 1))
    for i, (label, values) in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        axes.stairs(values, edges, fill=i == 0, alpha=0.35 if i == 0 else 1, color=colour,
                    linewidth=1.8, label=label)
    step = max(1, len(months) // 12)
    axes.set_xticks([p + 0.5 for p in range(len(months))][::step])
    axes.set_xticklabels(list(months)[::step], rotation=45, ha="right", fontsize=8)
    axes.set_xlim(0, max(len(months), 1))
    axes.set_ylabel(y_label)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, fontsize=9)
    return _svg(figure)


@cached
def bar_chart(labels: Sequence[str], values: Sequence[float], *, x_label: str = "") -> str:
    """Horizontal bars, largest first as given."""
    figure, axes = _figure(height=max(1.6, 0.32 * len(labels) + 0.8))
    axes.barh(list(range(len(labels)))[::-1], values, color=PALETTE[0])
    axes.set_yticks(list(range(len(labels)))[::-1])
    axes.set_yticklabels(labels, fontsize=9)
    axes.set_xlabel(x_label)
    axes.xaxis.get_major_locator().set_params(integer=True)
    return _svg(figure)


@cached
def postcode_map(points: Sequence[tuple[float, float, int, str]], *, label: str) -> str:
    """Circles at postcode centroids (lon, lat, count, postcode), area proportional to count.

    Never an exact point: only the centroid of a postcode, the same for every household
    in it.
    """
    figure, axes = _figure(width=6.0, height=5.0)
    if points:
        largest = max(p[2] for p in points)
        axes.scatter([p[0] for p in points], [p[1] for p in points],
                     s=[30 + 900 * p[2] / largest for p in points], color=PALETTE[0],
                     alpha=0.55, edgecolors="white", linewidths=0.8)
        for lon, lat, count, code in points:
            if count * 4 >= largest:
                axes.annotate(code, (lon, lat), fontsize=7, ha="center", va="center",
                              color=INK)
        # Degrees of longitude are shorter than degrees of latitude away from the equator.
        mean_lat = sum(p[1] for p in points) / len(points)
        # "datalim": the map fills its drawing and the extent grows instead (a box
        # adjusted to the data made a flat thumbnail of a wide programme).
        axes.set_aspect(1 / max(math.cos(math.radians(mean_lat)), 0.2), adjustable="datalim")
    axes.set_xlabel(label)
    axes.tick_params(labelsize=7)
    return _svg(figure)


@cached
def change_chart(labels: Sequence[str], before: Sequence[float], after: Sequence[float], *,
                 before_label: str, after_label: str) -> str:
    """Mean answer (1–5) per indicator at the start and at follow-up."""
    figure, axes = _figure(height=max(2.0, 0.45 * len(labels) + 0.8))
    positions = list(range(len(labels)))[::-1]
    axes.barh([p + 0.2 for p in positions], before, height=0.38, color=PALETTE[2],
              label=before_label)
    axes.barh([p - 0.2 for p in positions], after, height=0.38, color=PALETTE[0],
              label=after_label)
    axes.set_yticks(positions)
    axes.set_yticklabels(labels, fontsize=9)
    axes.set_xlim(1, 5)
    axes.legend(frameon=False, fontsize=9, loc="lower right")
    return _svg(figure)
