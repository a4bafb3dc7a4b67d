"""Template helpers for every page: the language switcher, canonical addresses, machine dates."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import timezone, translation
from django.utils.html import escape, format_html, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from ogptracker.languages import Shown

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


def _listing_page(request) -> str:
    """``?page=N`` when the request asks for a later page of a list, else nothing."""
    page = request.GET.get("page", "")
    if page.isascii() and page.isdigit() and int(page) > 1:
        return f"?page={int(page)}"
    return ""


@register.simple_tag(takes_context=True)
def canonical(context, code: str = "") -> str:
    """The page's canonical address, in language ``code`` (the current one by default).

    The path and, on a later page of a list, its page number; filters, sorting and search are
    views of the same page. The canonical link and every hreflang alternate are built here, so
    they always agree.
    """
    request = context.get("request")
    if request is None:
        return settings.SITE_URL + "/"
    path = _in_language(request.path, code) if code else request.path
    return request.build_absolute_uri(path + _listing_page(request))


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


LANGUAGE_NOTES = {
    # The language a text is shown in, as the page's reader is told.
    "es": _("Original text in Spanish"),
    "en": _("Original text in English"),
}


@register.simple_tag
def text(obj, field: str, block: bool = False):
    """A translatable text in the page's language, marked when it is a translation or shown in
    the other language (then with its ``lang``). ``block`` renders paragraphs."""
    return shown(obj.shown(field), block)


@register.simple_tag(name="shown")
def shown(value, block: bool = False, links: bool = False):
    """A text from ``Translatable.shown()`` with its marks (any other value: as it is).

    ``block`` renders paragraphs; ``links`` (inline only) turns web addresses into links."""

    def inline(text_: str) -> str:
        return urlize(text_, autoescape=True) if links else escape(text_)

    if not isinstance(value, Shown):
        text_ = "" if value is None else str(value)
        return linebreaks(text_, autoescape=True) if block else inline(text_)
    if not value:
        return ""
    body = linebreaks(value.text, autoescape=True) if block else inline(value.text)
    if value.is_fallback:
        note = LANGUAGE_NOTES[value.language]
        tag = "div" if block else "span"
        body = format_html('<{} lang="{}">{}</{}>', tag, value.language, mark_safe(body), tag)
    elif value.is_translation:
        note = _("Translation")
    else:
        return mark_safe(body)
    if block:
        return format_html('<p class="lang-note">{}</p>{}', note, body)
    return format_html('{} <span class="lang-note">({})</span>', mark_safe(body), note)


@register.simple_tag
def document_meta(document) -> str:
    """What a document is, after its title: year, type, language, and whether a copy is online
    (a document without a link or file is named, never linked)."""
    parts = []
    if document.year:
        parts.append(str(document.year))
    elif document.date:
        parts.append(str(document.date.year))
    if document.doc_type:
        parts.append(str(document.get_doc_type_display()))
    if document.language:
        parts.append(str(document.get_language_display()))
    if not document.link:
        parts.append(str(_("no copy online yet")))
    elif document.url and not document.file:
        parts.append(str(_("Web page")))
    return ", ".join(parts)


_UNBOUND_FIELDS: dict[tuple, str] = {}


@register.simple_tag
def form_fields(form) -> str:
    """A form's fields with their labels, help and errors (``includes/form_fields.html``).

    An unbound form's fields are the same markup for every visitor (the comment and follow
    forms of every page): rendered once per form class, fields, ids and language, then reused.
    """
    if form.is_bound or form.initial:
        return render_to_string("includes/form_fields.html", {"form": form})
    key = (
        type(form),
        tuple(form.fields),
        form.prefix,
        form.auto_id,
        form.label_suffix,
        get_language(),
        # A field's initial value may be a list (several choices): by its text.
        repr([(name, field.initial) for name, field in form.fields.items()]),
    )
    html = _UNBOUND_FIELDS.get(key)
    if html is None:
        html = _UNBOUND_FIELDS[key] = render_to_string("includes/form_fields.html", {"form": form})
    return html
