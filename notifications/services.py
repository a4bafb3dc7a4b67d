"""Writes of the notifications app: follows, digests, reminders and the delivery of every email.

Every email goes through ``queue_email``: it is rendered in its reader's language, recorded in
the sent log, and handed to the task queue; ``deliver`` sends it and retries with back-off.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from commitments.models import Comment, Commitment, Milestone, MilestoneUpdate, month_start
from notifications.models import (
    SENDING_LIMIT,
    USER_KINDS,
    EmailPreference,
    Follower,
    Kind,
    NotificationProfile,
    NotificationSettings,
    SentEmail,
    SentReminder,
    Subscription,
)
from ogptracker.languages import ContentLanguage
from plans.models import ActionPlan, Member
from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT, is_evaluator, is_implementer
from plans.roles import is_secretariat as _is_secretariat
from reports.models import EndOfCommitmentReport, InceptionReport, Status

logger = logging.getLogger(__name__)

CONFIRM_SALT = "notifications.confirm"
FOLLOWER_SALT = "notifications.follower"
USER_KIND_SALT = "notifications.user-kind"
# Delivery attempts before an email counts as failed, and the first wait between them.
MAX_ATTEMPTS = 5
FIRST_RETRY_MINUTES = 5
# What a worker that died mid-send leaves in last_error; the secretariat's summary counts it.
STUCK_ERROR = "The worker stopped while sending this email."
# Emails whose links carry a one-time token: the log keeps this word in its place, and the
# token is made when the email is sent, so nobody reading the log can use the link.
TOKEN_PLACEHOLDER = "__token__"
TOKEN_GENERATORS = {
    Kind.PASSWORD_RESET: "django.contrib.auth.tokens.default_token_generator",
    Kind.INVITATION: "portal.services.invitation_tokens",
}
# Emails sent to followers: forgotten with the follower's address.
FOLLOWER_KINDS = [Kind.FOLLOW_CONFIRMATION, Kind.DIGEST]


# Links --------------------------------------------------------------------------------------


def absolute(path: str) -> str:
    """A full address on the portal, for emails."""
    return settings.SITE_URL + path


def confirm_token(subscription: Subscription) -> str:
    """The signed, expiring token of a subscription's confirmation link."""
    return signing.dumps(
        {"s": subscription.pk, "k": subscription.follower.key}, salt=CONFIRM_SALT, compress=True
    )


def subscription_from_token(token: str) -> Subscription | None:
    """The subscription a confirmation token names, or None if it is forged or expired."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.FOLLOW_CONFIRM_MAX_AGE)
        return (
            Subscription.objects.with_targets()
            .select_related("follower")
            .get(pk=int(data["s"]), follower__key=str(data["k"]))
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Subscription.DoesNotExist):
        return None


def follower_token(follower: Follower) -> str:
    """The signed token of a follower's links to manage or end their subscriptions."""
    return signing.dumps({"f": follower.pk, "k": follower.key}, salt=FOLLOWER_SALT, compress=True)


