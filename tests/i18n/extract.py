"""The messages Babel extracts from the project, as `make translations-extract` does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "myhealth" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"


def extracted_ids(pot: Path) -> set[str]:
    """The id (the singular, for plurals) of every message the code and templates hold."""
    keywords = [arg for keyword in ("_l", "lazy_gettext", "N_") for arg in ("-k", keyword)]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            *keywords,
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
