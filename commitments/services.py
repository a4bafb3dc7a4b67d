"""Writes that keep the invariants of commitments: every status change and progress report is
recorded in the public history, with a reason, and that history is never rewritten."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.models import (
    Comment,
    EvidenceFile,
    EvidenceLink,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
)
from commitments.signals import comments_approved
from ogptracker.text import clean_instance, clean_text
from ogptracker.uploads import MAX_EVIDENCE_FILES, check_evidence_file, clean_file_name
from plans.roles import is_implementer, is_secretariat

__all__ = [
    "Evidence",
    "can_update_milestone",
    "change_milestone_status",
    "is_secretariat",
    "moderate_comments",
    "parse_evidence_lines",
    "publish_official_reply",
    "record_milestone_update",
]


@dataclass(frozen=True)
class Evidence:
    url: str
    title: str = ""


def can_update_milestone(user, milestone: Milestone) -> bool:
    """The secretariat may update any milestone; an implementer only its institutions’ ones."""
    if is_secretariat(user):
        return True
    if not is_implementer(user):
        return False
    return milestone.commitment.institution_roles.filter(institution__staff=user).exists()


def parse_evidence_lines(text: str) -> list[Evidence]:
    """Read evidence links written one per line as “URL” or “Title | URL”."""
    links: list[Evidence] = []
    errors: list[str] = []
    validate = URLValidator(schemes=["http", "https"])
    url_limit = EvidenceLink._meta.get_field("url").max_length
    title_limit = EvidenceLink._meta.get_field("title").max_length
    # Cleaned first: splitlines() also breaks at control characters such as U+0085.
    for number, raw in enumerate(clean_text(text).splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        title, _sep, url = line.rpartition("|")
        title, url = title.strip(), url.strip()
        if len(url) > url_limit:
            errors.append(
                _("Line %(line)s: the link has %(length)s characters; at most %(limit)s.")
                % {"line": number, "length": len(url), "limit": url_limit}
            )
            continue
        try:
            validate(url)
        except ValidationError:
            errors.append(
                _("Line %(line)s: “%(url)s” is not a web address (http:// or https://).")
                % {"line": number, "url": url}
            )
            continue
        links.append(Evidence(url=url, title=title[:title_limit]))
    if errors:
        raise ValidationError(errors)
    return links


def _clean_evidence(evidence: Iterable) -> list[Evidence]:
    validate = URLValidator(schemes=["http", "https"])
    cleaned = []
    for item in evidence:
        if isinstance(item, Evidence):
            link = item
        elif isinstance(item, dict):
            link = Evidence(url=item.get("url", ""), title=item.get("title", "") or "")
        else:
            link = Evidence(url=str(item))
        for name in ("url", "title"):
            limit = EvidenceLink._meta.get_field(name).max_length
            if len(getattr(link, name)) > limit:
                raise ValidationError(
                    {
                        "evidence": _("A link or its title has at most %(limit)s characters.")
                        % {"limit": limit}
                    }
                )
        try:
            validate(link.url)
        except ValidationError as error:
            raise ValidationError(
                {"evidence": _("“%(url)s” is not a web address.") % {"url": link.url}}
            ) from error
        cleaned.append(link)
    return cleaned


def _clean_files(files: Iterable) -> list[tuple]:
    """(upload, content type, clean name) for each evidence file; all errors at once."""
    files = [upload for upload in files if upload]
    errors: list[ValidationError] = []
    if len(files) > MAX_EVIDENCE_FILES:
        errors.append(
            ValidationError(
                _("Attach at most %(max)s files to one entry; %(count)s were sent.")
                % {"max": MAX_EVIDENCE_FILES, "count": len(files)}
            )
        )
    cleaned = []
    for upload in files:
        try:
            cleaned.append((upload, check_evidence_file(upload), clean_file_name(upload.name)))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError({"files": errors})
    return cleaned


def _clean_happened_on(happened_on):
    if happened_on is None:
        return None
    if happened_on > timezone.localdate():
        raise ValidationError(
            {"happened_on": _("The date a fact happened cannot be in the future.")}
        )
    return happened_on


@transaction.atomic
def record_milestone_update(
    *,
    milestone: Milestone,
    by,
    note: str,
    new_status: str | None = None,
    evidence: Iterable = (),
    files: Iterable = (),
    happened_on=None,
    corrects: MilestoneUpdate | int | None = None,
) -> MilestoneUpdate:
    """Write one entry of a milestone's public history, and set its status when it changes.

    The only code that changes a milestone's status or writes its history. Every entry says why
    (``note``, required). With ``new_status`` equal to the current one (or ``None``) the entry is
    a progress report; with ``corrects`` it is a correction of that earlier entry of the same
    milestone (which may also set the status right). Raises ``PermissionDenied`` when ``by`` may
    not update the milestone and ``ValidationError`` (keyed by field) for bad input; nothing is
    written then.
    """
    note = clean_text(note or "").strip()
    if not note:
        raise ValidationError(
            {"note": _("Say why: every entry of the public history needs a note.")}
        )
    if new_status is not None and new_status not in MilestoneStatus.values:
        raise ValidationError(
            {"status": _("“%(status)s” is not a milestone status.") % {"status": new_status}}
        )
    links = _clean_evidence(evidence)
    uploads = _clean_files(files)
    happened_on = _clean_happened_on(happened_on)
    # Two editors, one winner: the row stays locked until the entry is written.
    locked = Milestone.objects.select_for_update().select_related("commitment").get(pk=milestone.pk)
    if not can_update_milestone(by, locked):
        raise PermissionDenied(_("You may not update this milestone."))
    corrected = None
    if corrects is not None:
        corrected_pk = getattr(corrects, "pk", corrects)
        corrected = MilestoneUpdate.objects.filter(pk=corrected_pk, milestone=locked).first()
        if corrected is None:
            raise ValidationError(
                {"corrects": _("Choose an earlier entry of this milestone's history.")}
            )
    if new_status is None:
        new_status = locked.status
    if corrected is not None:
        kind = MilestoneUpdate.Kind.CORRECTION
    elif new_status != locked.status:
        kind = MilestoneUpdate.Kind.STATUS_CHANGE
    else:
        kind = MilestoneUpdate.Kind.PROGRESS_REPORT
    author_institution = None
    if not is_secretariat(by):
        author_institution = locked.commitment.institutions.filter(staff=by).order_by("pk").first()
    update = MilestoneUpdate(
        milestone=locked,
        kind=kind,
        author=by,
        author_institution=author_institution,
        old_status=locked.status,
        new_status=new_status,
        note=note,
        happened_on=happened_on,
        corrects=corrected,
    )
    update.save()
    evidence_links = [EvidenceLink(update=update, url=link.url, title=link.title) for link in links]
    for evidence_link in evidence_links:
        clean_instance(evidence_link)  # bulk_create sends no pre_save
    EvidenceLink.objects.bulk_create(evidence_links)
    stored_names: list[str] = []
    try:
        for upload, content_type, name in uploads:
            stored = EvidenceFile(update=update, original_name=name, content_type=content_type)
            stored.size = upload.size
            stored.file.save(name, upload, save=False)
            stored_names.append(stored.file.name)
            stored.save()
        if new_status != locked.status:
            locked.status = new_status
            locked.save(update_fields=["status", "updated_at"])
    except BaseException:
        # The transaction rolls the rows back; the files already written go with them.
        storage = EvidenceFile._meta.get_field("file").storage
        for stored_name in stored_names:
            storage.delete(stored_name)
        raise
    milestone.status = locked.status
    return update


def change_milestone_status(
    *,
    milestone: Milestone,
    new_status: str,
    by,
    note: str = "",
    evidence: Iterable = (),
    files: Iterable = (),
    happened_on=None,
) -> Milestone:
    """Set a milestone's status with the reason (``note``) and evidence, as a history entry.

    Setting the status it already has files a progress report. See ``record_milestone_update``.
    """
    if new_status not in MilestoneStatus.values:
        raise ValidationError(
            {"status": _("“%(status)s” is not a milestone status.") % {"status": new_status}}
        )
    update = record_milestone_update(
        milestone=milestone,
        by=by,
        note=note,
        new_status=new_status,
        evidence=evidence,
        files=files,
        happened_on=happened_on,
    )
    return update.milestone


@transaction.atomic
def moderate_comments(*, comments, status: str, by) -> int:
    """Approve, reject or mark comments as spam; those newly approved are announced.

    The one path of moderation (the admin's actions and its edit form), so whatever follows an
    approval (a commenter's follow, for instance) listens to ``comments_approved``.
    """
    if status not in Comment.Status.values:
        raise ValidationError(
            {"status": _("“%(status)s” is not a comment status.") % {"status": status}}
        )
    changing = list(comments.exclude(status=status).select_for_update())
    if not changing:
        return 0
    Comment.objects.filter(pk__in=[c.pk for c in changing]).update(
        status=status, moderated_at=timezone.now(), moderated_by=by
    )
    if status == Comment.Status.APPROVED:
        for comment in changing:
            comment.status = status
        comments_approved.send(sender=Comment, comments=changing)
    return len(changing)


@transaction.atomic
def publish_official_reply(*, comment: Comment, text: str, by, language: str) -> Comment:
    """Publish the secretariat's reply under an approved comment, shown marked as official."""
    from django.utils import timezone

    if not is_secretariat(by):
        raise PermissionDenied
    parent = Comment.objects.select_for_update().get(pk=comment.pk)
    if parent.status != Comment.Status.APPROVED:
        raise ValidationError(
            _("Approve the comment before replying to it: only approved comments are shown.")
        )
    text = clean_text(text).strip()
    if not text:
        raise ValidationError(_("Write the reply."))
    if len(text) > 5000:
        raise ValidationError(_("The reply can have at most 5000 characters."))
    now = timezone.now()
    return Comment.objects.create(
        content_type_id=parent.content_type_id,
        object_id=parent.object_id,
        reply_to=parent,
        name=(by.get_full_name() or by.get_username())[:100],
        email=by.email or "noreply@localhost",
        text=text,
        language=language,
        status=Comment.Status.APPROVED,
        is_official=True,
        author=by,
        moderated_at=now,
        moderated_by=by,
    )
