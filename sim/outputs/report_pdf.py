"""The report as PDF, laid out with matplotlib alone (no tool fetched or installed at run time).

Text pages are matplotlib figures the size of an A4 sheet with text placed line by line; tables
are drawn cell by cell with wrapped text; charts are the same figures as in the HTML. Fonts are
embedded as TrueType (``pdf.fonttype`` 42), so the text can be selected, searched and extracted.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from functools import partial

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.lines import Line2D

from sim.outputs.charts import png
from sim.outputs.report_content import ReportContent, Table

A4 = (8.27, 11.69)  # inches
MARGIN = 0.7  # inches
CHAR_WIDTH = 0.55  # average character width as a share of the font size (DejaVu Sans)


class Pages:
    """Places text and tables top-down on A4 pages, starting a new page when one is full."""

    def __init__(self, pdf: PdfPages, footer: str):
        self.pdf, self.footer, self.y, self.number = pdf, footer, 0.0, 0
        self.fig: Figure | None = None

    @property
    def page(self) -> Figure:
        """The page being filled (a new one if there is none)."""
        if self.fig is None:
            self._new()
        assert self.fig is not None
        return self.fig

    def _new(self) -> None:
        self.close_page()
        self.fig = fig = Figure(figsize=A4)
        self.number += 1
        self.y = A4[1] - MARGIN
        fig.text(
            MARGIN / A4[0],
            0.4 / A4[1],
            f"{self.footer}  -  page {self.number}",
            fontsize=7,
            color="#52606d",
        )

    def close_page(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            self.fig = None

    def _room(self, height: float) -> None:
        if self.fig is None or self.y - height < MARGIN:
            self._new()

    def _put(self, x: float, text: str, size: float, **style) -> None:
        self.page.text(x / A4[0], self.y / A4[1], text, fontsize=size, va="top", **style)

    def text(
        self,
        text: str,
        size: float = 9.0,
        weight: str = "normal",
        space: float = 0.08,
        color: str = "#1f2933",
    ) -> None:
        width = int((A4[0] - 2 * MARGIN) * 72 / (size * CHAR_WIDTH))
        for line in textwrap.wrap(text, width) or [""]:
            step = size * 1.4 / 72
            self._room(step)
            self._put(MARGIN, line, size, weight=weight, color=color)
            self.y -= step
        self.y -= space

    def heading(self, text: str, size: float = 13.0, keep: float = 1.2) -> None:
        """A heading, on a new page unless ``keep`` inches fit below it (so it is never left
        alone at the foot of a page)."""
        self._room(keep)
        self.y -= 0.1
        self.text(text, size, "bold", space=0.1)

    def table(
        self,
        table: Table,
        size: float = 6.5,
        widths: tuple[float, ...] | None = None,
    ) -> None:
        usable = A4[0] - 2 * MARGIN
        shares = widths or tuple(1.0 / len(table.columns) for _ in table.columns)
        col_inches = [usable * s / sum(shares) for s in shares]
        chars = [max(4, int(w * 72 / (size * CHAR_WIDTH)) - 1) for w in col_inches]
        line = size * 1.3 / 72

        def draw_row(cells, weight: str) -> None:
            fit = chars if weight == "normal" else [int(n * 0.85) for n in chars]  # bold is wider
            wrapped = [textwrap.wrap(str(c), n) or [""] for c, n in zip(cells, fit, strict=True)]
            height = max(len(w) for w in wrapped) * line + 0.05
            if self.fig is None or self.y - height < MARGIN:
                self._new()
                if weight == "normal":  # repeat the header on a new page
                    draw_row(table.columns, "bold")
            x = MARGIN
            for lines, w in zip(wrapped, col_inches, strict=True):
                self._put(x, "\n".join(lines), size, weight=weight, linespacing=1.15)
                x += w
            self.y -= height
            self.page.add_artist(
                Line2D(
                    [MARGIN / A4[0], (A4[0] - MARGIN) / A4[0]],
                    [(self.y + 0.02) / A4[1]] * 2,
                    lw=0.3,
                    color="#98a2b3",
                )
            )

        draw_row(table.columns, "bold")
        for row in table.rows:
            draw_row(row, "normal")
        self.y -= 0.15

    def chart(self, fig: Figure, caption: str) -> None:
        """A chart across the page, drawn as in the HTML (PNG), with its caption below."""
        image = imread(io.BytesIO(png(fig, dpi=150)), format="png")
        width = A4[0] - 2 * MARGIN
        height = width * image.shape[0] / image.shape[1]
        self._room(height + 0.5)
        axes = self.page.add_axes(
            (MARGIN / A4[0], (self.y - height) / A4[1], width / A4[0], height / A4[1])
        )
        axes.imshow(image, interpolation="antialiased")
        axes.set_axis_off()
        self.y -= height + 0.05
        self.text(caption, 7.5, color="#52606d", space=0.2)


def pdf_document(title: str, subtitle: str, body: Callable[[Pages], None]) -> bytes:
    """A PDF report: its title and subtitle at the top of the first page, then ``body`` (which
    lays out the rest on the pages it is given), in fonts a reader can search and copy."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as pdf:
        pages = Pages(pdf, title)
        pages.text(title, 17, "bold", space=0.05)
        pages.text(subtitle, 9, color="#52606d", space=0.2)
        body(pages)
        pages.close_page()
    return buffer.getvalue()


