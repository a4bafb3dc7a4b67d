"""One search box for the whole portal, results grouped by kind.

Commitments are found by their full-text search (both languages, their milestones and
institutions: ``CommitmentQuerySet.search``). Institutions, action plans, documents and meetings
are matched word by word, without case or accents, in both language versions of their names and
texts (a trigram index on PostgreSQL). Each group shows its first hits and how many there are,
counting no further than ``MAX_COUNTED``; ``?kind=`` pages through that many of one kind.
Commitments are ranked among the newest ``MAX_COUNTED`` found: all of them, unless more match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import F, Func, Prefetch, Q, TextField
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments.models import Commitment, CommitmentInstitution, Milestone
from commitments.search import COMMITMENT_TEXTS, normalise, search_words
from ogptracker import pagecache
from plans.models import ActionPlan, Document, Institution, Meeting

MAX_QUERY = 200
GROUP_SIZE = 5
PAGE_SIZE = 20
# A group counts its hits up to here and says "more than" beyond; a kind's pages list this many.
MAX_COUNTED = 1000


class Searchable(Func):
    """Fields joined by spaces, in lower case, without accents (``ogp_unaccent``: a migration on
    PostgreSQL, a function on SQLite).

    The expression of the trigram indexes of migration ``commitments.0017``, to the letter: the
    planner uses an index only for the very expression it was built on.
    """

    template = "lower(ogp_unaccent(%(expressions)s))"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self, *names: str) -> None:
        fields = [Func(F(name), template="coalesce(%(expressions)s, '')") for name in names]
        super().__init__(*fields)


def words_match(fields: list[str], words: list[str]) -> tuple[dict, Q]:
    """An alias and a filter: every word appears in at least one of ``fields``.

    A word holds no space, so it appears in the joined text only where it appears in a field.
    """
    matches = Q()
    for word in words:
        matches &= Q(_searchable__contains=word)
    return {"_searchable": Searchable(*fields)}, matches


def count_at_most(qs) -> int:
    """How many rows ``qs`` has, counting no further than one past ``MAX_COUNTED``: counted once
    per version of the data for each query (a word's matches in long texts are many)."""
    counted = qs.order_by().values("pk")[: MAX_COUNTED + 1]
    return pagecache.kept_for_query("count-at-most", counted, counted.count)


class CountedPaginator(Paginator):
    """Pages through the first ``MAX_COUNTED`` objects, without counting the rest."""

    @cached_property
    def found(self) -> int:
        return count_at_most(self.object_list)

    @cached_property
    def count(self) -> int:
        return min(self.found, MAX_COUNTED)

    @property
    def more(self) -> bool:
        """More objects than are paged through."""
        return self.found > MAX_COUNTED


def where_matched(obj, fields: dict[str, str], words: list[str]) -> list[str]:
    """Labels of the fields of ``obj`` holding one of ``words`` (or a word of the same stem)."""
    stems = [word[: max(4, len(word) - 3)] for word in words]
    found = []
    for label, names in fields.items():
        text = normalise(" ".join(str(getattr(obj, name, "") or "") for name in names.split()))
        if any(stem in text for stem in stems) and label not in found:
            found.append(label)
    return found


@dataclass
class Hit:
    obj: object
    url: str
    matched: list[str] = field(default_factory=list)
    file_url: str = ""


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit]
    count: int
    page: object = None
    more: bool = False  # more hits than ``count``


def _both(*names: str) -> str:
    return " ".join(f"{name}_es {name}_en" for name in names)


def _commitments(user, text: str, words: list[str]):
    found = Commitment.objects.visible_to(user).search_first(text, MAX_COUNTED + 1)
    ordering = ("-rank", "number", "pk") if "rank" in found.query.annotations else ("number", "pk")
    qs = found.order_by(*ordering).prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("number", "pk")),
        Prefetch(
            "institution_roles",
            queryset=CommitmentInstitution.objects.select_related("institution"),
        ),
    )
    labels = {
        _("Title"): _both("title", "short_title"),
        _("Texts"): _both(*COMMITMENT_TEXTS[2:]),
    }

    def hit(commitment) -> Hit:
        matched = where_matched(commitment, labels, words)
        if commitment.ogp_id and commitment.ogp_id.lower() in words:
            matched.insert(0, _("OGP ID"))
        for milestone in commitment.milestones.all():
            if where_matched(milestone, {"m": _both("title", "description")}, words):
                matched.append(_("Milestone: %(title)s") % {"title": milestone.title})
                break
        for role in commitment.institution_roles.all():
            institution = role.institution
            if where_matched(institution, {"i": "name name_en acronym"}, words):
                matched.append(_("Institution: %(name)s") % {"name": institution.label})
                break
        return Hit(commitment, commitment.get_absolute_url(), matched)

    return qs, hit


