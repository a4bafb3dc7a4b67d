"""Texts of the portal's identity, in Spanish and English."""

from modeltranslation.translator import TranslationOptions, register

from portal.models import FooterLink, SiteSettings


@register(SiteSettings)
class SiteSettingsTranslation(TranslationOptions):
    fields = ("name", "tagline", "description", "privacy_notice", "accessibility_statement")


@register(FooterLink)
class FooterLinkTranslation(TranslationOptions):
    fields = ("label",)