def follower_from_token(token: str) -> Follower | None:
    """The follower a token names, or None if it is forged or the follower has left."""
    try:
        data = signing.loads(token, salt=FOLLOWER_SALT)
        return Follower.objects.get(pk=int(data["f"]), key=str(data["k"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Follower.DoesNotExist):
        return None


def user_kind_token(user, kind: str) -> str:
    """The signed token of a link that switches one email type off for one user."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=USER_KIND_SALT)


def user_kind_from_token(token: str):
    """The (user, kind) a switch-off token names, or None."""
    try:
        data = signing.loads(token, salt=USER_KIND_SALT)
        kind = str(data["k"])
        if kind not in Kind.values:
            return None
        return get_user_model().objects.get(pk=int(data["u"]), is_active=True), kind
    except (signing.BadSignature, KeyError, TypeError, ValueError, models.ObjectDoesNotExist):
        return None


def _follower_links(follower: Follower, language: str) -> dict:
    token = follower_token(follower)
    with translation.override(language):
        return {
            "manage_url": absolute(reverse("notifications:manage", args=[token])),
            "unsubscribe_url": absolute(reverse("notifications:unsubscribe", args=[token])),
        }


# Sending ------------------------------------------------------------------------------------


def queue_email(
    *,
    kind: str,
    to: str,
    template: str,
    context: dict,
    language: str,
    user=None,
    obj: models.Model | None = None,
    unsubscribe_url: str = "",
) -> SentEmail:
    """Render an email in ``language``, record it in the sent log and queue its delivery."""
    from portal.services import site_settings

    with translation.override(language):
        context = {
            **context,
            "site": site_settings(),
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url,
        }
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    headers = {}
    if unsubscribe_url:
        # RFC 8058: mail programs offer a one-click “unsubscribe” that POSTs to this address.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = SentEmail.objects.create(
        kind=kind,
        recipient=to,
        user=user,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        headers=headers,
    )
    _enqueue_delivery(email.pk)
    return email


def _enqueue_delivery(pk: int, run_after: datetime.datetime | None = None) -> None:
    from django.tasks.backends.immediate import ImmediateBackend
    from django_tasks_db import DatabaseBackend

    from notifications.tasks import deliver_email

    backend = deliver_email.get_backend()
    task = deliver_email
    if run_after is not None:
        if not backend.supports_defer:
            return  # the next `notify` run picks it up (retry_due_emails)
        task = deliver_email.using(run_after=run_after)
    if isinstance(backend, DatabaseBackend | ImmediateBackend) or not (
        transaction.get_connection().in_atomic_block
    ):
        # The queue lives in the same database (the task row commits with the email's row), or
        # runs here and now; any other queue is told once the email's row is committed.
        task.enqueue(pk)
    else:
        transaction.on_commit(partial(task.enqueue, pk))


def _with_token(email: SentEmail) -> tuple[str, str]:
    """The email's text and HTML, with a fresh one-time token where its kind needs one."""
    if email.kind not in TOKEN_GENERATORS:
        return email.body_text, email.body_html
    if email.user is None:
        raise ValueError("The person this link was for no longer exists.")
    token = import_string(TOKEN_GENERATORS[email.kind]).make_token(email.user)
    return (
        email.body_text.replace(TOKEN_PLACEHOLDER, token),
        email.body_html.replace(TOKEN_PLACEHOLDER, token),
    )


def deliver(pk: int) -> str:
    """Send one logged email; on failure wait longer each time, then mark it failed."""
    now = timezone.now()
    claimed = SentEmail.objects.filter(
        Q(status=SentEmail.Status.QUEUED)
        | Q(status=SentEmail.Status.RETRYING, next_attempt_at__lte=now),
        pk=pk,
    ).update(
        status=SentEmail.Status.SENDING,
        # Still "sending" after this: the worker died, and release_stuck_emails sends it again.
        next_attempt_at=now + SENDING_LIMIT,
    )
    if not claimed:
        return "skipped"  # already sent, or claimed by another worker
    email = SentEmail.objects.select_related("user").get(pk=pk)
    email.attempts += 1
    try:
        text, html = _with_token(email)
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.recipient],
            headers=email.headers or None,
        )
        if html:
            message.attach_alternative(html, "text/html")
        message.send()
    except Exception as error:  # SMTP, DNS, socket: every failure is logged and retried
        logger.warning("Email %s to %s failed: %s", email.pk, email.recipient, error)
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            email.status = SentEmail.Status.FAILED
            email.next_attempt_at = None
        else:
            email.status = SentEmail.Status.RETRYING
            wait = datetime.timedelta(minutes=FIRST_RETRY_MINUTES * 2 ** (email.attempts - 1))
            email.next_attempt_at = timezone.now() + wait
        email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
        if email.status == SentEmail.Status.RETRYING:
            _enqueue_delivery(email.pk, run_after=email.next_attempt_at)
        return email.status
    email.status = SentEmail.Status.SENT
    email.sent_at = timezone.now()
    email.next_attempt_at = None
    email.save(update_fields=["status", "attempts", "sent_at", "next_attempt_at"])
    return email.status


