"""Template helpers for every page: the language switcher, absolute links, machine dates."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import get_language, get_language_info

register = template.Library()


def _in_language(path: str, code: str) -> str:
    """``path`` in language ``code``; an address that matches no page keeps its place too."""
    translated = translate_url(path, code)
    if translated != path:
        return translated
    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        # A 404 still has an address: the switcher points at the same one in the other language.
        for other, _name in settings.LANGUAGES:
            if path.startswith(f"/{other}/"):
                return f"/{code}/" + path[len(other) + 2 :]
        return f"/{code}{path}"
    return translated


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language: its code, own name, address and whether current.

    Without a request (the 400 and 500 pages) each language links to its home page.
    """
    request = context.get("request")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        if request is None:
            with translation.override(code):
                url = reverse("commitments:home")
        else:
            url = _in_language(request.get_full_path(), code)
        links.append(
            {
                "code": code,
                "name": info["name_local"].capitalize(),
                "url": url,
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


@register.filter
def machine_time(value: datetime.datetime | datetime.date | None) -> str:
    """A date or time for ``<time datetime>``: local time to the second, with its offset.

    ``|date:'c'`` prints microseconds, which HTML does not allow (at most milliseconds).
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat()
