"""Content in two languages: which one a record was written in, and how a page shows each text.

Translatable fields are declared per app in ``translation.py`` (django-modeltranslation): a column
per language (``title_es``, ``title_en``) behind the plain field name, which reads the active
language and falls back to the other one. Every translatable model also records its
``original_language``; the version in the other language is a translation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("es", "en")


class ContentLanguage(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


def active_language() -> str:
    """The active language as one of the content languages ("es" unless English is active)."""
    return "en" if (get_language() or "").startswith("en") else "es"


def other_language(code: str) -> str:
    return "en" if code == "es" else "es"


@dataclass(frozen=True)
class Shown:
    """One text as a page shows it: the text, its language and how it relates to the original."""

    text: str
    language: str  # the language of ``text``
    is_translation: bool  # a version entered as a translation of the original
    is_fallback: bool  # not in the page's language: the other version is shown

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text


def translatable_fields(model) -> tuple[str, ...]:
    """The names of a model's translated fields (empty when it has none)."""
    from modeltranslation.translator import NotRegistered, translator

    if model in _TRANSLATABLE_FIELDS:
        return _TRANSLATABLE_FIELDS[model]
    try:
        names = translator.get_options_for_model(model).all_fields
    except NotRegistered:
        return ()
    # In the model's order, the same in every process (the options keep no order).
    fields = tuple(field.name for field in model._meta.fields if field.name in names)
    _TRANSLATABLE_FIELDS[model] = fields
    return fields


_TRANSLATABLE_FIELDS: dict = {}


class Translatable(models.Model):
    """A record whose texts exist in Spanish and English, one of them the original."""

    original_language = models.CharField(
        _("original language"),
        max_length=2,
        choices=ContentLanguage.choices,
        blank=True,
        help_text=_(
            "The language the texts were written in; the other version is shown as a "
            "translation. Left empty, the language of the texts entered first."
        ),
    )

    class Meta:
        abstract = True

    def text_in(self, field: str, language: str) -> str:
        return getattr(self, f"{field}_{language}", None) or ""

    def shown(self, field: str, language: str | None = None) -> Shown:
        """``field`` in ``language`` (the active one), else in the other language, marked."""
        wanted = language or active_language()
        original = self.original_language or wanted
        for code in (wanted, other_language(wanted)):
            text = self.text_in(field, code)
            if text:
                # A name written the same in both languages is nobody's translation.
                translated = code != original and text != self.text_in(field, original)
                return Shown(text, code, translated, code != wanted)
        return Shown("", wanted, False, False)

    def clean(self) -> None:
        super().clean()
        errors = {}
        for field in translatable_fields(type(self)):
            required = not type(self)._meta.get_field(field).blank
            if required and not (self.text_in(field, "es") or self.text_in(field, "en")):
                errors[f"{field}_{active_language()}"] = _(
                    "Enter this text in Spanish or in English."
                )
        if errors:
            raise ValidationError(errors)

    def missing_languages(self) -> list[str]:
        """Languages in which some text given in the other language is missing."""
        missing = []
        for code in LANGUAGE_CODES:
            other = other_language(code)
            for field in translatable_fields(type(self)):
                if self.text_in(field, other) and not self.text_in(field, code):
                    missing.append(code)
                    break
        return missing

    def save(self, *args, **kwargs):
        fields = translatable_fields(type(self))
        if not self.original_language:
            self.original_language = self._guess_original_language(fields)
        # The plain column keeps the original version (the other one where the original is
        # empty): Django reads it through the field's descriptor, which follows the active
        # language. Constraints, natural keys and exports then see one stable text.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            touched = set(update_fields)
            extra = {f for f in fields if touched & {f, f"{f}_es", f"{f}_en"}}
            kwargs["update_fields"] = list(touched | extra | {"original_language"})
        with translation.override(self.original_language):
            super().save(*args, **kwargs)

    def _guess_original_language(self, fields) -> str:
        active = active_language()
        has = {code: any(self.text_in(f, code) for f in fields) for code in LANGUAGE_CODES}
        if has[active] or not has[other_language(active)]:
            return active
        return other_language(active)


_SPANISH_WORDS = frozenset(
    [
        "de",
        "la",
        "el",
        "los",
        "las",
        "y",
        "en",
        "del",
        "que",
        "para",
        "con",
        "por",
        "una",
        "un",
        "se",
        "al",
        "es",
        "su",
        "sus",
        "como",
        "más",
        "ción",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "for",
        "with",
        "on",
        "by",
        "is",
        "are",
        "be",
        "that",
        "this",
        "as",
        "an",
    ]
)


def guess_language(text: str) -> str:
    """Spanish or English, by the commonest short words (for texts stored before languages were
    recorded); Spanish when it cannot tell."""
    words = [word.strip(".,;:()“”\"'").lower() for word in text.split()]
    spanish = sum(word in _SPANISH_WORDS or word.endswith("ción") for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    return "en" if english > spanish else "es"


def missing_language_q(model, language: str) -> models.Q:
    """Rows with some text in the other language and none in ``language``."""
    other = other_language(language)
    missing = models.Q()
    for field in translatable_fields(model):
        empty = models.Q(**{f"{field}_{language}": ""}) | models.Q(
            **{f"{field}_{language}__isnull": True}
        )
        missing |= models.Q(**{f"{field}_{other}__gt": ""}) & empty
    return missing


class MissingTranslationFilter(admin.SimpleListFilter):
    """Admin changelist filter: what still lacks its Spanish or English version."""

    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("es", _("Missing Spanish")), ("en", _("Missing English"))]

    def queryset(self, request, queryset):
        if self.value() in LANGUAGE_CODES:
            return queryset.filter(missing_language_q(queryset.model, self.value()))
        return queryset


class WrittenInOneLanguage:
    """A ModelForm mixin: the translatable fields it edits are the versions in ``language``
    (the record's original language), whatever the page's language; the other versions, which
    the secretariat keeps in the admin, are left as they are."""

    def written_language(self) -> str:
        return self.instance.original_language or active_language()

    def _translated_names(self) -> list[str]:
        return [name for name in translatable_fields(self._meta.model) if name in self.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            language = self.written_language()
            for name in self._translated_names():
                self.initial[name] = self.instance.text_in(name, language)

    def _post_clean(self):
        language = self.written_language()
        names = self._translated_names()
        others = {
            f"{name}_{code}": getattr(self.instance, f"{name}_{code}", None)
            for name in names
            for code in LANGUAGE_CODES
            if code != language
        }
        super()._post_clean()
        for column, value in others.items():
            setattr(self.instance, column, value)
        for name in names:
            if name in self.cleaned_data:
                setattr(self.instance, f"{name}_{language}", self.cleaned_data[name] or "")
        if not self.instance.original_language:
            self.instance.original_language = language
