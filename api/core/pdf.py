"""Readable PDF documents (case files, access exports) with ReportLab: a title, an index with page numbers,
and sections of headings, paragraphs and label/value lists. Text is escaped here, so callers pass plain text.

ReportLab is pure Python (wheels on PyPI, no system libraries), and it ships the Bitstream Vera fonts, which
cover Danish letters and the punctuation people type; so a PDF looks the same on every deployment."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

_FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FONT, FONT_BOLD = "TrivselSans", "TrivselSans-Bold"


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONT_DIR / "VeraBd.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@dataclass
class Section:
    """A numbered part of a document: its heading and its blocks."""

    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def heading(self, text: str) -> Section:
        """A sub-heading."""
        self.blocks.append(("h", text))
        return self

    def text(self, text: str | None, *, empty: str = "—") -> Section:
        """A paragraph (line breaks kept)."""
        self.blocks.append(("p", text if text and text.strip() else empty))
        return self

    def facts(self, rows: Iterable[tuple[str, Any]]) -> Section:
        """Label/value rows."""
        self.blocks.append(("kv", [(k, "—" if v is None or v == "" else str(v)) for k, v in rows]))
        return self


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=10, leading=13.5)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=FONT_BOLD, fontSize=17, leading=21),
        "meta": ParagraphStyle("meta", parent=body, textColor=colors.HexColor("#333333")),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=FONT_BOLD, fontSize=14, leading=18),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=FONT_BOLD, fontSize=11.5, leading=15),
        "body": body,
        "toc": ParagraphStyle("toc", parent=body, fontSize=10.5, leftIndent=0, leading=16),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _Doc(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, *, title: str, footer: str) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=2 * cm,
            bottomMargin=2 * cm,
            title=title,
            author="Trivsel",
        )
        self._footer = footer
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._on_page)])

    def _on_page(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(2 * cm, 1.2 * cm, self._footer)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Side {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable: Any) -> None:
        # Section headings feed the index with their page numbers (multiBuild runs until they settle).
        if getattr(flowable, "toc_entry", None):
            self.notify("TOCEntry", (0, flowable.toc_entry, self.page))


def render(
    *,
    title: str,
    meta: Iterable[str],
    sections: list[Section],
    footer: str = "Fortroligt – indeholder personoplysninger om børn",
    index_title: str | None = "Indhold",
) -> bytes:
    """The document as PDF bytes: a title page part with an index (when index_title), then each section on its
    own page, numbered."""
    _register_fonts()
    s = _styles()
    buffer = io.BytesIO()
    doc = _Doc(buffer, title=title, footer=footer)
    story: list[Any] = [_para(title, s["title"])]
    story += [_para(line, s["meta"]) for line in meta]
    story.append(Spacer(1, 0.5 * cm))
    if index_title:
        toc = TableOfContents()
        toc.levelStyles = [s["toc"]]
        toc.dotsMinLevel = 0
        story += [_para(index_title, s["h1"]), toc]
    for number, section in enumerate(sections, 1):
        if index_title or number > 1:
            story.append(PageBreak())
        heading = _para(f"{number}. {section.title}" if index_title else section.title, s["h1"])
        heading.toc_entry = f"{number}. {section.title}"  # type: ignore[attr-defined]
        story.append(heading)
        for kind, value in section.blocks:
            if kind == "h":
                story.append(_para(value, s["h2"]))
            elif kind == "p":
                story.append(_para(value, s["body"]))
            elif kind == "kv":
                rows = [[_para(k, s["body"]), _para(v, s["body"])] for k, v in value]
                if rows:
                    table = Table(rows, colWidths=[5 * cm, doc.width - 5 * cm])
                    table.setStyle(
                        TableStyle(
                            [
                                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                            ]
                        )
                    )
                    story.append(table)
            story.append(Spacer(1, 0.15 * cm))
    doc.multiBuild(story)
    return buffer.getvalue()
