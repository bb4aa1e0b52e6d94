"""Build the static files the app serves: content-hashed names, precompressed copies, a manifest.

    python tools/build_assets.py [--nhsuk DIR] [--static DIR] [--out DIR]

Reads NHS.UK frontend's built CSS, JS, images and web app manifest from its npm package
(--nhsuk) and the project's own files (--static), and writes to --out (build/assets):

    files/<name>.<hash>.<ext>   every file, named by a hash of its content, served for a year
    files/<...>.gz, <...>.br    gzip and brotli copies of the text files (whitenoise picks one)
    manifest.json               {"files": {logical name: hashed name}, "fonts": [font URLs]}

A file's logical name is its path among the sources: "nhsuk-frontend.min.css",
"images/favicon.svg", "css/myhealth.css". A source names another file by its served path
("/assets/nhsuk-frontend.min.js") or relative to itself; the build rewrites each such
reference (url() in stylesheets, import specifiers in scripts, icon "src" in web app
manifests) to the hashed name, relative to the file, so a file's hash covers what it uses.
A reference to a file that is not there stops the build. The same inputs always give the
same bytes. "fonts" lists the woff2 files the NHS.UK stylesheet's @font-face rules load, for
the pages to preload.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import posixpath
import re
import shutil
import sys
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
NHSUK = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
# What the Makefile has always taken from the package: the compiled CSS and JS, and assets/
# (images and the web app manifest). The package's source maps and ES module sources stay out.
NHSUK_FILES = ("nhsuk-frontend.min.css", "nhsuk-frontend.min.js")
NHSUK_ASSETS = "assets"
SOURCE_PREFIX = "/assets/"  # how a source file names another one by its served path

COMPRESSIBLE = {".css", ".js", ".mjs", ".json", ".webmanifest", ".svg", ".ico", ".txt", ".map"}
WORTH_IT = 0.95  # keep a compressed copy only when it saves at least 5%
HASH_LENGTH = 12

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
JS_SPECIFIER = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"]+)\2""")
FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}")
WOFF2 = re.compile(r"""url\(\s*['"]?(https://[^'")\s]+\.woff2)['"]?\s*\)""")


class BuildError(Exception):
    """The sources are incomplete or inconsistent; nothing is written."""


def sources(nhsuk: Path, static: Path) -> dict[str, Path]:
    """Every input file by logical name."""
    found: dict[str, Path] = {}

    def add(name: str, path: Path) -> None:
        if name in found:
            raise BuildError(f"two files are both {name!r}: {found[name]} and {path}")
        found[name] = path

    if not (nhsuk / NHSUK_FILES[0]).is_file():
        raise BuildError(f"NHS.UK frontend is not installed at {nhsuk}: run `npm ci` first")
    for name in NHSUK_FILES:
        add(name, nhsuk / name)
    for path in sorted((nhsuk / NHSUK_ASSETS).rglob("*")):
        if path.is_file():
            add(path.relative_to(nhsuk / NHSUK_ASSETS).as_posix(), path)
    for path in sorted(static.rglob("*")):
        relative = path.relative_to(static).as_posix()
        # static/assets/ is where older checkouts copied the package: not a source.
        if path.is_file() and not relative.startswith("assets/"):
            add(relative, path)
    return found