def release_stuck_emails(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Emails left "sending" by a worker that died: waiting to retry again (the attempt counts)."""
    now = now or timezone.now()
    stuck = SentEmail.objects.stuck(now)
    if dry_run:
        return stuck.count()
    released = stuck.filter(attempts__gte=MAX_ATTEMPTS - 1).update(
        status=SentEmail.Status.FAILED,
        attempts=models.F("attempts") + 1,
        last_error=STUCK_ERROR,
        next_attempt_at=None,
    )
    released += stuck.update(
        status=SentEmail.Status.RETRYING,
        attempts=models.F("attempts") + 1,
        last_error=STUCK_ERROR,
        next_attempt_at=now,
    )
    return released


def retry_due_emails(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Queue again the emails whose next attempt is due (for backends that cannot defer)."""
    due = list(SentEmail.objects.due_for_retry(now).values_list("pk", flat=True))
    if not dry_run:
        for pk in due:
            _enqueue_delivery(pk)
    return len(due)


def purge_email_log(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Delete the sent and failed emails older than EMAIL_LOG_DAYS from the log."""
    expired = SentEmail.objects.expired(now)
    if dry_run:
        return expired.count()
    deleted, _by_model = expired.delete()
    return deleted


def forget_address_in_log(*, email: str) -> int:
    """Remove a follower's address and messages from the log; what was unsent is not sent."""
    rows = SentEmail.objects.filter(recipient__iexact=email, kind__in=FOLLOWER_KINDS)
    rows.filter(status__in=[SentEmail.Status.QUEUED, SentEmail.Status.RETRYING]).delete()
    follower_type = ContentType.objects.get_for_model(Follower)
    rows.filter(content_type=follower_type).update(content_type=None, object_id=None)
    return rows.update(recipient="", body_text="", body_html="", headers={}, last_error="")


# Per-user switches --------------------------------------------------------------------------


def kinds_for(user) -> list[str]:
    """The email types a user receives, from their roles."""
    kinds: list[str] = []
    if is_implementer(user):
        kinds += USER_KINDS["implementer"]
    if is_evaluator(user):
        kinds += USER_KINDS["evaluator"]
    if _is_secretariat(user):
        kinds += USER_KINDS["secretariat"]
    return kinds


def switched_off(users) -> set[tuple[int, str]]:
    """(user id, kind) pairs switched off, for a set of users, in one query."""
    return set(
        EmailPreference.objects.filter(user__in=users, enabled=False).values_list("user_id", "kind")
    )


@transaction.atomic
def set_email_preferences(*, user, enabled: dict[str, bool], language: str | None = None) -> None:
    """Switch each of the user's email types on or off, and choose the emails' language."""
    if language in ContentLanguage.values:
        NotificationProfile.objects.update_or_create(user=user, defaults={"language": language})
    allowed = set(kinds_for(user))
    for kind, on in enabled.items():
        if kind not in allowed:
            continue
        EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"enabled": on})


def switch_off(*, user, kind: str) -> None:
    """Switch one email type off (from the link in the email itself)."""
    EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"enabled": False})


def _user_unsubscribe_url(user, kind: str) -> str:
    return absolute(reverse("notifications:switch_off", args=[user_kind_token(user, kind)]))


# Following ----------------------------------------------------------------------------------


def subscription_target_fields(target) -> dict:
    """The Subscription field that points at a member, an action plan or a commitment."""
    if isinstance(target, Member):
        return {"member": target}
    if isinstance(target, ActionPlan):
        return {"action_plan": target}
    if isinstance(target, Commitment):
        return {"commitment": target}
    raise TypeError(f"{type(target).__name__} cannot be followed")


