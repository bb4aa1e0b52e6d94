"""Check a FHIR R4 document whole, before the database is touched.

A document (a Bundle of type transaction, batch, collection or searchset, or one resource) is
checked in this order: its size in bytes, its shape before it is parsed (nesting depth and
length of numbers, so hostile JSON is refused instead of exhausting the parser), JSON syntax,
the number of entries, R4 validity of every entry (``fhir.resources.R4B``), supported
transaction requests, duplicate ids, references that cannot resolve, past events dated in
the future, and patients' NHS numbers (ten digits and the right check digit). Any problem
refuses the whole document with messages naming the entry index, resource type and element
path.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from myhealth import nhs_number
from myhealth.database import utcnow
from myhealth.errors import InvalidInput
from myhealth.records import fhir_fields

SUPPORTED_BUNDLES = {"transaction", "batch", "collection", "searchset"}
FUTURE_TOLERANCE = timedelta(days=1)
MAX_PROBLEMS = 25
# Real records nest about 15 levels deep (a Bundle entry's claim item's coding); a few dozen
# levels of questionnaire items still fit. Deeper documents are refused before parsing: the
# parser and the FHIR models recurse once per level.
MAX_DEPTH = 64
# FHIR decimals carry at most 18 significant digits; anything much longer is not a measurement.
MAX_NUMBER_CHARS = 32

_ID_NAMESPACE = uuid.UUID("6f1d8c52-6a0e-4c5e-9a49-3c1f0f1e2a77")
_RELATIVE_REF = re.compile(r"^(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/.*)?$")
_OPEN_CLOSE = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# Characters a JSON number is written with become "0", everything else a space.
_NUMBER_CHARS = bytes(ord("0") if b in b"-+0123456789.eE" else ord(" ") for b in range(256))
_LONG_NUMBER = b"0" * (MAX_NUMBER_CHARS + 1)


@dataclass(frozen=True)
class Problem:
    entry: int | None  # None for the document itself
    resource_type: str
    path: str
    message: str

    def __str__(self) -> str:
        where = "document" if self.entry is None else f"entry {self.entry}"
        kind = f" ({self.resource_type})" if self.resource_type else ""
        at = f" at {self.path}" if self.path else ""
        return f"{where}{kind}{at}: {self.message}"


class ImportRefused(InvalidInput):
    """The document was refused whole; nothing of it was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems[:MAX_PROBLEMS]
        more = len(problems) - len(self.problems)
        text = "; ".join(str(p) for p in self.problems) + (f"; and {more} more" if more else "")
        super().__init__(text)


def refuse(message: str) -> ImportRefused:
    """A refusal of the document as a whole."""
    return ImportRefused([Problem(None, "", "", message)])


@dataclass
class Entry:
    index: int
    full_url: str | None
    resource: dict
    resource_type: str
    fhir_id: str = ""


@dataclass
class Document:
    """A checked document: its entries with ids assigned and in-document references resolved."""

    entries: list[Entry]
    source_system: str  # the system its ids belong to (meta.source), "" when it does not say
    skipped: Counter = field(default_factory=Counter)  # e.g. OperationOutcome in a searchset


def _outside_strings(raw: bytes) -> bytes:
    """The JSON text without the contents of its strings. Escaped backslashes and quotes go
    first, so every quote left opens or closes a string."""
    plain = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(plain.split(b'"')[0::2])


def _shape_problem(raw: bytes) -> str | None:
    """What makes the raw JSON too deep or its numbers too long, checked without parsing it
    (and in C-speed passes over the bytes: a fraction of the time parsing takes)."""
    bare = _outside_strings(raw)  # brackets and digits inside strings do not count
    if _LONG_NUMBER in bare.translate(_NUMBER_CHARS):
        return f"it contains a number longer than {MAX_NUMBER_CHARS} characters"
    # Each pass removes the innermost pairs of brackets, so MAX_DEPTH passes empty any
    # document nested no deeper than that. Unbalanced brackets are left to the parser to name.
    nesting = bare.translate(_OPEN_CLOSE, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH):
        shorter = nesting.replace(b"()", b"")
        if len(shorter) == len(nesting):
            return None
        nesting = shorter
    return f"it is nested more than {MAX_DEPTH} levels deep" if nesting else None


def _no_constants(name: str):
    raise ValueError(f"{name} is not a JSON number")


