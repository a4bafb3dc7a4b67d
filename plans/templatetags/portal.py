"""Template helpers for every page: the language switcher and absolute links."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language: its code, own name, address and whether current."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"].capitalize(),
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def absolute(context, path: str = "") -> str:
    """An absolute address for ``path`` (the current page by default), for feeds and Open Graph."""
    request = context.get("request")
    if request is None:
        return settings.SITE_URL + (path or "/")
    return request.build_absolute_uri(path or request.path)