def _institutions(user, text: str, words: list[str]):
    aliases, matches = words_match(["name", "name_en", "acronym"], words)
    qs = Institution.objects.alias(**aliases).filter(matches).order_by("name", "pk")
    labels = {_("Name"): "name name_en", _("Acronym"): "acronym"}
    return qs, lambda obj: Hit(obj, obj.get_absolute_url(), where_matched(obj, labels, words))


def _plans(user, text: str, words: list[str]):
    names = ["title_es", "title_en", "introduction_es", "introduction_en"]
    aliases, matches = words_match(names, words)
    qs = (
        ActionPlan.objects.visible_to(user)
        .select_related("member")
        .alias(**aliases)
        .filter(matches)
        .order_by("-start_year", "pk")
    )
    labels = {_("Title"): _both("title"), _("Introduction"): _both("introduction")}
    return qs, lambda obj: Hit(obj, obj.get_absolute_url(), where_matched(obj, labels, words))


def _document_page(document) -> str:
    for parent in ("milestone", "commitment", "action_plan", "member"):
        obj = getattr(document, parent)
        if obj is not None:
            if parent == "milestone":
                return obj.commitment.get_absolute_url()
            return obj.get_absolute_url()
    if document.meeting is not None and document.meeting.forum is not None:
        return document.meeting.forum.get_absolute_url()
    return ""


def _documents(user, text: str, words: list[str]):
    aliases, matches = words_match(["title_es", "title_en"], words)
    qs = (
        Document.objects.visible_to(user)
        .alias(**aliases)
        .filter(matches)
        .select_related(
            "member", "action_plan", "commitment", "milestone__commitment", "meeting__forum"
        )
        .order_by("-year", "title", "pk")
    )
    labels = {_("Title"): _both("title")}

    def hit(document) -> Hit:
        return Hit(
            document,
            _document_page(document),
            where_matched(document, labels, words),
            file_url=document.link,
        )

    return qs, hit


def _meetings(user, text: str, words: list[str]):
    names = ["title_es", "title_en", "summary_es", "summary_en"]
    aliases, matches = words_match(names, words)
    qs = (
        Meeting.objects.visible_to(user)
        .alias(**aliases)
        .filter(matches)
        .select_related("forum", "action_plan")
        .order_by("-date", "pk")
    )
    labels = {_("Title"): _both("title"), _("Summary"): _both("summary")}

    def hit(meeting) -> Hit:
        if meeting.forum is not None:
            url = meeting.forum.get_absolute_url()
        elif meeting.action_plan is not None:
            url = meeting.action_plan.get_absolute_url()
        else:
            url = ""
        return Hit(meeting, url, where_matched(meeting, labels, words))

    return qs, hit


KINDS = {
    "commitments": (gettext_lazy("Commitments"), _commitments),
    "institutions": (gettext_lazy("Institutions"), _institutions),
    "plans": (gettext_lazy("Action plans"), _plans),
    "documents": (gettext_lazy("Documents"), _documents),
    "meetings": (gettext_lazy("Meetings"), _meetings),
}


def search_groups(user, text: str, kind: str = "", page: str | int = 1) -> list[Group]:
    """The hits for ``text``: every kind's first few, or one kind (``kind``) a page at a time."""
    words = search_words(text)
    if not words:
        return []
    groups = []
    for key, (label, finder) in KINDS.items():
        if kind and key != kind:
            continue
        qs, to_hit = finder(user, text, words)
        if kind:
            paginator = CountedPaginator(qs, PAGE_SIZE)
            current = paginator.get_page(page)
            hits = [to_hit(obj) for obj in current.object_list]
            groups.append(
                Group(key, str(label), hits, paginator.count, current, more=paginator.more)
            )
        else:
            found = count_at_most(qs)
            hits = [to_hit(obj) for obj in qs[:GROUP_SIZE]] if found else []
            count = min(found, MAX_COUNTED)
            groups.append(Group(key, str(label), hits, count, more=found > MAX_COUNTED))
    return groups


def search(request):
    """``/es/buscar/?q=…``, ``/en/search/?q=…``: everything that matches, grouped by kind."""
    text = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        kind = ""
    groups = search_groups(request.user, text, kind, request.GET.get("page") or 1)
    total = sum(group.count for group in groups)
    more = any(group.more for group in groups)
    explorer = reverse("commitments:list") + "?" + urlencode({"q": text}) if text else ""
    return render(
        request,
        "commitments/search.html",
        {
            "q": text,
            "kind": kind,
            "kind_label": KINDS[kind][0] if kind else "",
            "groups": groups,
            "total": total,
            "more": more,
            "searched": bool(search_words(text)),
            "explorer_url": explorer,
            "query": urlencode({"q": text, "kind": kind}),
            "page": groups[0].page if kind and groups else None,
        },
    )