@transaction.atomic
def request_follow(*, email: str, language: str, target) -> Subscription:
    """Start following ``target``: nothing but the confirmation email is sent until confirmed.

    Asking again before confirming sends the confirmation again; asking for something already
    confirmed sends nothing (and the page says the same either way, so it reveals nothing).
    """
    email = email.strip().lower()
    follower, created = Follower.objects.select_for_update().get_or_create(
        email=email, defaults={"language": language}
    )
    if not created and follower.language != language:
        follower.language = language
        follower.save(update_fields=["language"])
    try:
        with transaction.atomic():
            subscription, _created = Subscription.objects.get_or_create(
                follower=follower, **subscription_target_fields(target)
            )
    except IntegrityError:  # two requests at once: the other one created it
        subscription = Subscription.objects.get(
            follower=follower, **subscription_target_fields(target)
        )
    if subscription.confirmed_at is None:
        subscription.follower = follower
        with translation.override(language):
            confirm_url = absolute(
                reverse("notifications:confirm", args=[confirm_token(subscription)])
            )
            target_url = absolute(target.get_absolute_url())
        links = _follower_links(follower, language)
        queue_email(
            kind=Kind.FOLLOW_CONFIRMATION,
            to=follower.email,
            template="follow_confirmation",
            context={
                "target": target,
                "target_url": target_url,
                "confirm_url": confirm_url,
                "days": settings.FOLLOW_CONFIRM_MAX_AGE // 86400,
                **links,
            },
            language=language,
            obj=target,
            unsubscribe_url=links["unsubscribe_url"],
        )
    return subscription


def confirm_subscription(*, subscription: Subscription) -> Subscription:
    """Mark a subscription confirmed (once; a second click changes nothing)."""
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


@transaction.atomic
def end_subscription(*, subscription: Subscription) -> None:
    """Stop following one thing; an address left following nothing is forgotten."""
    follower = subscription.follower
    subscription.delete()
    if not follower.subscriptions.exists():
        follower.delete()


def end_all_subscriptions(*, follower: Follower) -> None:
    """Stop following everything and forget the address."""
    follower.delete()


def follow_after_approval(*, comments) -> int:
    """Commenters who ticked “follow this commitment” start following once approved.

    The confirmation email still comes first: the comment's address was never confirmed.
    """
    started = 0
    commitment_type = ContentType.objects.get_for_model(Commitment)
    for comment in comments:
        if not (
            comment.follow_requested
            and comment.status == Comment.Status.APPROVED
            and comment.content_type_id == commitment_type.pk
        ):
            continue
        commitment = Commitment.objects.published().filter(pk=comment.object_id).first()
        if commitment is None:
            continue
        request_follow(email=comment.email, language=comment.language, target=commitment)
        started += 1
    return started


# Digests ------------------------------------------------------------------------------------


@dataclass
class DigestEntry:
    when: datetime.datetime
    heading: str
    text: str
    url: str
    note: str = ""
    note_language: str = ""
    key: tuple = field(default=())


def _followed_commitments(subscriptions) -> models.QuerySet:
    which = Q(pk__in=[])
    for sub in subscriptions:
        if sub.commitment_id:
            which |= Q(pk=sub.commitment_id)
        elif sub.action_plan_id:
            which |= Q(action_plans=sub.action_plan_id)
        elif sub.member_id:
            which |= Q(action_plans__member=sub.member_id) | Q(
                action_plans__consortium_members=sub.member_id
            )
    return Commitment.objects.published().filter(which).values("pk")


def _followed_plans(subscriptions) -> models.QuerySet:
    which = Q(pk__in=[])
    for sub in subscriptions:
        if sub.action_plan_id:
            which |= Q(pk=sub.action_plan_id)
        elif sub.member_id:
            which |= Q(member=sub.member_id) | Q(consortium_members=sub.member_id)
    return ActionPlan.objects.published().filter(which).values("pk")


