"""NHS numbers: the one place that reads, checks and shows them.

An NHS number is ten digits, the last a check digit (modulus 11, checked by the ``nhs-number``
package). People write them with spaces or dashes ("485 777 3456", "485-777-3456"), so any
spacing or punctuation between the digits is ignored; letters and other characters are not.
Everything that takes an NHS number from outside (the sign-up form, the FHIR importer, the
CLI, the clinician's search) calls ``normalise`` and stores or looks up what it returns.
"""

from __future__ import annotations

import enum
import unicodedata

import nhs_number as _package

# The FHIR identifier system NHS numbers are given under.
FHIR_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
LENGTH = 10
_DIGITS = frozenset("0123456789")


class Problem(enum.Enum):
    """Why a value is not an NHS number; forms turn each into their own translated message."""

    MISSING = "no NHS number was given"
    NOT_DIGITS = "it has letters or symbols in it; an NHS number is 10 digits"
    LENGTH = "it has {digits} digits; an NHS number has 10"
    CHECK_DIGIT = "the check digit is wrong; check it has been typed correctly"
    NOT_ISSUED = "it is in the range of Scottish CHI numbers but does not begin with a date"


class InvalidNHSNumber(ValueError):
    """The value is not a valid NHS number; ``problem`` says why."""

    def __init__(self, value: object, problem: Problem):
        self.value = value
        self.problem = problem
        shown = str(value).strip() if value is not None else ""
        if problem is Problem.MISSING:
            message = "No NHS number was given"
        else:
            digits = sum(ch in _DIGITS for ch in shown)
            reason = problem.value.format(digits=digits)
            message = f"{shown[:40]!r} is not a valid NHS number: {reason}"
        super().__init__(message)

    @property
    def mistyped(self) -> bool:
        """Ten digits that fail the NHS number's check: meant as one, but wrong."""
        return self.problem in (Problem.CHECK_DIGIT, Problem.NOT_ISSUED)


def _separator(ch: str) -> bool:
    # Spaces of every kind (Z*) and punctuation (P*: hyphens, dashes, dots, slashes).
    return unicodedata.category(ch)[0] in "ZP" or ch.isspace()


def _ten_digits(value: object) -> str:
    """The value's ten ASCII digits, separators dropped; the check digit is not checked."""
    text = "" if value is None else str(value)
    if len(text) == LENGTH and text.isascii() and text.isdigit():
        return text  # as stored: the usual case, and the one pages show
    digits = []
    for ch in text:
        if ch in _DIGITS:
            digits.append(ch)
        elif not _separator(ch):
            raise InvalidNHSNumber(value, Problem.NOT_DIGITS)
    number = "".join(digits)
    if not number:
        raise InvalidNHSNumber(value, Problem.MISSING)
    if len(number) != LENGTH:
        raise InvalidNHSNumber(value, Problem.LENGTH)
    return number


def normalise(value: object) -> str:
    """The NHS number's ten digits ("4857773456"), or InvalidNHSNumber saying what is wrong.

    Only ASCII digits count: other scripts' digits, letters and symbols are refused, not
    dropped, so what is stored is exactly what was meant.
    """
    number = _ten_digits(value)
    if _package.calculate_checksum(number[:-1]) != int(number[-1]):
        raise InvalidNHSNumber(value, Problem.CHECK_DIGIT)
    if not _package.is_valid(number):  # the package's other rules, as the form always had
        raise InvalidNHSNumber(value, Problem.NOT_ISSUED)
    return number


def is_valid(value: object) -> bool:
    """Whether ``normalise`` accepts the value."""
    try:
        normalise(value)
    except InvalidNHSNumber:
        return False
    return True


def formatted(value: object) -> str:
    """The number as people read it, in groups of 3, 3 and 4: "485 777 3456".

    Raises InvalidNHSNumber for a value that is not ten digits. The check digit is not
    checked again: a number is shown as it was recorded.
    """
    number = _ten_digits(value)
    return f"{number[:3]} {number[3:6]} {number[6:]}"