def parse_document(raw: bytes | str | dict, *, max_bytes: int) -> dict:
    """The document as a JSON object, or ImportRefused: too large, too deep, or not JSON."""
    if isinstance(raw, dict):
        return raw
    data = raw.encode() if isinstance(raw, str) else raw
    if len(data) > max_bytes:
        size, limit = len(data) / 1_000_000, max_bytes / 1_000_000
        raise refuse(f"the file is {size:.1f} MB; the limit is {limit:.0f} MB")
    shape = _shape_problem(data)
    if shape:
        raise refuse(f"the file was not read: {shape}")
    try:
        parsed = json.loads(data, parse_constant=_no_constants)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise refuse(f"not valid JSON{where}: {exc}") from exc
    except (ValueError, RecursionError) as exc:
        raise refuse(f"not valid JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise refuse("a FHIR document must be a JSON object")
    return parsed


def _request_problem(index: int, rtype: str, request: dict) -> Problem | None:
    method = request.get("method")
    url = request.get("url", "")
    conditional = (
        any(request.get(k) for k in ("ifNoneExist", "ifMatch", "ifNoneMatch", "ifModifiedSince"))
        or "?" in url
    )
    if method not in {"POST", "PUT"}:
        return Problem(
            index,
            rtype,
            "request.method",
            f"{method} requests are not supported by the importer; "
            "only POST and PUT of whole resources are",
        )
    if conditional:
        return Problem(
            index, rtype, "request", "conditional requests are not supported by the importer"
        )
    return None


def _entries(doc: dict, problems: list[Problem], skipped: Counter, max_entries: int) -> list[Entry]:
    resource_type = doc.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type:
        problems.append(Problem(None, "", "resourceType", "missing resourceType"))
        return []
    if resource_type != "Bundle":
        return [Entry(0, None, doc, resource_type)]
    kind = doc.get("type")
    if kind not in SUPPORTED_BUNDLES:
        problems.append(
            Problem(
                None,
                "Bundle",
                "type",
                f"bundles of type {kind!r} are not imported; use one of "
                f"{', '.join(sorted(SUPPORTED_BUNDLES))}",
            )
        )
        return []
    raw_entries = doc.get("entry") or []
    if not isinstance(raw_entries, list):
        problems.append(Problem(None, "Bundle", "entry", "entry must be a list"))
        return []
    if len(raw_entries) > max_entries:
        problems.append(
            Problem(
                None,
                "Bundle",
                "entry",
                f"the file has {len(raw_entries):,} entries; the limit is {max_entries:,} "
                "per file: split it into smaller files",
            )
        )
        return []
    entries: list[Entry] = []
    for index, entry in enumerate(raw_entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        request = (entry.get("request") if isinstance(entry, dict) else None) or {}
        if not isinstance(request, dict):
            problems.append(Problem(index, "", "request", "request must be a JSON object"))
            continue
        if not isinstance(resource, dict):
            method = request.get("method", "")
            message = (
                f"{method} requests are not supported by the importer"
                if method
                else "entry has no resource"
            )
            problems.append(Problem(index, "", "resource", message))
            continue
        rtype = resource.get("resourceType", "")
        if kind == "searchset" and (entry.get("search") or {}).get("mode") == "outcome":
            skipped[rtype] += 1
            continue
        if kind in {"transaction", "batch"}:
            problem = _request_problem(index, rtype, request)
            if problem is not None:
                problems.append(problem)
                continue
            if request.get("method") == "PUT":
                url = request.get("url", "")
                match = _RELATIVE_REF.match(url)
                if not match or match.group(1) != rtype:
                    problems.append(
                        Problem(
                            index, rtype, "request.url", f"PUT url {url!r} must be {rtype}/[id]"
                        )
                    )
                    continue
                resource = {**resource, "id": resource.get("id") or match.group(2)}
        entries.append(Entry(index, entry.get("fullUrl"), resource, rtype))
    return entries


def _validate(entry: Entry, problems: list[Problem]) -> None:
    if not entry.resource_type:
        problems.append(Problem(entry.index, "", "resourceType", "missing resourceType"))
        return
    try:
        model = get_fhir_model_class(entry.resource_type)
    except (KeyError, ValueError):
        problems.append(
            Problem(entry.index, entry.resource_type, "resourceType", "not a FHIR R4 resource type")
        )
        return
    try:
        model.model_validate(entry.resource)
    except ValidationError as exc:
        for error in exc.errors()[:5]:
            path = ".".join(str(p) for p in error["loc"])
            problems.append(Problem(entry.index, entry.resource_type, path, error["msg"]))


def _assign_id(entry: Entry) -> None:
    given = entry.resource.get("id")
    if isinstance(given, str) and given:
        entry.fhir_id = given
    elif entry.full_url and entry.full_url.startswith("urn:uuid:"):
        entry.fhir_id = entry.full_url.removeprefix("urn:uuid:")
    else:
        # No id anywhere: derive one from the content, so re-importing never duplicates.
        canonical = json.dumps(entry.resource, sort_keys=True, separators=(",", ":"))
        entry.fhir_id = str(uuid.uuid5(_ID_NAMESPACE, canonical))
    entry.resource = {**entry.resource, "id": entry.fhir_id}


def _rewrite_references(node, path: str, targets: dict[str, str], entry: Entry, problems):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            child = f"{path}.{key}" if path else key
            if key == "reference" and isinstance(value, str):
                if value.startswith(("urn:uuid:", "urn:oid:")) and value not in targets:
                    problems.append(
                        Problem(
                            entry.index,
                            entry.resource_type,
                            child,
                            f"reference {value} does not match any entry in the bundle",
                        )
                    )
                out[key] = targets.get(value, value)
            else:
                out[key] = _rewrite_references(value, child, targets, entry, problems)
        return out
    if isinstance(node, list):
        return [
            _rewrite_references(v, f"{path}[{i}]", targets, entry, problems)
            for i, v in enumerate(node)
        ]
    return node


def _check_dates(entry: Entry, now: datetime, problems: list[Problem]) -> None:
    for path in fhir_fields.PAST_EVENT_FIELDS.get(entry.resource_type, ()):
        value = fhir_fields.get_path(entry.resource, path)
        when = fhir_fields.parse_fhir_datetime(value) if isinstance(value, str) else None
        if when is not None and when > now + FUTURE_TOLERANCE:
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    path,
                    f"{value} is in the future; a past event cannot be",
                )
            )


