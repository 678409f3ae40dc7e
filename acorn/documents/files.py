"""Writing a report file so that no reader ever sees half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_text(path: Path, text: str) -> Path:
    """Write beside, then rename: a reader never sees half a report; a rerun replaces it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.chmod(temporary, 0o644)  # mkstemp makes it private; a report is for reading
    os.replace(temporary, path)
    return path
