"""Read numbers the way Indonesian trainees write them."""

import re
from decimal import Decimal, InvalidOperation

_PREFIX = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def number_parse(raw: str) -> Decimal | None:
    """Parse `raw` as a number written in Indonesian notation, or None.

    - `2,5` is two and a half (comma is the decimal sign);
    - `1.250` and `Rp15.000` are thousands (dot groups thousands);
    - `15.000,50` uses both; `2.5` (one dot, not three digits after it) is
      read as a decimal point, as people type on English keyboards;
    - `Rp`, `IDR`, spaces and a trailing `%` are ignored; a leading `-` or
      `+` is kept.
    """
    text = _PREFIX.sub("", (raw or "").strip()).replace(" ", "").replace("\u00a0", "")
    text = text.removesuffix("%")
    sign = ""
    if text[:1] in "+-" and text:
        sign, text = text[0], text[1:]
    if not text or not re.fullmatch(r"[\d.,]+", text) or not text[0].isdigit():
        return None
    if "," in text:
        whole, _, fraction = text.rpartition(",")
        if "," in whole or not fraction.isdigit():
            return None
        if "." in whole and not _THOUSANDS.match(whole):
            return None
        text = whole.replace(".", "") + "." + fraction
    elif text.count(".") > 1 or _THOUSANDS.match(text):
        if not _THOUSANDS.match(text):
            return None
        text = text.replace(".", "")
    try:
        return Decimal(sign + text)
    except InvalidOperation:
        return None
