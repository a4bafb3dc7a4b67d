"""The portal's identity (one bilingual settings record) and the people the secretariat manages."""

from __future__ import annotations

from django.contrib.auth.models import User, UserManager
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ogptracker.languages import Translatable
from ogptracker.storage import public_storage
from ogptracker.uploads import check_logo_file
from plans.roles import EVALUATOR, IMPLEMENTER

# No SVG: an uploaded SVG opened on its own could run scripts from the portal's address.
LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "webp"]
LOGO_MAX_BYTES = 512 * 1024


def validate_logo_size(file) -> None:
    from django.core.exceptions import ValidationError

    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be at most 512 KB."))


def validate_logo_content(file) -> None:
    """A new logo must be a PNG, JPEG or WebP image by its bytes, not only by its name."""
    if getattr(file, "_committed", True):
        return  # the logo already stored was checked when it was uploaded
    check_logo_file(file)


class SiteSettings(Translatable):
    """The one record that names and describes the portal; edited by the secretariat."""

    name = models.CharField(
        _("portal name"),
        max_length=120,
        blank=True,
        help_text=_(
            "Shown at the top of every page and in page titles. Left empty: “Open Government "
            "Tracker”."
        ),
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=160,
        blank=True,
        help_text=_("A few words under the name, for example the member’s name."),
    )
    description = models.TextField(
        _("short description"),
        max_length=600,
        blank=True,
        help_text=_(
            "What the portal is, in one or two sentences: the home page and search engines show it."
        ),
    )
    owners = models.ManyToManyField(
        "plans.Member",
        verbose_name=_("owner members"),
        blank=True,
        related_name="+",
        help_text=_(
            "The member or members that run this portal. With one, the home page speaks of it; "
            "with several, it lists them."
        ),
    )
    logo = models.FileField(
        _("logo"),
        upload_to="portal/",
        storage=public_storage,
        blank=True,
        validators=[
            FileExtensionValidator(LOGO_EXTENSIONS),
            validate_logo_size,
            validate_logo_content,
        ],
        help_text=_("PNG, JPEG or WebP, at most 512 KB. Shown next to the portal’s name."),
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_("Where citizens write about the portal, their personal data or a barrier."),
    )
    contact_address = models.TextField(
        _("contact address"), blank=True, help_text=_("Postal address of the secretariat.")
    )
    privacy_notice = models.TextField(
        _("privacy notice"),
        blank=True,
        help_text=_("Shown at /privacy/: what personal data is stored, why, and who to contact."),
    )
    accessibility_statement = models.TextField(
        _("accessibility statement"),
        blank=True,
        help_text=_("Shown at /accessibility/: the level aimed at and how to report a barrier."),
    )
    require_staff_two_factor = models.BooleanField(
        _("require two-factor sign-in for staff"),
        default=False,
        help_text=_(
            "When on, the secretariat and implementers must set up a code app before they can use "
            "the admin."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(_("Site settings"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1  # one record
        super().save(*args, **kwargs)

    @property
    def portal_name(self) -> str:
        """The name in the active language, or the software's own name when none is set."""
        return self.name or str(_("Open Government Tracker"))

    def page_text(self, field: str):
        """The privacy notice or accessibility statement (a ``Shown``), or the default one."""
        from ogptracker.languages import Shown, active_language
        from portal import defaults

        shown = self.shown(field)
        if shown:
            return shown
        texts = {
            "privacy_notice": defaults.PRIVACY,
            "accessibility_statement": defaults.ACCESSIBILITY,
        }
        language = active_language()
        return Shown(texts[field][language], language, False, False)


class FooterLink(Translatable):
    """A link in every page's footer (a member's website, the secretariat's social media…)."""

    settings = models.ForeignKey(
        SiteSettings,
        verbose_name=_("site settings"),
        on_delete=models.CASCADE,
        related_name="footer_links",
    )
    label = models.CharField(_("label"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("footer link")
        verbose_name_plural = _("footer links")

    def __str__(self) -> str:
        return self.label


class PersonManager(UserManager):
    def get_queryset(self):
        # Only implementers and evaluators: never a superuser, never a secretariat member.
        return (
            super()
            .get_queryset()
            .filter(is_superuser=False, groups__name__in=[IMPLEMENTER, EVALUATOR])
            .exclude(groups__name="Secretariat")
            .distinct()
        )


class Person(User):
    """An implementer or evaluator account, as the secretariat sees and manages it."""

    objects = PersonManager()

    class Meta:
        proxy = True
        verbose_name = _("person")
        verbose_name_plural = _("people")
