"""Template helpers for every page: the language switcher and absolute links."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.urls import translate_url
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

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


LANGUAGE_NOTES = {
    # The language a text is shown in, as the page's reader is told.
    "es": _("Original text in Spanish"),
    "en": _("Original text in English"),
}


@register.simple_tag
def text(obj, field: str, block: bool = False):
    """A translatable text in the page's language, marked when it is a translation or shown in
    the other language (then with its ``lang``). ``block`` renders paragraphs."""
    shown_text = obj.shown(field)
    if not shown_text:
        return ""
    body = linebreaks(shown_text.text, autoescape=True) if block else escape(shown_text.text)
    if shown_text.is_fallback:
        note = LANGUAGE_NOTES[shown_text.language]
    elif shown_text.is_translation:
        note = _("Translation")
    else:
        return mark_safe(body)
    tag = "div" if block else "span"
    lang = format_html(' lang="{}"', shown_text.language) if shown_text.is_fallback else ""
    if block:
        return format_html(
            '<div class="translated"><p class="lang-note">{}</p><{}{}>{}</{}></div>',
            note,
            tag,
            lang,
            mark_safe(body),
            tag,
        )
    return format_html(
        '<{}{}>{}</{}> <span class="lang-note">({})</span>', tag, lang, mark_safe(body), tag, note
    )


@register.filter
def lang_attr(code: str) -> str:
    """` lang="xx"` when ``code`` (a text's language) differs from the page's, else nothing."""
    if not code or code == (get_language() or "")[:2]:
        return ""
    return format_html(' lang="{}"', code)
