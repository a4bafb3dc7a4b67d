"""Atom feeds of milestone updates: site-wide, per action plan and per commitment."""

from __future__ import annotations

import io

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from commitments.models import Commitment, MilestoneStatus, MilestoneUpdate
from ogptracker.keys import is_ascii_digits, parse_pk
from ogptracker.text import clean_text
from plans.models import ActionPlan
from plans.templatetags.portal import shown

FEED_SIZE = 50


def _label(choices, value) -> str:
    """The label of ``value`` among ``choices``, else the value itself: one translation, where
    ``get_FOO_display`` translates every choice to find it (fifty entries a feed)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _cleaned(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_cleaned(item) for item in value)
    return value


class CleanAtom1Feed(Atom1Feed):
    """Atom without the code points XML cannot carry, whatever rows stored before they were
    cleaned on save hold: one of them would make the whole feed fail."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *[_cleaned(a) for a in args], **{k: _cleaned(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *[_cleaned(a) for a in args], **{k: _cleaned(v) for k, v in kwargs.items()}
        )

    def write(self, outfile, encoding):
        # Written whole, then given to the response at once: the response encodes and keeps
        # each write, and the XML writer makes several per element.
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


class UpdatesFeed(Feed):
    """Every status change of every published milestone, newest first."""

    feed_type = CleanAtom1Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def title(self, obj=None) -> str:
        return _("Milestone updates · ogptracker")

    def subtitle(self, obj=None) -> str:
        return _("Every status change of the commitments of the open government action plans.")

    def link(self, obj=None) -> str:
        return reverse("commitments:home")

    def feed_url(self, obj=None) -> str:
        return reverse("commitments:feed")

    def updates(self, obj=None):
        return MilestoneUpdate.objects.published()

    def items(self, obj=None):
        return (
            self.updates(obj)
            .select_related("milestone__commitment", "author_institution")
            # As lists: no related manager per entry.
            .prefetch_related(
                Prefetch("evidence", to_attr="listed_evidence"),
                Prefetch("files", to_attr="listed_files"),
            )
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: MilestoneUpdate) -> str:
        commitment = item.milestone.commitment
        if item.changes_status:
            title = _("%(commitment)s, milestone %(number)s: %(old)s → %(new)s") % {
                "commitment": commitment.ogp_id or commitment.title,
                "number": item.milestone.number,
                "old": _label(MilestoneStatus, item.old_status),
                "new": _label(MilestoneStatus, item.new_status),
            }
        else:
            title = _("%(commitment)s, milestone %(number)s: %(kind)s") % {
                "commitment": commitment.ogp_id or commitment.title,
                "number": item.milestone.number,
                "kind": _label(MilestoneUpdate.Kind, item.kind),
            }
        if item.kind == MilestoneUpdate.Kind.CORRECTION and item.changes_status:
            title = f"{title} ({_label(MilestoneUpdate.Kind, item.kind)})"
        return title

    def item_description(self, item: MilestoneUpdate) -> str:
        """The entry as HTML, as its type="html" says: milestone, note, evidence links.

        Every stored text is escaped; only the markup written here is HTML.
        """
        # Each text carries its language: the milestone's title in the feed's language, else
        # in the other one, marked; the note in the language it was written in.
        title = shown(item.milestone.shown("title"))
        parts = [format_html("<p>{}. {}</p>", item.milestone.number, title)]
        if item.note:
            note = mark_safe(linebreaks(item.note, autoescape=True))
            parts.append(format_html('<div lang="{}">{}</div>', item.language, note))
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            [
                *((link.url, link.title or link.url) for link in item.listed_evidence),
                *(
                    (self.request.build_absolute_uri(f.get_absolute_url()), f.original_name)
                    for f in item.listed_files
                ),
            ],
        )
        if links:
            parts.append(format_html("<p>{}:</p><ul>{}</ul>", _("Evidence"), links))
        return "\n".join(parts)

    def item_link(self, item: MilestoneUpdate) -> str:
        return f"{item.milestone.commitment.get_absolute_url()}#update-{item.pk}"

    def item_guid(self, item: MilestoneUpdate) -> str:
        return f"{self.request.build_absolute_uri('/')}milestone-updates/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: MilestoneUpdate):
        return item.created_at

    def item_updateddate(self, item: MilestoneUpdate):
        return item.created_at

    def item_author_name(self, item: MilestoneUpdate) -> str:
        if item.author_institution:
            return item.author_institution.label
        return _("Local Technical Secretariat")


class PlanUpdatesFeed(UpdatesFeed):
    """The updates of one published action plan's commitments."""

    def get_object(self, request, slug: str):
        self.request = request
        return get_object_or_404(ActionPlan.objects.published(), slug=slug)

    def title(self, obj) -> str:
        return _("Milestone updates: %(plan)s") % {"plan": obj.title}

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj) -> str:
        return reverse("commitments:plan_feed", kwargs={"slug": obj.slug})

    def updates(self, obj):
        return super().updates(obj).filter(milestone__commitment__action_plans=obj)


class CommitmentUpdatesFeed(UpdatesFeed):
    """The updates of one published commitment."""

    def get_object(self, request, key: str):
        self.request = request
        published = Commitment.objects.published()
        if is_ascii_digits(key):
            pk = parse_pk(key)
            if pk is None:
                raise Http404
            return get_object_or_404(published, pk=pk)
        return get_object_or_404(published, ogp_id=key.upper())

    def title(self, obj) -> str:
        return _("Milestone updates: %(commitment)s") % {"commitment": obj}

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj) -> str:
        return reverse("commitments:commitment_feed", kwargs={"key": obj.key})

    def updates(self, obj):
        return super().updates(obj).filter(milestone__commitment=obj)