def digest_entries(follower: Follower, *, until: datetime.datetime) -> list[DigestEntry]:
    """Every public entry of what the follower follows, since their last digest."""
    subscriptions = list(follower.subscriptions.confirmed())
    if not subscriptions:
        return []
    # Each follow counts from its confirmation or the last digest, whichever is later.
    new_updates = new_inception = new_end = Q(pk__in=[])
    for sub in subscriptions:
        since = max(follower.last_digest_at or sub.confirmed_at, sub.confirmed_at)
        commitments = _followed_commitments([sub])
        new_updates |= Q(milestone__commitment__in=commitments, created_at__gt=since)
        new_inception |= Q(action_plan__in=_followed_plans([sub]), published_at__gt=since)
        new_end |= Q(commitment__in=commitments, published_at__gt=since)
    entries: list[DigestEntry] = []
    updates = (
        MilestoneUpdate.objects.filter(new_updates, created_at__lte=until)
        .select_related("milestone__commitment")
        .order_by("created_at", "pk")
    )
    for update in updates:
        milestone = update.milestone
        commitment = milestone.commitment
        if update.kind == MilestoneUpdate.Kind.CORRECTION:
            if update.old_status != update.new_status:
                text = translation.gettext(
                    "Correction of an earlier entry: status %(old)s → %(new)s"
                ) % {
                    "old": update.get_old_status_display(),
                    "new": update.get_new_status_display(),
                }
            else:
                text = translation.gettext(
                    "Correction of an earlier entry (status: %(status)s)"
                ) % {"status": update.get_new_status_display()}
        elif update.old_status != update.new_status:
            text = translation.gettext("Status: %(old)s → %(new)s") % {
                "old": update.get_old_status_display(),
                "new": update.get_new_status_display(),
            }
        else:
            text = translation.gettext("New entry in its history (status: %(status)s)") % {
                "status": update.get_new_status_display()
            }
        entries.append(
            DigestEntry(
                when=update.created_at,
                heading=translation.gettext("%(commitment)s · Milestone %(number)s: %(title)s")
                % {
                    "commitment": commitment.key,
                    "number": milestone.number,
                    "title": milestone.title,
                },
                text=text,
                note=update.note,
                note_language=update.language,
                url=absolute(commitment.get_absolute_url()) + "#history-title",
            )
        )
    inception = InceptionReport.objects.published().filter(new_inception, published_at__lte=until)
    for report in inception.select_related("action_plan"):
        entries.append(
            DigestEntry(
                when=report.published_at,
                heading=translation.gettext("Inception Report published"),
                text=str(report.action_plan.title),
                url=absolute(report.get_absolute_url()),
            )
        )
    end_reports = EndOfCommitmentReport.objects.published().filter(new_end, published_at__lte=until)
    for report in end_reports.select_related("commitment").distinct():
        entries.append(
            DigestEntry(
                when=report.published_at,
                heading=translation.gettext("End-of-Commitment Report published"),
                text=str(report.commitment),
                url=absolute(report.get_absolute_url()),
            )
        )
    entries.sort(key=lambda entry: entry.when)
    return entries


def send_digests(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """One email per follower and day at most, with everything new since their last one."""
    now = now or timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    followers = (
        Follower.objects.filter(
            Exists(Subscription.objects.confirmed().filter(follower=OuterRef("pk")))
        )
        .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=start_of_day))
        .order_by("pk")
    )
    sent = 0
    for follower in followers:
        with translation.override(follower.language):
            entries = digest_entries(follower, until=now)
            if not entries:
                continue
            sent += 1
            if dry_run:
                continue
            with transaction.atomic():
                # Claimed first: a second run at the same time finds it done for today.
                claimed = (
                    Follower.objects.filter(pk=follower.pk)
                    .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=start_of_day))
                    .update(last_digest_at=now)
                )
                if not claimed:
                    sent -= 1
                    continue
                links = _follower_links(follower, follower.language)
                queue_email(
                    kind=Kind.DIGEST,
                    to=follower.email,
                    template="digest",
                    context={"entries": entries, **links},
                    language=follower.language,
                    obj=follower,
                    unsubscribe_url=links["unsubscribe_url"],
                )
    return sent


