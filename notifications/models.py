"""Follows by email, reminders, the secretariat's summary and the log of every email sent."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ogptracker.languages import ContentLanguage


class Kind(models.TextChoices):
    """Every kind of email the portal sends."""

    FOLLOW_CONFIRMATION = "follow_confirmation", _("Confirmation of a follow")
    DIGEST = "digest", _("Daily digest for followers")
    MILESTONE_DUE_SOON = "milestone_due_soon", _("A milestone of my institution ends soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("A milestone of my institution is overdue")
    REPORT_ASSIGNED = "report_assigned", _("A report was assigned to me")
    REPORT_DUE_SOON = "report_due_soon", _("A report of mine is due soon")
    REPORT_OVERDUE = "report_overdue", _("A report of mine is overdue")
    SECRETARIAT_SUMMARY = "secretariat_summary", _("Daily summary for the secretariat")
    INVITATION = "invitation", _("Invitation to choose a password")
    PASSWORD_RESET = "password_reset", _("Password reset")


# The email types a signed-in user can switch off, by the role that receives them.
USER_KINDS = {
    "implementer": [Kind.MILESTONE_DUE_SOON, Kind.MILESTONE_OVERDUE],
    "evaluator": [Kind.REPORT_ASSIGNED, Kind.REPORT_DUE_SOON, Kind.REPORT_OVERDUE],
    "secretariat": [Kind.SECRETARIAT_SUMMARY],
}


class NotificationSettings(models.Model):
    """The secretariat's choices for reminders: one row, edited in the admin."""

    milestone_days_before = models.PositiveSmallIntegerField(
        _("remind implementers this many days before a milestone ends"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    report_days_before = models.PositiveSmallIntegerField(
        _("remind evaluators this many days before a report is due"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="notification_settings_single_row")
        ]

    def __str__(self) -> str:
        return str(_("Notification settings"))

    @classmethod
    def load(cls) -> NotificationSettings:
        """The one row, created with the defaults the first time it is read."""
        row, _created = cls.objects.get_or_create(pk=1)
        return row


def _new_key() -> str:
    return secrets.token_urlsafe(24)


class Follower(models.Model):
    """An email address that follows pages; never shown on the public site."""

    email = models.EmailField(_("email"), unique=True)
    language = models.CharField(
        _("language of the emails"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=ContentLanguage.SPANISH,
    )
    # Part of every signed link: a follower who leaves takes their links with them.
    key = models.CharField(max_length=64, default=_new_key, editable=False)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")

    def __str__(self) -> str:
        return self.email


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> SubscriptionQuerySet:
        """Subscriptions whose address clicked the confirmation link."""
        return self.filter(confirmed_at__isnull=False)

    def with_targets(self) -> SubscriptionQuerySet:
        """Load what each subscription follows."""
        return self.select_related("member", "action_plan", "commitment")


class Subscription(models.Model):
    """One follower following one member, action plan or commitment."""

    follower = models.ForeignKey(
        Follower,
        verbose_name=_("follower"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    member = models.ForeignKey(
        "plans.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    action_plan = models.ForeignKey(
        "plans.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(member__isnull=False, action_plan__isnull=True, commitment__isnull=True)
                    | Q(member__isnull=True, action_plan__isnull=False, commitment__isnull=True)
                    | Q(member__isnull=True, action_plan__isnull=True, commitment__isnull=False)
                ),
                name="subscription_follows_one_thing",
            ),
            models.UniqueConstraint(
                fields=["follower", "member"],
                condition=Q(member__isnull=False),
                name="subscription_member_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "action_plan"],
                condition=Q(action_plan__isnull=False),
                name="subscription_plan_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "commitment"],
                condition=Q(commitment__isnull=False),
                name="subscription_commitment_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.target)

    @property
    def target(self):
        return self.member or self.action_plan or self.commitment


class EmailPreference(models.Model):
    """One email type a signed-in user switched off (every type is on until then)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    kind = models.CharField(_("email type"), max_length=30, choices=Kind.choices)
    enabled = models.BooleanField(_("sent"), default=True)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"


class SentReminder(models.Model):
    """A reminder or summary already sent: at most one per object, stage and person."""

    kind = models.CharField(_("email type"), max_length=30, choices=Kind.choices)
    # What it was about and the date it was about, e.g. "milestone:12:2026-03-01": a milestone
    # whose end moves gets a new reminder for its new date, never a second one for the same.
    subject_key = models.CharField(_("about"), max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "recipient"], name="reminder_once_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject_key}"


# How long one attempt may stay "sending": a row older than this lost its worker mid-send.
SENDING_LIMIT = datetime.timedelta(minutes=30)


class SentEmailQuerySet(models.QuerySet):
    def failed(self) -> SentEmailQuerySet:
        """Emails that could not be delivered after every retry."""
        return self.filter(status=SentEmail.Status.FAILED)

    def due_for_retry(self, now=None) -> SentEmailQuerySet:
        """Emails waiting for another attempt whose time has come."""
        return self.filter(
            status=SentEmail.Status.RETRYING, next_attempt_at__lte=now or timezone.now()
        )

    def stuck(self, now=None) -> SentEmailQuerySet:
        """Emails still marked as sending after the time a send may take (its worker died)."""
        now = now or timezone.now()
        return self.filter(status=SentEmail.Status.SENDING).filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - SENDING_LIMIT)
        )

    def expired(self, now=None) -> SentEmailQuerySet:
        """Sent or failed emails older than the days the log keeps them (EMAIL_LOG_DAYS)."""
        now = now or timezone.now()
        return self.filter(
            status__in=[SentEmail.Status.SENT, SentEmail.Status.FAILED],
            created_at__lt=now - datetime.timedelta(days=settings.EMAIL_LOG_DAYS),
        )


class SentEmail(models.Model):
    """Every email the portal sends: what, to whom, about what, when, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Waiting to retry")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("email type"), max_length=30, choices=Kind.choices, db_index=True)
    recipient = models.EmailField(_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    status = models.CharField(
        _("outcome"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    objects = SentEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class NotificationProfile(models.Model):
    """The language a signed-in user reads their emails in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_profile",
    )
    language = models.CharField(
        _("language of the emails"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=ContentLanguage.SPANISH,
    )

    class Meta:
        verbose_name = _("email language")
        verbose_name_plural = _("email languages")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_language_display()}"
