"""Cleaning text before it is stored or sent: one rule for the API, forms, admin and imports."""

from __future__ import annotations

import re

from django.db import models

# What no page, feed or CSV should carry: C0 controls other than tab, line feed and carriage
# return; DEL and the C1 controls; lone surrogates (which cannot be encoded as UTF-8); and the
# noncharacters (U+FDD0–U+FDEF and the last two code points of every plane). XML 1.0 forbids
# most of them, so one of them in a note is enough to make every Atom feed that lists it fail.
_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)

# The apps whose rows hold text typed by people or read from files.
CLEANED_APPS = {"plans", "commitments", "reports"}


def clean_text(value: str) -> str:
    """``value`` without control characters (except tab and newlines) and noncharacters."""
    return FORBIDDEN_CHARACTERS.sub("", value)


def has_forbidden_characters(value: str) -> bool:
    """True when ``clean_text`` would change ``value``."""
    return FORBIDDEN_CHARACTERS.search(value) is not None


def clean_instance(instance: models.Model) -> None:
    """Clean every text field of ``instance`` in place (for writes that bypass ``save()``)."""
    from ogptracker.languages import translatable_fields

    # A translated field's plain name reads and writes the active language's column: its
    # per-language columns (``title_es``, ``title_en``) are cleaned instead.
    translated = set(translatable_fields(type(instance)))
    for field in instance._meta.concrete_fields:
        if field.name in translated:
            continue
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and has_forbidden_characters(value):
                setattr(instance, field.attname, clean_text(value))


def clean_before_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save receiver: every row of the project's apps is stored clean."""
    if sender._meta.app_label in CLEANED_APPS:
        clean_instance(instance)
