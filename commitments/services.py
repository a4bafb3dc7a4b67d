"""Writes that keep the invariants of commitments: every status change is recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from commitments.models import (
    Comment,
    EvidenceLink,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
)
from ogptracker.text import clean_instance, clean_text
from plans.roles import is_implementer, is_secretariat

__all__ = [
    "Evidence",
    "can_update_milestone",
    "change_milestone_status",
    "is_secretariat",
    "parse_evidence_lines",
    "publish_official_reply",
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


@transaction.atomic
def change_milestone_status(
    *,
    milestone: Milestone,
    new_status: str,
    by,
    note: str = "",
    evidence: Iterable = (),
) -> Milestone:
    """Set a milestone's status and record the change in its public history.

    The only code that changes a milestone's status. Raises ``PermissionDenied`` when ``by`` may
    not update the milestone and ``ValidationError`` for an unknown status or a bad link.
    """
    if new_status not in MilestoneStatus.values:
        raise ValidationError(
            {"status": _("“%(status)s” is not a milestone status.") % {"status": new_status}}
        )
    links = _clean_evidence(evidence)
    # Two editors, one winner: the row stays locked until the update is written.
    locked = Milestone.objects.select_for_update().select_related("commitment").get(pk=milestone.pk)
    if not can_update_milestone(by, locked):
        raise PermissionDenied(_("You may not update this milestone."))
    if new_status == locked.status:
        milestone.status = locked.status
        return locked
    author_institution = None
    if not is_secretariat(by):
        author_institution = locked.commitment.institutions.filter(staff=by).order_by("pk").first()
    update = MilestoneUpdate.objects.create(
        milestone=locked,
        author=by,
        author_institution=author_institution,
        old_status=locked.status,
        new_status=new_status,
        note=note.strip(),
    )
    evidence_links = [EvidenceLink(update=update, url=link.url, title=link.title) for link in links]
    for evidence_link in evidence_links:
        clean_instance(evidence_link)  # bulk_create sends no pre_save
    EvidenceLink.objects.bulk_create(evidence_links)
    locked.status = new_status
    locked.save(update_fields=["status", "updated_at"])
    milestone.status = new_status
    return locked


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
