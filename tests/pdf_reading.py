"""Reading PDFs back in tests: the text as poppler's pdftotext lays it out (installed by .ci/run); the bytes a
report builder writes in other interpreters."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def bytes_in_other_processes(module: str, call: str) -> list[bytes]:
    """What `call` (an expression over the names of test module `module` and of `reports`, giving bytes) returns
    in two fresh interpreters with different hash seeds, run from the repository root."""
    script = f"import sys; sys.path[:0] = ['tests/reports', 'tests']; from {module} import *; from reports import *; sys.stdout.buffer.write({call})"
    root = Path(__file__).resolve().parents[1]
    return [
        subprocess.run([sys.executable, "-c", script], cwd=root, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
