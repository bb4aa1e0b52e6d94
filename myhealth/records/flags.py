"""Whether a result is outside its normal range, in words people read (not by colour alone)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from myhealth.records.display import reference_bounds

# HL7 v3 ObservationInterpretation codes that say which way a result is out of range.
HIGH_CODES = {"H", "HH", "HU", ">"}
LOW_CODES = {"L", "LL", "LU", "<"}
ABNORMAL_CODES = {"A", "AA"}
FLAG_WORDS = {
    "high": (_l("High"), "red"),
    "low": (_l("Low"), "orange"),
    "abnormal": (_l("Outside the normal range"), "orange"),
}


def result_flag(content: dict) -> str | None:
    """ "high", "low" or "abnormal" when the laboratory says so (its interpretation code), or
    when the value is outside the reference range the laboratory gave; otherwise None."""
    codes = {
        str(coding.get("code") or "").upper()
        for concept in content.get("interpretation") or []
        if isinstance(concept, dict)
        for coding in concept.get("coding") or []
        if isinstance(coding, dict)
    }
    if codes & HIGH_CODES:
        return "high"
    if codes & LOW_CODES:
        return "low"
    quantity = content.get("valueQuantity")
    value = quantity.get("value") if isinstance(quantity, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = reference_bounds(content)
        if high is not None and value > high:
            return "high"
        if low is not None and value < low:
            return "low"
    if codes & ABNORMAL_CODES:
        return "abnormal"
    return None


def flag_words(flag: str | None) -> tuple[str, str]:
    """The words and NHS tag colour for a result flag, or ("", "")."""
    if flag not in FLAG_WORDS:
        return "", ""
    words, colour = FLAG_WORDS[flag]
    return str(words), colour
