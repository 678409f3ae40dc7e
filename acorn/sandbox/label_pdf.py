"""A carrier's shipping label as a small PDF (4 x 6 in), the only ``labelFormat`` the model allows.

Plain text, Helvetica, no images and no timestamps, so one label always gives the same bytes:
enough for a client to store, print or hash; not a scannable barcode.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

_WIDTH, _HEIGHT = 288, 432  # points: 4 x 6 inches


def _escape(text: str) -> str:
    ascii_only = text.encode("ascii", "replace").decode("ascii")
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def label_pdf(lines: Sequence[str]) -> bytes:
    """A one-page PDF showing ``lines`` top to bottom."""
    text = "".join(f"({_escape(line)}) Tj T* " for line in lines)
    stream = f"BT /F1 11 Tf 14 TL 18 {_HEIGHT - 30} Td {text}ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_WIDTH} {_HEIGHT}] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> >>").encode("ascii"),
        b"<< /Length " + str(len(stream)).encode("ascii") + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def label_base64(lines: Sequence[str]) -> str:
    """The label as the model carries it: ``LabelData.label``, base-64."""
    return base64.b64encode(label_pdf(lines)).decode("ascii")
