"""Drop Babel's "python-format" flag from messages that hold no placeholder.

Babel flags any message with a "%" followed by something that looks like a conversion as a
Python format string: "92% or less" reads as "% o". The clinical text has such percentages
and is never %-formatted unless it has named placeholders ("%(total)s"), so the flag, and the
compiler's placeholder check that comes with it, is wrong for them.

    python tools/tidy_catalogue.py FILE.pot FILE.po ...
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def tidy(path: str) -> int:
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    changed = 0
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if "python-format" in message.flags and not any("%(" in (i or "") for i in ids):
            message.flags.discard("python-format")
            changed += 1
    with open(path, "wb") as fh:
        write_po(fh, catalog)
    return changed


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {tidy(name)} messages are not format strings")
