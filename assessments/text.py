"""What text the database can keep."""


def text_storable(text: str) -> bool:
    """Whether `text` can be stored in a text or JSON column on SQLite and
    PostgreSQL: no NUL character (PostgreSQL refuses it in text and jsonb)
    and valid Unicode (no lone surrogates, which cannot be UTF-8 encoded)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_printable(text: str) -> str:
    """`text` made safe to show in a message: NUL and lone surrogates become
    U+FFFD."""
    if text_storable(text):
        return text
    return "".join(
        "\ufffd" if char == "\x00" or "\ud800" <= char <= "\udfff" else char
        for char in text
    )
