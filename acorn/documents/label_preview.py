"""Previews of logistics labels a person can open: PNG (Pillow) and PDF (fpdf2), one 4x6 in label each.

Both render from the same :class:`~acorn.documents.labels.LogisticsLabel` as the ZPL, with
one layout (:func:`layout`, in printer dots at 203 dpi) so the preview shows what the printer
prints. The barcode's bars come from python-barcode's ``gs1_128`` encoder (FNC1 + AI 00 +
SSCC), drawn 4 dots per module like the ZPL's ``^BY4``; the PDF embeds that image and writes
the text as text, so it can be searched and checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from io import BytesIO

import barcode
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from acorn.documents.labels import MAX_CONTENT_LINES, LogisticsLabel

DPI = 203
WIDTH, HEIGHT = 812, 1218  # 4 x 6 in
MODULE = 4  # dots per barcode module (0.5 mm)
BAR_HEIGHT = 260
BARCODE_TOP = 820
MM_PER_DOT = 25.4 / DPI


@dataclass(frozen=True)
class Text:
    x: int
    y: int
    size: int  # cap height in dots, as ZPL's ^A0N,size
    text: str
    width: int  # the field's width; longer text is cut to fit


def layout(label: LogisticsLabel) -> tuple[list[Text], list[tuple[int, int, int, int]]]:
    """The label's text fields and rules (x, y, width, height), in dots, as the ZPL template places them."""
    texts = [Text(30, 30, 22, "SHIP FROM", 370), Text(30, 60, 26, label.ship_from.name, 370)]
    texts += [Text(30, 92 + n * 28, 24, line, 370) for n, line in enumerate(label.ship_from.lines[:4])]
    texts += [Text(430, 30, 22, "SHIP TO", 360), Text(430, 58, 70, label.ship_to.code, 360),
              Text(430, 134, 24, label.ship_to.name, 360)]
    texts += [Text(430, 162 + n * 28, 24, line, 360) for n, line in enumerate(label.ship_to.lines[:4])]
    texts += [Text(30, 310, 26, f"CARRIER: {label.carrier_scac}", 380),
              Text(430, 310, 26, f"PRO: {label.pro_number}", 370),
              Text(430, 350, 26, f"SHIPMENT: {label.shipment_identifier}", 370)]
    if label.bill_of_lading:
        texts.append(Text(30, 350, 26, f"BOL: {label.bill_of_lading}", 380))
    elif label.tracking_number:
        texts.append(Text(30, 350, 26, f"TRACKING: {label.tracking_number}", 380))
    texts += [Text(30, 415, 26, "PO NUMBER", 460), Text(30, 450, 60, ", ".join(label.po_numbers), 460),
              Text(500, 415, 26, label.kind.upper(), 300),
              Text(500, 450, 60, f"{label.position} OF {label.count}", 300)]
    if label.kind == "pallet":
        texts.append(Text(500, 512, 24, f"CARTONS: {label.cartons_on_pallet}", 300))
    top = 540
    if label.mixed:
        texts.append(Text(30, 540, 28, "MIXED", 750))
        top = 574
    shown = label.contents[:MAX_CONTENT_LINES]
    texts += [Text(30, top + n * 34, 28, label.content_text(line), 750) for n, line in enumerate(shown)]
    if len(label.contents) > MAX_CONTENT_LINES:
        texts.append(Text(30, top + len(shown) * 34, 28, f"+{len(label.contents) - len(shown)} more lines", 750))
    texts += [Text(30, 780, 26, "SSCC", 750), Text(30, 1110, 44, label.human_readable, 750)]
    rules = [(410, 20, 3, 260), (0, 290, WIDTH, 3), (0, 395, WIDTH, 3), (0, 760, WIDTH, 3)]
    return texts, rules


def barcode_image(label: LogisticsLabel, height: int = BAR_HEIGHT) -> Image.Image:
    """The GS1-128 bars of ``(00) + SSCC`` (python-barcode adds FNC1), 4 dots per module, no text.

    Built a row of bytes at a time (the bars are vertical): ``height=1`` gives the one row the
    PDF stretches to the bars' height, the same picture for a 260th of the pixels to compress.
    """
    modules = barcode.get_barcode_class("gs1_128")(label.barcode_data).build()[0]
    row = b"".join((b"\x00" if bit == "1" else b"\xff") * MODULE for bit in modules)
    return Image.frombytes("L", (len(row), height), row * height)


