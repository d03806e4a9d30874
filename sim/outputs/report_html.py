"""The report as one self-contained HTML file: a Jinja2 template, charts embedded as PNG.

Nothing is fetched when the file is opened: no scripts, fonts, style sheets or images from
elsewhere (tested), so it can be emailed or archived as it is.
"""

from __future__ import annotations

import base64

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from sim.outputs.charts import png
from sim.outputs.report_content import ReportContent

TEMPLATE = "report.html.j2"


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("sim.outputs", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "j2")),
    )


def render_html(content: ReportContent) -> str:
    images = {
        key: (caption, base64.b64encode(png(draw())).decode("ascii"))
        for key, (caption, draw) in content.charts.items()
    }
    return _environment().get_template(TEMPLATE).render(c=content, images=images)