def hashed_name(name: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, base = posixpath.split(name)
    stem, dot, ext = base.rpartition(".")
    base = f"{stem}.{digest}.{ext}" if dot and stem else f"{base}.{digest}"
    return posixpath.join(folder, base)


def is_local(reference: str) -> bool:
    return not (
        re.match(r"^[a-z][a-z0-9+.-]*:", reference, re.I)  # https:, data:
        or reference.startswith(("#", "//"))
    )


def logical_target(reference: str, referrer: str) -> str:
    """The logical name a local reference in `referrer` points to."""
    path = reference.split("#", 1)[0].split("?", 1)[0]
    if path.startswith(SOURCE_PREFIX):
        return path[len(SOURCE_PREFIX) :]
    if path.startswith("/"):
        raise BuildError(f"{referrer}: {reference!r} is outside {SOURCE_PREFIX}")
    return posixpath.normpath(posixpath.join(posixpath.dirname(referrer), path))


class Build:
    def __init__(self, files: dict[str, Path]):
        self.files = files
        self.contents: dict[str, bytes] = {}
        self.names: dict[str, str] = {}
        self._visiting: list[str] = []

    def resolve(self, name: str) -> str:
        """The hashed name of `name`, building what it refers to first."""
        if name in self.names:
            return self.names[name]
        if name not in self.files:
            raise BuildError(f"no such file: {name!r}")
        if name in self._visiting:
            raise BuildError("files refer to each other in a circle: " + " > ".join(self._visiting))
        self._visiting.append(name)
        content = self.rewrite(name, self.files[name].read_bytes())
        self._visiting.pop()
        self.contents[name] = content
        self.names[name] = hashed_name(name, content)
        return self.names[name]

    def reference(self, reference: str, referrer: str, *, module: bool = False) -> str:
        if not is_local(reference):
            return reference
        target = logical_target(reference, referrer)
        if target not in self.files:
            raise BuildError(f"{referrer} refers to {reference!r}, which is not a source file")
        rest = reference[len(reference.split("#", 1)[0].split("?", 1)[0]) :]
        relative = posixpath.relpath(self.resolve(target), posixpath.dirname(referrer) or ".")
        if module and not relative.startswith("../"):
            relative = "./" + relative  # a bare specifier would name a package
        return relative + rest

    def rewrite(self, name: str, content: bytes) -> bytes:
        suffix = posixpath.splitext(name)[1]
        if suffix == ".css":
            text = CSS_URL.sub(
                lambda m: f"url({m[1]}{self.reference(m[2], name)}{m[1]})", content.decode()
            )
            return text.encode()
        if suffix in (".js", ".mjs"):
            text = JS_SPECIFIER.sub(
                lambda m: f"{m[1]}{m[2]}{self.reference(m[3], name, module=True)}{m[2]}",
                content.decode(),
            )
            return text.encode()
        if suffix == ".webmanifest" or posixpath.basename(name) == "manifest.json":
            manifest = json.loads(content)
            for key in ("icons", "screenshots"):
                for image in manifest.get(key, []):
                    image["src"] = self.reference(image["src"], name)
            return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
        return content


def preload_fonts(stylesheet: bytes) -> list[str]:
    """The woff2 files the stylesheet's @font-face rules load, in the order they appear."""
    fonts: list[str] = []
    for rule in FONT_FACE.findall(stylesheet.decode()):
        for url in WOFF2.findall(rule):
            if url not in fonts:
                fonts.append(url)
    return fonts


def compressed_copies(content: bytes) -> dict[str, bytes]:
    copies = {
        ".gz": gzip.compress(content, compresslevel=9, mtime=0),
        ".br": brotli.compress(content, quality=11),
    }
    return {ext: data for ext, data in copies.items() if len(data) < len(content) * WORTH_IT}


def build(nhsuk: Path, static: Path, out: Path) -> dict:
    files = sources(nhsuk, static)
    work = Build(files)
    for name in files:
        work.resolve(name)
    manifest = {
        "files": dict(sorted(work.names.items())),
        "fonts": preload_fonts(files[NHSUK_FILES[0]].read_bytes()),
    }

    # Written beside the old build, then swapped in, so nobody sees half of one.
    staging = out.with_name(f".{out.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    for name, hashed in work.names.items():
        target = staging / "files" / hashed
        target.parent.mkdir(parents=True, exist_ok=True)
        content = work.contents[name]
        target.write_bytes(content)
        if posixpath.splitext(name)[1] in COMPRESSIBLE:
            for ext, data in compressed_copies(content).items():
                target.with_name(target.name + ext).write_bytes(data)
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nhsuk", type=Path, default=NHSUK, help="NHS.UK frontend's dist/nhsuk")
    parser.add_argument("--static", type=Path, default=ROOT / "static", help="our own files")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "assets")
    args = parser.parse_args(argv)
    try:
        manifest = build(args.nhsuk, args.static, args.out)
    except (BuildError, OSError, ValueError) as exc:
        print(f"build_assets: {exc}", file=sys.stderr)
        return 1
    print(f"build_assets: {len(manifest['files'])} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