def render_label_png(label: LogisticsLabel) -> bytes:
    """The label as a 812 x 1218 PNG (4x6 in at 203 dpi)."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    texts, rules = layout(label)
    for x, y, w, h in rules:
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=0)
    for t in texts:
        font = _font(t.size)
        font = _font(int(_shrink(t.size, t.width, font.getlength(t.text))))
        draw.text((t.x, t.y), _fit(t.text, t.width, font.getlength), font=font, fill=0)
    bars = barcode_image(label)
    image.paste(bars, ((WIDTH - bars.width) // 2, BARCODE_TOP))
    out = BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def render_labels_pdf(labels: Sequence[LogisticsLabel]) -> bytes:
    """One 4x6 in page per label: text as text, the barcode as an embedded image.

    Text widths come from the core font's character widths (the sum fpdf's own measure makes,
    without its per-call text shaping), so shrinking and cutting a field costs a few additions.
    """
    pdf = FPDF(unit="mm", format=(WIDTH * MM_PER_DOT, HEIGHT * MM_PER_DOT))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    widths = {style: _char_widths(pdf, style) for style in ("", "B")}
    for label in labels:
        pdf.add_page()
        texts, rules = layout(label)
        for x, y, w, h in rules:
            pdf.rect(x * MM_PER_DOT, y * MM_PER_DOT, w * MM_PER_DOT, h * MM_PER_DOT, style="F")
        for t in texts:
            style, points, text = "B" if t.size >= 44 else "", t.size * MM_PER_DOT * 72 / 25.4, _latin1(t.text)
            cw = widths[style]
            points = _shrink(points, t.width * MM_PER_DOT, _pdf_width(cw, points, pdf.k, text))
            pdf.set_font("Helvetica", style, points)
            text = _fit(text, t.width * MM_PER_DOT, partial(_pdf_width, cw, points, pdf.k))
            pdf.text(t.x * MM_PER_DOT, (t.y + 0.8 * t.size) * MM_PER_DOT, text)  # y is the baseline
        bars = barcode_image(label, height=1)  # vertical bars: one row, stretched to BAR_HEIGHT below
        pdf.image(bars, x=(WIDTH - bars.width) // 2 * MM_PER_DOT, y=BARCODE_TOP * MM_PER_DOT,
                  w=bars.width * MM_PER_DOT, h=BAR_HEIGHT * MM_PER_DOT)
    return bytes(pdf.output())


def _char_widths(pdf: FPDF, style: str) -> dict[str, int]:
    """Helvetica's character widths (thousandths of the size) in ``style``, as fpdf measures them."""
    pdf.set_font("Helvetica", style, 10)
    return pdf.current_font.cw


def _pdf_width(char_widths: dict[str, int], points: float, k: float, text: str) -> float:
    """``text``'s width in the document's unit, computed as fpdf's ``get_string_width`` does for a core font."""
    return sum(char_widths[c] for c in text) * points * 0.001 / k


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's built-in scalable font (no font files to install), loaded once per size."""
    return ImageFont.load_default(size=size)


def _shrink(size: float, width: float, text_width: float) -> float:
    """A smaller size (down to 70 %) for text wider than its field, as a person would set it."""
    if text_width <= width:
        return size
    return max(size * width / text_width * 0.98, size * 0.7)


def _fit(text: str, width: float, measure: Callable[[str], float]) -> str:
    """``text``, cut with "..." to ``width`` (as a printer's ^FB field clips, but visibly)."""
    if measure(text) <= width:
        return text
    while text and measure(text + "...") > width:
        text = text[:-1]
    return text + "..."


def _latin1(text: str) -> str:
    """PDF core fonts cover Latin-1; anything else prints as "?" rather than failing the page."""
    return text.encode("latin-1", "replace").decode("latin-1")