def render_pdf(content: ReportContent) -> bytes:
    return pdf_document(content.title, content.subtitle, partial(_report_pages, content))


def _report_pages(content: ReportContent, pages: Pages) -> None:
    pages.heading("1. The scenario")
    pages.text(content.scenario_text or "No description was given with the scenario.")
    pages.text("Disruptions as run (from the scenario's settings)", 10, "bold")
    if content.disruptions.rows:
        pages.table(content.disruptions, widths=(1.6, 2, 2.2, 2.2, 1, 3.4, 1.2))
    else:
        pages.text("None: the office in normal operation.")
    pages.heading("2. The plans compared")
    pages.text(
        "Each plan's levers and timed decisions as they ran, from the plans' settings.",
        8,
        color="#52606d",
    )
    pages.table(content.plans, widths=(2, 2.2, 2, 5))
    pages.heading("3. Verdict")
    for sentence in content.verdict:
        pages.text("- " + sentence)
    if content.robustness:
        pages.text("How robust the verdict is", 10, "bold")
        pages.text(content.robustness.sentence)
        pages.text(content.robustness.note, 8, color="#52606d")
        pages.table(content.robustness.table, widths=(2, 2.2, 2.2, 2.4, 2.4, 1.2))
    pages.heading("4. Charts", keep=4.0)
    for caption, draw in content.charts.values():
        pages.chart(draw(), caption)
    pages.heading("5. Comparison")
    pages.text(content.comparison_note, 8, color="#52606d")
    pages.table(content.comparison, widths=(3, 2.2, 1.2, 2, 2.8, 1, 1))
    if content.recovery:
        pages.text("Time to recover under the recovery rule's range", 10, "bold")
        pages.text(content.recovery_note, 8, color="#52606d")
        pages.table(content.recovery, widths=(2.2, 1.2, 2.4, 1.4, 1.4, 1.4))
    pages.heading("6. Continuity objectives")
    if content.objectives:
        pages.text(content.objectives_note, 8, color="#52606d")
        pages.table(content.objectives, widths=(1.8, 2, 0.9, 1.6, 1.1, 1.4, 1.2, 1.1, 2.6))
    else:
        pages.text("The scenario sets no continuity objectives.")
    pages.heading("7. Workload evidence")
    pages.text(content.workload_note, 8, color="#52606d")
    for plan, table in content.workload.items():
        pages.text(plan, 10, "bold")
        pages.table(table, widths=(2.2, 0.9, 1.3, 1.2, 1.3, 1.4, 1.4, 1.3, 1.3))
    if content.login_served:
        pages.text("Whom the login cap served", 10, "bold")
        for note in content.login_served_notes:
            pages.text(note, 8, color="#52606d")
        pages.table(content.login_served, widths=(2.4, 2.2, 0.9, 1.3, 1.3, 1.6, 1.8))
    pages.heading("8. Method")
    for heading, text in content.method:
        pages.text(heading, 10, "bold", space=0.02)
        pages.text(text)
    pages.text("Assumptions and sources", 10, "bold", space=0.02)
    pages.text(content.sources_note, 8, color="#52606d")
    pages.table(content.sources, size=6, widths=(3, 1.6, 4.4, 1.6))
    pages.heading("9. Reproducibility")
    pages.table(Table(("what", "value"), content.reproducibility), size=7, widths=(2, 6))
    pages.text("The result tables are in the CSV files beside this report.", 8)
