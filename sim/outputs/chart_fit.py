"""Every text of a chart inside its figure, whatever the plans are called: legend entries
wrapped to a width, and titles, axis labels and notes wrapped where the drawn figure shows they
do not fit (:func:`fitted`, used by every chart of :mod:`sim.outputs.charts`)."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.text import Text

LEGEND_CHARS = 34  # a legend entry's lines are at most this long (a plan's name can be 120)
FAN_LEGEND_CHARS = 48  # the fan chart's legend, below it, has the figure's width


def legend_label(text: str, chars: int = LEGEND_CHARS) -> str:
    """A legend entry in lines of at most ``chars`` characters."""
    return wrapped(text, chars)


def lines_of(text: str, chars: int) -> int:
    return legend_label(text, chars).count("\n") + 1


def wrapped(text: str, chars: int) -> str:
    lines = textwrap.wrap(" ".join(text.split()), max(chars, 8), break_on_hyphens=False)
    return "\n".join(lines) or text


def _inside(text: Text, whole) -> float:
    """The width ``text`` may have to stay inside the figure ``whole`` (a box in pixels) where
    it stands now (infinite: it is inside)."""
    box = text.get_window_extent()
    over = max(0.0, box.x1 - whole.x1) + max(0.0, whole.x0 - box.x0)
    return box.width - over if over else float("inf")


def _limits(fig: Figure) -> list[tuple[Text, float, float]]:
    """Every text of the figure with the width and height it must fit in (pixels): the
    figure's titles and notes its width; an axes' titles and x label the axes' width, its y
    label the axes' height; every text (legend entries, notes on a plot) inside the figure."""
    whole, figures = fig.bbox, [fig, *fig.subfigs]
    found = [(t, whole.width, whole.height) for f in figures for t in f.texts]
    for ax in fig.axes:
        inner = ax.bbox
        titles = [t for t in ax.get_children() if isinstance(t, Text) and t not in ax.texts]
        found += [(t, inner.width, whole.height) for t in titles]
        found.append((ax.xaxis.label, max(inner.width, whole.width * 0.6), whole.height))
        found.append((ax.yaxis.label, whole.width, inner.height))
        found += [(t, whole.width, whole.height) for t in ax.texts]
    legends = [*(g for f in figures for g in f.legends), *(ax.get_legend() for ax in fig.axes)]
    found += [
        (t, whole.width, whole.height) for legend in legends if legend for t in legend.get_texts()
    ]
    return [
        (text, min(width, _inside(text, whole)), height)
        for text, width, height in found
        if text.get_visible() and text.get_text().strip()
    ]


def fitted(fig: Figure, tries: int = 5) -> Figure:
    """``fig`` with every title, axis label, legend entry and note wrapped until it fits
    (:func:`_limits`). The figure is drawn (without rendering) to measure them, and again after
    each change, since the layout moves."""
    for _ in range(tries):
        fig.draw_without_rendering()
        if any(min(ax.bbox.width, ax.bbox.height) < 20 for ax in fig.axes):
            break  # the layout failed (no room for the axes): its sizes measure nothing
        changed = False
        for text, width, height in _limits(fig):
            box = text.get_window_extent()
            ratio = max(box.width / max(width * 0.98, 1.0), box.height / (height * 0.98))
            if ratio > 1:
                longest = max(len(line) for line in text.get_text().splitlines())
                shorter = wrapped(text.get_text(), int(longest / ratio) - 1)
                changed = changed or shorter != text.get_text()
                text.set_text(shorter)
        if not changed:
            break
    return fig