# Reminders ----------------------------------------------------------------------------------


def last_day_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _record(kind: str, key: str, user) -> bool:
    """Record a reminder; False when this person already had it (the unique constraint)."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(kind=kind, subject_key=key, recipient=user)
    except IntegrityError:
        return False
    return True


def _already_sent(kind: str, keys: set[str]) -> set[tuple[str, int]]:
    return set(
        SentReminder.objects.filter(kind=kind, subject_key__in=keys).values_list(
            "subject_key", "recipient_id"
        )
    )


def _user_language(user) -> str:
    """The language a signed-in user chose for their emails (Spanish until they choose)."""
    profile = getattr(user, "notification_profile", None)
    return profile.language if profile is not None else ContentLanguage.SPANISH


def _send_batched(
    *, kind: str, template: str, items_by_user: dict, dry_run: bool, extra: dict | None = None
) -> int:
    """One email per person listing the items newly at this stage; each item recorded once."""
    users = list(items_by_user)
    off = switched_off(users)
    sent = 0
    for user in users:
        if (user.pk, kind) in off or not user.email:
            continue
        items = items_by_user[user]
        if dry_run:
            sent += 1
            continue
        with transaction.atomic():
            items = [item for item in items if _record(kind, item["key"], user)]
            if not items:
                continue
            language = _user_language(user)
            with translation.override(language):
                queue_email(
                    kind=kind,
                    to=user.email,
                    user=user,
                    template=template,
                    context={"user": user, "items": items, **(extra or {})},
                    language=language,
                    obj=items[0]["object"] if len(items) == 1 else None,
                    unsubscribe_url=_user_unsubscribe_url(user, kind),
                )
            sent += 1
    return sent


def _milestone_recipients(milestones) -> dict:
    """Each implementer of the milestones' institutions, with the milestones that concern them."""
    by_user: dict = defaultdict(list)
    for milestone in milestones:
        seen = set()
        for role in milestone.commitment.institution_roles.all():
            for user in role.institution.staff.all():
                if user.pk in seen or not user.is_active:
                    continue
                if IMPLEMENTER not in {group.name for group in user.groups.all()}:
                    continue
                seen.add(user.pk)
                by_user[user].append(milestone)
    return by_user


def _milestone_item(milestone: Milestone) -> dict:
    return {
        "key": f"milestone:{milestone.pk}:{milestone.end:%Y-%m}",
        "object": milestone,
        "milestone": milestone,
        "commitment": milestone.commitment,
        "deadline": last_day_of_month(milestone.end),
        "update_url": absolute(reverse("admin:commitments_milestone_change", args=[milestone.pk])),
        "public_url": absolute(milestone.commitment.get_absolute_url()),
    }


def _milestones_for_reminders():
    return (
        Milestone.objects.exclude(status="finished")
        .select_related("commitment")
        .prefetch_related("commitment__institution_roles__institution__staff__groups")
    )


