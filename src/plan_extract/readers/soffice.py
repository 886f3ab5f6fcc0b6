"""LibreOffice headless as a converter (old binary ``.doc``, OpenDocument ``.odt`` and
``.rtf`` to ``.docx`` for the Word reader). Each call runs with its own profile folder,
so parallel workers do not fight over LibreOffice's lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Damaged, Timeout, Unsupported

_NAMES = {"doc": "old binary .doc", "odt": "OpenDocument text (.odt)", "rtf": "rich text (.rtf)"}


def soffice_binary() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_with_soffice(
    path: str | Path, data: bytes, target: str = "docx", timeout: float = 180.0, source_format: str = "doc"
) -> bytes:
    """Convert a file with LibreOffice headless (own profile dir, so runs do not clash)."""
    binary = soffice_binary()
    if binary is None:
        raise Unsupported(
            f"{_NAMES.get(source_format, source_format)} needs LibreOffice to convert: install it "
            "(apt-get install libreoffice-writer-nogui) or save the file as .docx"
        )
    with tempfile.TemporaryDirectory(prefix="plan-extract-soffice-") as tmp:
        src = Path(tmp) / ("input." + source_format)
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(Path(tmp) / "out"),
            str(src),
        ]
        try:
            subprocess.run(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired:
            raise Timeout(f"LibreOffice conversion to .{target} timed out after {timeout:.0f}s") from None
        out = Path(tmp) / "out" / (src.stem + "." + target)
        if not out.exists():
            raise Damaged(f"LibreOffice could not convert the file to .{target} (damaged or unsupported)")
        return out.read_bytes()
