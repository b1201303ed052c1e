"""Reading PDFs back in tests: the text as poppler's pdftotext lays it out (installed by .ci/run)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def pdf_text(pdf: bytes | Path, tmp_path: Path | None = None, page: int | None = None) -> str:
    """The text of a PDF file, or of PDF bytes (written to tmp_path first); one page if `page` is given."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not found: install Debian's poppler-utils (.ci/run does)")
    if isinstance(pdf, bytes):
        assert tmp_path is not None, "PDF bytes need a folder to be written to"
        path = tmp_path / "document.pdf"
        path.write_bytes(pdf)
    else:
        path = pdf
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], check=True, capture_output=True, text=True).stdout
