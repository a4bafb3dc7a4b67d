"""Reading numeric keys from addresses and query strings, for pages and the API alike."""

from __future__ import annotations

# The largest value a PostgreSQL bigint (and SQLite's integer) holds. A key beyond it cannot
# exist, and passing it to the database fails on SQLite ("Python int too large").
MAX_PK = 2**63 - 1


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 only (``str.isdigit`` also accepts “²” and “①”)."""
    return text.isascii() and text.isdigit()


def parse_pk(text: str) -> int | None:
    """The primary key ``text`` spells, or None when it cannot name a row (not digits, 0, huge)."""
    if not is_ascii_digits(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_PK else None
