"""Template helpers for the portal's identity: legal pages' addresses and simple formatted texts."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def legal_url(page: str) -> str:
    """The address of the privacy (``"privacy"``) or accessibility page in the active language."""
    from portal.views import legal_url as url

    return url(page)


@register.filter
def sections(text: str):
    """Paragraphs separated by blank lines; a paragraph starting with "## " is a heading."""
    blocks = [block.strip() for block in str(text).replace("\r\n", "\n").split("\n\n")]
    parts = []
    for block in blocks:
        if not block:
            continue
        if block.startswith("## "):
            parts.append(format_html("<h2>{}</h2>", block[3:].strip()))
        else:
            lines = block.split("\n")
            parts.append(
                format_html(
                    "<p>{}</p>",
                    format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)),
                )
            )
    return format_html_join("\n", "{}", ((part,) for part in parts))
