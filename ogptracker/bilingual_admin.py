"""Admin classes that edit both language versions of each translated field side by side."""

from __future__ import annotations

from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from ogptracker.admin_guards import GuardedAdminMixin


class _EitherLanguage:
    # A text may be written in either language first: no version is required on its own, and
    # Translatable.clean() asks for at least one where the field itself is required.
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and getattr(db_field, "translated_field", None) is not None:
            field.required = False
        return field


class BilingualAdmin(GuardedAdminMixin, _EitherLanguage, TranslationAdmin):
    """Both language versions side by side; a change form refuses to overwrite a newer save."""


class BilingualStackedInline(_EitherLanguage, TranslationStackedInline):
    pass


class BilingualTabularInline(_EitherLanguage, TranslationTabularInline):
    pass
