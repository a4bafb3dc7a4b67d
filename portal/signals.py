"""Drop the cached site settings whenever what they show changes."""

from django.contrib.auth.signals import user_logged_in
from django.core.cache import caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from plans.models import Member
from portal.middleware import HAS_DEVICE
from portal.models import FooterLink, SiteSettings
from portal.services import SETTINGS_CACHE_KEY, forget_site_settings


@receiver(post_save, sender=SiteSettings)
@receiver(post_delete, sender=SiteSettings)
@receiver(post_save, sender=FooterLink)
@receiver(post_delete, sender=FooterLink)
@receiver(m2m_changed, sender=SiteSettings.owners.through)
def _forget(**kwargs) -> None:
    forget_site_settings()


@receiver(post_save, sender=Member)
@receiver(post_delete, sender=Member)
def _forget_owner(instance, **kwargs) -> None:
    # An owner's name is shown from the cache; other members' changes do not touch it.
    cached = caches["site"].get(SETTINGS_CACHE_KEY)
    if cached is not None and any(owner.pk == instance.pk for owner in cached.owner_list):
        forget_site_settings()


@receiver(user_logged_in)
def _remember_devices(sender, request, user, **kwargs) -> None:
    # Read once per sign-in, so admin pages need not look it up on every request.
    from django_otp import user_has_device

    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)
