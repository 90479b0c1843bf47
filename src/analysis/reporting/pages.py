"""Report pages built outside nbconvert (reports/index.html, comparison.html, the per-school pages).

Each page is a Jinja2 template under ``templates/pages/`` that extends the page skeleton shared with
the nbconvert template (``templates/shared/layout.html.j2``: head, 示例数据 banner, footer), rendered
by one ``Environment`` with ``autoescape=True``: every value that reaches a page is escaped unless it
is :class:`markupsafe.Markup`, which only the package's own escaped HTML pieces are (``html_table``,
``html_figure``). Then the embedded font subset of the page's characters replaces the placeholder.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from analysis.files import atomic_write
from analysis.reporting.page_assets import (
    DEMO_BANNER,
    FONT_PLACEHOLDER,
    TEMPLATES_DIR,
    embed_font,
    font_subset_css,
    page_characters,
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


def _render(template: str, title: str, demo: bool, page_class: str, context: dict[str, Any],
            css: str | None = None) -> str:
    return environment().get_template(template).render(
        page_title=title,
        page_css=Markup(report_css() if css is None else css),
        page_font_css=Markup(FONT_PLACEHOLDER),
        page_demo=bool(demo),
        page_banner=DEMO_BANNER,
        page_class=page_class,
        **context,
    )


def render_page(template: str, *, title: str, demo: bool = False, page_class: str = "", **context: Any) -> str:
    """Render ``templates/<template>`` into a complete offline page with the embedded font subset.

    ``title`` is the ``<title>``; ``demo=True`` shows the 示例数据 banner (top, footer, every printed
    page); ``context`` goes to the template (escaped there unless it is ``Markup``).
    """
    return embed_font(_render(template, title, demo, page_class, context))


def render_pages(pages: list[tuple[str, dict[str, Any]]], *, demo: bool = False, page_class: str = "") -> list[str]:
    """Render a set of pages, each ``(template, context)`` with ``title`` in the context, each
    complete and offline, embedding ONE font subset: the characters of all of them.

    Subsetting the font costs about half a second; a set of pages (one per school) shares the
    work, each page carrying the same ``@font-face`` (a few glyphs more than it needs).
    """
    html = [_render(template, ctx["title"], demo, page_class, {k: v for k, v in ctx.items() if k != "title"})
            for template, ctx in pages]
    face = font_subset_css(page_characters("".join(html)))
    return [h.replace(FONT_PLACEHOLDER, face, 1) for h in html]


def write_pages(pages: list[tuple[Path, str, dict[str, Any]]], *, demo: bool = False,
                page_class: str = "", stylesheet: Path | None = None) -> list[Path]:
    """Render ``(path, template, context)`` pages with one font subset (:func:`render_pages`) and
    write each whole or not at all; returns the paths.

    ``stylesheet``: a set of many pages (one per school) links ONE stylesheet file at that path,
    written first, holding the font subset of all the pages and report.css, instead of embedding
    them in every page (about 110 KB a page, 66 MB for 600 schools). The pages stay offline (a
    relative link to a file beside them); a page copied away without that file falls back to the
    reader's own fonts. The file is the first path returned.
    """
    if stylesheet is None:
        html = render_pages([(template, ctx) for _, template, ctx in pages], demo=demo, page_class=page_class)
        return [atomic_write(path, page) for (path, _, _), page in zip(pages, html)]
    stylesheet = Path(stylesheet)
    html = []
    for path, template, ctx in pages:
        href = Path(os.path.relpath(stylesheet, Path(path).parent)).as_posix()
        page = _render(template, ctx["title"], demo, page_class,
                       {k: v for k, v in ctx.items() if k != "title"}, css="")
        html.append(page.replace(FONT_PLACEHOLDER, f'@import url("{href}");', 1))
    css = font_subset_css(page_characters("".join(html))) + "\n" + report_css()
    written = [atomic_write(stylesheet, css)]
    return written + [atomic_write(path, page) for (path, _, _), page in zip(pages, html)]


__all__ = ["environment", "render_page", "render_pages", "write_pages"]