def _check_nhs_numbers(entry: Entry, problems: list[Problem]) -> None:
    """A patient's NHS number is how their record is found: a mistyped one is refused, not
    imported as a different person or as nobody's."""
    if entry.resource_type != "Patient":
        return
    for index, ident in enumerate(entry.resource.get("identifier") or []):
        value = ident.get("value")
        if ident.get("system") != nhs_number.FHIR_SYSTEM or not value:
            continue
        try:
            nhs_number.normalise(value)
        except nhs_number.InvalidNHSNumber as error:
            problems.append(
                Problem(entry.index, "Patient", f"identifier[{index}].value", str(error))
            )


def _source_system(doc: dict) -> str:
    source = (doc.get("meta") or {}).get("source") if isinstance(doc.get("meta"), dict) else None
    return source[:300] if isinstance(source, str) else ""


def check_document(doc: dict, *, max_entries: int) -> Document:
    """Everything that can be checked without the database. Raises ImportRefused."""
    problems: list[Problem] = []
    skipped: Counter = Counter()
    entries = _entries(doc, problems, skipped, max_entries)
    for entry in entries:
        _validate(entry, problems)
    if problems:
        raise ImportRefused(problems)
    targets: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    for entry in entries:
        _assign_id(entry)
        key = (entry.resource_type, entry.fhir_id)
        if key in seen:
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    "id",
                    f"duplicate id {entry.fhir_id!r}: entry {seen[key]} has the same "
                    f"{entry.resource_type}",
                )
            )
        seen[key] = entry.index
        local = f"{entry.resource_type}/{entry.fhir_id}"
        if entry.full_url:
            if entry.full_url in targets and targets[entry.full_url] != local:
                problems.append(
                    Problem(
                        entry.index,
                        entry.resource_type,
                        "fullUrl",
                        f"duplicate fullUrl {entry.full_url}",
                    )
                )
            targets[entry.full_url] = local
    now = utcnow()
    for entry in entries:
        entry.resource = _rewrite_references(entry.resource, "", targets, entry, problems)
        _check_dates(entry, now, problems)
        _check_nhs_numbers(entry, problems)
    if problems:
        raise ImportRefused(problems)
    return Document(entries, _source_system(doc), skipped)
