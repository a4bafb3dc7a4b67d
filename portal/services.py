"""Writes of the portal app: the site settings cache and the people the secretariat manages."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT, is_secretariat
from portal.models import SiteSettings

SETTINGS_CACHE_KEY = "portal:site-settings:v1"
SETTINGS_CACHE_SECONDS = 300
ROLES = (IMPLEMENTER, EVALUATOR)


def site_settings() -> SiteSettings:
    """The site settings record with its owners and footer links, from the cache when there.

    One query set at most per change: the record, its owners and links are read together and
    kept until a save drops them (portal.signals).
    """
    cache = caches["site"]
    found = cache.get(SETTINGS_CACHE_KEY)
    if found is None:
        found = SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)
        if found._state.adding:
            found.owner_list, found.link_list = [], []
        else:
            found.owner_list = list(found.owners.order_by("name"))
            found.link_list = list(found.footer_links.all())
        # Without a shared cache each process keeps its own copy: it expires, so an edit shows
        # everywhere within minutes even then.
        cache.set(SETTINGS_CACHE_KEY, found, timeout=SETTINGS_CACHE_SECONDS)
    return found


def forget_site_settings() -> None:
    """Drop the cached settings; the next request reads them again."""
    caches["site"].delete(SETTINGS_CACHE_KEY)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A signed link that sets a first password: expires, and dies once a password is set.

    The token hashes the password and the last sign-in, so it stops working as soon as the
    invitee sets a password (or signs in), and after PORTAL_INVITATION_DAYS days.
    """

    key_salt = "portal.services.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"invite{super()._make_hash_value(user, timestamp)}"

    def check_token(self, user, token):
        # Django's check with the invitation's own lifetime instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        lifetime = django_settings.PORTAL_INVITATION_DAYS * 24 * 3600
        return signed and self._num_seconds(self._now()) - timestamp <= lifetime


invitation_tokens = InvitationTokenGenerator()


def invitation_link(user: User, token: str | None = None) -> str:
    """The absolute address where ``user`` sets a password (``token``: a placeholder for it)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = token or invitation_tokens.make_token(user)
    path = reverse("portal:invitation", kwargs={"uidb64": uid, "token": token})
    return django_settings.SITE_URL + path


def _check_manager(by: User) -> None:
    if not is_secretariat(by):
        raise PermissionDenied


def _send_invitation(user: User, *, language: str, again: bool) -> None:
    # Through the sent log like every email; the token is made only when it is sent.
    from notifications.models import Kind
    from notifications.services import TOKEN_PLACEHOLDER, queue_email

    with translation.override(language):
        context = {
            "user": user,
            "link": invitation_link(user, token=TOKEN_PLACEHOLDER),
            "days": django_settings.PORTAL_INVITATION_DAYS,
            "again": again,
            "role": _role_label(user),
        }
    queue_email(
        kind=Kind.INVITATION,
        to=user.email,
        user=user,
        template="invitation",
        context=context,
        language=language,
    )


def _role_label(user: User) -> str:
    names = set(user.groups.values_list("name", flat=True))
    if IMPLEMENTER in names:
        return str(_("implementer"))
    if EVALUATOR in names:
        return str(_("evaluator"))
    return ""


def _clean_role(role: str) -> str:
    if role not in ROLES:
        # Only the two roles the secretariat may grant: never Secretariat, never superuser.
        raise ValidationError(_("Choose implementer or evaluator."))
    return role


@transaction.atomic
def invite_person(
    *,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    institutions=(),
    language: str = "es",
) -> User:
    """Create an implementer or evaluator without a password and email them a set-password link."""
    _check_manager(by)
    role = _clean_role(role)
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("Somebody already has an account with this email address."))
    username = email.lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("Somebody already has an account with this email address."))
    user = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        # Implementers work in the admin; evaluators on the public site.
        is_staff=role == IMPLEMENTER,
        is_superuser=False,
        is_active=True,
    )
    user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    if role == IMPLEMENTER:
        user.institutions.set(institutions)
    transaction.on_commit(lambda: _send_invitation(user, language=language, again=False))
    return user


@transaction.atomic
def update_person(
    *,
    by: User,
    person: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    institutions=(),
    is_active: bool = True,
) -> User:
    """Change an implementer's or evaluator's name, email, role, institutions or activity."""
    _check_manager(by)
    role = _clean_role(role)
    locked = User.objects.select_for_update().get(pk=person.pk)
    if locked.is_superuser or locked.groups.filter(name=SECRETARIAT).exists():
        raise PermissionDenied
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email).exclude(pk=locked.pk).exists():
        raise ValidationError(_("Somebody already has an account with this email address."))
    locked.first_name = first_name.strip()
    locked.last_name = last_name.strip()
    locked.email = email
    locked.is_active = is_active
    locked.is_staff = role == IMPLEMENTER
    locked.is_superuser = False
    locked.save()
    locked.groups.set([Group.objects.get(name=role)])
    locked.user_permissions.clear()
    locked.institutions.set(institutions if role == IMPLEMENTER else [])
    return locked


def _managed(person: User) -> User:
    locked = User.objects.select_for_update().get(pk=person.pk)
    if locked.is_superuser or locked.groups.filter(name=SECRETARIAT).exists():
        raise PermissionDenied
    return locked


@transaction.atomic
def deactivate_person(*, by: User, person: User) -> User:
    """Stop a person signing in; their past work stays, with their name."""
    _check_manager(by)
    locked = _managed(person)
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    return locked


@transaction.atomic
def reset_access(*, by: User, person: User, language: str = "es") -> User:
    """Remove a person's password and two-factor devices, lift any lock, and send a new link."""
    from axes.utils import reset as reset_lockouts
    from django_otp import devices_for_user

    _check_manager(by)
    locked = _managed(person)
    locked.set_unusable_password()
    locked.is_active = True
    locked.save(update_fields=["password", "is_active"])
    for device in devices_for_user(locked, confirmed=None):
        device.delete()
    reset_lockouts(username=locked.username)
    # Sessions carry a hash of the password: changing it signs the person out everywhere.
    transaction.on_commit(lambda: _send_invitation(locked, language=language, again=True))
    return locked
