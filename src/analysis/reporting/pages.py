"""Report pages built outside nbconvert (reports/index.html, and future pages such as per-school pages).

Each page is a Jinja2 template under ``templates/pages/`` that extends the page skeleton shared with
the nbconvert template (``templates/shared/layout.html.j2``: head, 示例数据 banner, footer), rendered
by one ``Environment`` with ``autoescape=True``: every value that reaches a page is escaped unless it
is :class:`markupsafe.Markup`, which only the package's own escaped HTML pieces are (``html_table``,
``html_figure``). Then the embedded font subset of the page's characters replaces the placeholder.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from analysis.reporting.export import (
    DEMO_BANNER,
    FONT_PLACEHOLDER,
    TEMPLATES_DIR,
    embed_font,
    report_css,
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report pages: templates/ as loader root, autoescape on."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(template: str, *, title: str, demo: bool = False, page_class: str = "", **context: Any) -> str:
    """Render ``templates/<template>`` into a complete offline page with the embedded font subset.

    ``title`` is the ``<title>``; ``demo=True`` shows the 示例数据 banner (top, footer, every printed
    page); ``context`` goes to the template (escaped there unless it is ``Markup``).
    """
    html = environment().get_template(template).render(
        page_title=title,
        page_css=Markup(report_css()),
        page_font_css=Markup(FONT_PLACEHOLDER),
        page_demo=bool(demo),
        page_banner=DEMO_BANNER,
        page_class=page_class,
        **context,
    )
    return embed_font(html)


__all__ = ["environment", "render_page"]