def send_milestone_reminders(*, today: datetime.date | None = None, dry_run: bool = False) -> int:
    """Implementers: N days before a milestone ends, and once it is overdue without a report."""
    today = today or timezone.localdate()
    days = NotificationSettings.load().milestone_days_before
    horizon = today + datetime.timedelta(days=days)
    soon = [
        m
        for m in _milestones_for_reminders().filter(end__gte=month_start(today), end__lte=horizon)
        if today >= last_day_of_month(m.end) - datetime.timedelta(days=days)
    ]
    # Overdue without a report: its end month has passed and nobody has filed anything on it.
    overdue = list(
        _milestones_for_reminders()
        .filter(end__lt=month_start(today))
        .exclude(Exists(MilestoneUpdate.objects.filter(milestone=OuterRef("pk"))))
    )
    sent = 0
    for kind, milestones in ((Kind.MILESTONE_DUE_SOON, soon), (Kind.MILESTONE_OVERDUE, overdue)):
        by_user = _milestone_recipients(milestones)
        keys = {_milestone_item(m)["key"] for m in milestones}
        done = _already_sent(kind, keys)
        items_by_user = {}
        for user, user_milestones in by_user.items():
            items = [_milestone_item(m) for m in user_milestones]
            items = [item for item in items if (item["key"], user.pk) not in done]
            if items:
                items_by_user[user] = items
        sent += _send_batched(
            kind=kind,
            template=kind,
            items_by_user=items_by_user,
            dry_run=dry_run,
            extra={"days": days},
        )
    return sent


def _report_item(report) -> dict:
    is_inception = isinstance(report, InceptionReport)
    return {
        "key": f"{report._meta.model_name}:{report.pk}:{report.due_date or '-'}",
        "object": report,
        "report": report,
        "title": str(report.action_plan.title if is_inception else report.commitment),
        "type": report._meta.verbose_name,
        "due_date": report.due_date,
        "edit_url": absolute(report.get_workspace_url()),
    }


def send_report_reminders(*, today: datetime.date | None = None, dry_run: bool = False) -> int:
    """Evaluators: when a report is assigned, N days before it is due, and when it is overdue."""
    today = today or timezone.localdate()
    days = NotificationSettings.load().report_days_before
    stages: dict[str, list] = {
        Kind.REPORT_ASSIGNED: [],
        Kind.REPORT_DUE_SOON: [],
        Kind.REPORT_OVERDUE: [],
    }
    for model, related in (
        (InceptionReport, ["action_plan"]),
        (EndOfCommitmentReport, ["commitment", "action_plan"]),
    ):
        drafts = (
            model.objects.filter(status=Status.DRAFT)
            .select_related(*related)
            .prefetch_related("evaluators__groups")
        )
        for report in drafts:
            stages[Kind.REPORT_ASSIGNED].append(report)
            if report.due_date is None:
                continue
            if report.due_date < today:
                stages[Kind.REPORT_OVERDUE].append(report)
            elif report.due_date - datetime.timedelta(days=days) <= today:
                stages[Kind.REPORT_DUE_SOON].append(report)
    sent = 0
    for kind, reports in stages.items():
        items = [_report_item(report) for report in reports]
        done = _already_sent(kind, {item["key"] for item in items})
        items_by_user: dict = defaultdict(list)
        for item in items:
            for user in item["report"].evaluators.all():
                if not user.is_active or EVALUATOR not in {g.name for g in user.groups.all()}:
                    continue
                if (item["key"], user.pk) not in done:
                    items_by_user[user].append(item)
        sent += _send_batched(
            kind=kind,
            template=kind,
            items_by_user=dict(items_by_user),
            dry_run=dry_run,
            extra={"days": days},
        )
    return sent


def send_assignment_notices() -> int:
    """Tell evaluators of the reports newly assigned to them (run when evaluators change)."""
    items_by_user: dict = defaultdict(list)
    for model, related in (
        (InceptionReport, ["action_plan"]),
        (EndOfCommitmentReport, ["commitment", "action_plan"]),
    ):
        for report in (
            model.objects.filter(status=Status.DRAFT)
            .select_related(*related)
            .prefetch_related("evaluators__groups")
        ):
            item = _report_item(report)
            for user in report.evaluators.all():
                if user.is_active and EVALUATOR in {g.name for g in user.groups.all()}:
                    items_by_user[user].append(item)
    done = _already_sent(
        Kind.REPORT_ASSIGNED, {item["key"] for items in items_by_user.values() for item in items}
    )
    pending = {
        user: [item for item in items if (item["key"], user.pk) not in done]
        for user, items in items_by_user.items()
    }
    pending = {user: items for user, items in pending.items() if items}
    return _send_batched(
        kind=Kind.REPORT_ASSIGNED,
        template=Kind.REPORT_ASSIGNED,
        items_by_user=pending,
        dry_run=False,
        extra={"days": NotificationSettings.load().report_days_before},
    )


# The secretariat's summary ------------------------------------------------------------------


def secretariat_summary(*, today: datetime.date) -> dict:
    """What waits for the secretariat: comments, submitted reports, late milestones, failures."""
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time.min)
    )
    overdue = (
        Milestone.objects.filter(end__lt=month_start(today))
        .exclude(status="finished")
        .exclude(Exists(MilestoneUpdate.objects.filter(milestone=OuterRef("pk"))))
        .select_related("commitment")
        .order_by("end", "pk")
    )
    submitted = [
        *InceptionReport.objects.filter(status=Status.SUBMITTED).select_related("action_plan"),
        *EndOfCommitmentReport.objects.filter(status=Status.SUBMITTED).select_related("commitment"),
    ]
    week = SentEmail.objects.filter(created_at__gte=since - datetime.timedelta(days=6))
    failed = week.failed()
    # Left half-sent by a worker that died, and waiting or sent again (the failed are above).
    interrupted = week.filter(last_error=STUCK_ERROR).exclude(status=SentEmail.Status.FAILED)
    return {
        "pending_comments": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "submitted_reports": [
            {"report": r, "url": absolute(r.get_absolute_url())} for r in submitted[:20]
        ],
        "n_submitted": len(submitted),
        "overdue_milestones": list(overdue[:20]),
        "n_overdue": overdue.count(),
        "failed_emails": list(failed.order_by("-created_at")[:20]),
        "n_failed": failed.count(),
        "n_interrupted": interrupted.count(),
        "comments_url": absolute(reverse("admin:commitments_comment_changelist"))
        + "?status__exact=pending",
        "milestones_url": absolute(reverse("admin:commitments_milestone_changelist")),
        "sent_log_url": absolute(reverse("admin:notifications_sentemail_changelist"))
        + "?status__exact=failed",
    }


def send_secretariat_summary(*, today: datetime.date | None = None, dry_run: bool = False) -> int:
    """One summary a day to each member of the secretariat, when something waits for them."""
    today = today or timezone.localdate()
    summary = secretariat_summary(today=today)
    if not (
        summary["pending_comments"]
        or summary["n_submitted"]
        or summary["n_overdue"]
        or summary["n_failed"]
        or summary["n_interrupted"]
    ):
        return 0
    users = (
        get_user_model()
        .objects.filter(Q(groups__name=SECRETARIAT) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    items_by_user = {user: [{"key": f"summary:{today:%Y-%m-%d}", "object": None}] for user in users}
    done = _already_sent(Kind.SECRETARIAT_SUMMARY, {f"summary:{today:%Y-%m-%d}"})
    items_by_user = {
        user: items
        for user, items in items_by_user.items()
        if (items[0]["key"], user.pk) not in done
    }
    return _send_batched(
        kind=Kind.SECRETARIAT_SUMMARY,
        template=Kind.SECRETARIAT_SUMMARY,
        items_by_user=items_by_user,
        dry_run=dry_run,
        extra={"summary": summary, "today": today},
    )


def send_reminders(*, today: datetime.date | None = None, dry_run: bool = False) -> int:
    """Every reminder due today, to implementers and evaluators."""
    return send_milestone_reminders(today=today, dry_run=dry_run) + send_report_reminders(
        today=today, dry_run=dry_run
    )
