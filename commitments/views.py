"""Public pages: home, the commitments explorer and its CSV, a commitment, and comments."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import (
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commitments import charts, choices, exports
from commitments.filters import CommitmentFilter
from commitments.forms import CommentForm
from commitments.models import (
    LONG_TEXTS,
    Comment,
    Commitment,
    CommitmentInstitution,
    EvidenceFile,
    EvidenceLink,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    OverdueKind,
    Progress,
)
from ogptracker import pagecache
from ogptracker.keys import MAX_PK, is_ascii_digits, parse_pk
from ogptracker.pagination import KnownCountPaginator, in_key_order, in_key_order_each
from plans.models import ActionPlan, Document, Member

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 30
MILESTONES_PAGE_SIZE = 30

SORTS = {
    "relevance": (gettext_lazy("Relevance"), ("-relevance", "number", "pk")),
    "number": (gettext_lazy("Number"), ("number", "pk")),
    "title": (gettext_lazy("Title (A–Z)"), ("title", "pk")),
    "progress": (gettext_lazy("Most progress first"), ("-progress_ratio", "number", "pk")),
    "-progress": (gettext_lazy("Least progress first"), ("progress_ratio", "number", "pk")),
    "end": (gettext_lazy("End date"), ("end", "number", "pk")),
    "updated": (gettext_lazy("Recently updated"), ("-updated_at", "pk")),
}


def ready_to_display(updates):
    """History entries with what ``includes/updates.html`` reads, loaded up front but for their
    evidence and corrections, which ``with_evidence`` adds to the rows shown."""
    return (
        updates.select_related("milestone__commitment", "author_institution", "corrects")
        # An entry names its commitment and its milestone: never their long texts (kilobytes
        # in two languages).
        .defer(
            *(f"milestone__commitment__{name}" for name in LONG_TEXTS),
            *(f"milestone__description{suffix}" for suffix in ("", "_es", "_en")),
        )
        # Most entries have no evidence and none is corrected: they are read only for those that do.
        .annotate(
            has_links=Exists(EvidenceLink.objects.filter(update=OuterRef("pk"))),
            has_files=Exists(EvidenceFile.objects.filter(update=OuterRef("pk"))),
            has_corrections=Exists(MilestoneUpdate.objects.filter(corrects=OuterRef("pk"))),
        )
        .order_by("-created_at", "-pk")
    )


def with_evidence(updates) -> list:
    """The entries of ``ready_to_display`` as a list, each with ``listed_evidence``,
    ``listed_files`` and ``listed_corrections``: one query for each of these that any has."""
    updates = list(updates)
    for flag, lookup in (
        ("has_links", Prefetch("evidence", to_attr="listed_evidence")),
        ("has_files", Prefetch("files", to_attr="listed_files")),
        (
            "has_corrections",
            Prefetch(
                "corrections",
                queryset=MilestoneUpdate.objects.order_by("created_at", "pk"),
                to_attr="listed_corrections",
            ),
        ),
    ):
        having = [update for update in updates if getattr(update, flag)]
        for update in updates:
            if not getattr(update, flag):
                setattr(update, lookup.to_attr, [])
        if having:
            prefetch_related_objects(having, lookup)
    return updates


def visible_updates(user):
    """Milestone updates of commitments the user may see, newest first, ready to display."""
    return ready_to_display(MilestoneUpdate.objects.visible_to(user))


HOME_MEMBERS = 12
HOME_PLANS = 6


def _kept_keys(name: str, keys) -> list:
    """The keys ``keys()`` chooses, kept per version of the public data, language and day under
    ``name`` (for choices of published rows only, the same for every reader)."""
    return pagecache.kept_for_the_day(f"{name}:{get_language()}", lambda: list(keys()))


def home(request):
    """What the portal is, the largest members, plans in implementation, status counts, updates.

    Bounded at any size: a selection of members and plans with links to the full lists, and the
    portal's totals read from the precomputed roll-up.
    """
    from commitments.rollups import MEMBER, SITE, Rollup, Tally
    from plans.views import PLAN_CARD_COLUMNS

    # The largest members: those whose roll-up reaches the count of the (HOME_MEMBERS + 1)th
    # largest, read from the top of the roll-ups' index, then ordered with their ties by name.
    # Chosen once per version of the public data and language (the ties go by name), like the
    # plans below: the same for every reader, then loaded by key.
    with_plans = Rollup.objects.filter(scope=MEMBER, n_plans__gt=0)
    threshold = with_plans.order_by("-n_commitments").values("n_commitments")[
        HOME_MEMBERS : HOME_MEMBERS + 1
    ]
    largest = with_plans.filter(n_commitments__gte=Coalesce(Subquery(threshold), 0))
    members = Member.objects.with_progress().select_related("country")
    members = in_key_order(
        members,
        _kept_keys(
            f"home:members:{HOME_MEMBERS}",
            lambda: (
                members.filter(pk__in=largest.values("object_id"))
                .order_by("-n_commitments", "name", "pk")
                .values_list("pk", flat=True)[: HOME_MEMBERS + 1]
            ),
        ),
    )
    plans = (
        ActionPlan.objects.published()
        .only(*PLAN_CARD_COLUMNS)
        .with_progress()
        .select_related("member")
    )
    current, past = in_key_order_each(  # both lists' rows in one query
        plans,
        *(
            _kept_keys(
                f"home:plans:{name}:{HOME_PLANS}",
                lambda chosen=chosen: chosen.order_by("-start_year", "title", "pk").values_list(
                    "pk", flat=True
                )[:HOME_PLANS],
            )
            for name, chosen in (
                ("current", plans.in_implementation()),
                ("past", plans.in_implementation(negate=True)),
            )
        ),
    )
    site = Rollup.objects.filter(scope=SITE, object_id=0).first()
    tally = site.tally if site else Tally({})
    unreported = tally.overdue(status=MilestoneStatus.NOT_REPORTED)
    statuses = [
        {"status": status, "label": label, "count": tally.count(status)}
        for status, label in MilestoneStatus.choices
    ]
    return render(
        request,
        "commitments/home.html",
        {
            "members": members[:HOME_MEMBERS],
            "more_members": len(members) > HOME_MEMBERS,
            "current_plans": current,
            "past_plans": past,
            "plans_total": site.n_plans if site else None,  # published plans, for the chart
            "statuses": statuses,
            "milestones_total": tally.total,
            "milestones_overdue_all": tally.overdue(),
            "milestones_overdue": tally.overdue() - unreported,
            "milestones_overdue_unreported": unreported,
            "updates": with_evidence(visible_updates(request.user)[:8]),
            "rule": Progress.RULE,
        },
    )


def explore(request, data=None):
    """Tuple (filter, ordered QuerySet, sort key, ranked keys) for the explorer.

    ``ranked``: when sorting by relevance finds more matches than are ranked, the keys of the
    newest, which alone are ranked and come first (see ``CommitmentQuerySet.by_relevance``);
    else None.
    """
    commitments = Commitment.objects.visible_to(request.user).for_listing()
    data = request.GET if data is None else data
    found = CommitmentFilter(data, queryset=commitments, request=request)
    qs = found.qs.annotate(
        progress_ratio=Cast("n_finished", FloatField())
        / NullIf(Cast("n_milestones", FloatField()), 0.0)
    )
    searching = bool(found.form.is_valid() and found.form.cleaned_data.get("q"))
    sort = request.GET.get("sort") or ("relevance" if searching else "number")
    if sort not in SORTS or (sort == "relevance" and not searching):
        sort = "number"
    ranked = None
    if sort == "relevance":
        qs, ranked = qs.by_relevance()
    ordering = [
        F(field[1:]).desc(nulls_last=True)
        if field.startswith("-")
        else F(field).asc(nulls_last=True)
        for field in SORTS[sort][1]
    ]
    return found, qs.order_by(*ordering), sort, ranked


def paginate_commitments(qs, number, per_page: int = PAGE_SIZE, ranked: list[int] | None = None):
    """A page of ``qs`` in two steps: the page's keys from a narrow query, then its 25 rows.

    Sorting and skipping touch only keys (and whatever the order needs); the wide rows, their
    progress counts and related rows are loaded for the page alone. With ``ranked`` keys (see
    ``explore``), which come first, a page among them sorts those alone, and a later page the
    others alone, by number.
    """
    keys_qs = qs.values_list("pk", flat=True)
    # Counting every match is the costly part: counted once per version of the data.
    page = pagecache.CountOncePaginator(keys_qs, per_page).get_page(number)
    if ranked:
        start, end = page.start_index() - 1, page.end_index()
        # Ranked once per version of the data for each search and page.
        keys = pagecache.kept_for_query(
            "ranked", keys_qs, lambda: _ranked_page_keys(qs, ranked, start, end), start, end
        )
    else:
        keys = list(page.object_list)
    rows = Commitment.objects.for_listing()
    if hasattr(qs.query, "annotations") and "rank" in qs.query.annotations:
        rows = rows.annotate(rank=qs.query.annotations["rank"])
    page.object_list = in_key_order(rows, keys)
    return page


def _ranked_page_keys(qs, ranked: list[int], start: int, end: int) -> list[int]:
    """Keys of rows ``start``–``end`` of ``qs``, whose first ``len(ranked)`` rows are ``ranked``."""
    keys = []
    if start < len(ranked):
        # ``qs`` selected the ranked keys: they are ranked, not searched and filtered again.
        among = (
            qs.model.objects.filter(pk__any_of=ranked)
            .annotate(relevance=qs.query.annotations["rank"])
            .order_by(*qs.query.order_by)
            .values_list("pk", flat=True)
        )
        keys += among[start : min(end, len(ranked))]
    if end > len(ranked):
        others = qs.exclude(pk__any_of=ranked).order_by(F("number").asc(nulls_last=True), "pk")
        keys += others.values_list("pk", flat=True)[max(start - len(ranked), 0) : end - len(ranked)]
    return keys


def commitment_list(request):
    """The explorer: filters in the query string, counts, sorting, pagination, CSV link."""
    data, matches = choices.resolve(request.GET)
    found, qs, sort, ranked = explore(request, data)
    searchable = choices.make_searchable(found.form, matches, data)
    for field in found.form.fields.values():
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = _("Any")
    status = found.form.fields["status"]
    status.empty_label = None
    status.choices = [("", _("Any")), *MilestoneStatus.choices]
    # NullBooleanSelect marks “unknown” (no filter) as its empty value.
    kind = found.form.fields["overdue_kind"]
    kind.empty_label = None
    kind.choices = [("", _("Any")), *OverdueKind.choices]
    found.form.fields["overdue"].widget.choices = [
        ("unknown", _("Any")),
        ("true", _("Only commitments with overdue milestones")),
        ("false", _("Only commitments without overdue milestones")),
    ]
    page = paginate_commitments(qs, request.GET.get("page"), ranked=ranked)
    query = data.copy()
    query.pop("page", None)
    csv_query = query.copy()
    csv_query.pop("sort", None)
    return render(
        request,
        "commitments/list.html",
        {
            "filter": found,
            "searchable": searchable,
            "page": page,
            "sort": sort,
            "ranked_matches": len(ranked) if ranked else None,
            "sorts": [(key, label) for key, (label, _fields) in SORTS.items()],
            "query": query.urlencode(),
            "csv_query": csv_query.urlencode(),
            "filtered": any(
                value not in {"", "unknown"}
                for key, value in request.GET.items()
                if key not in {"page", "sort"}
            ),
            "rule": Progress.RULE,
        },
    )


def commitment_csv(request):
    """The explorer's filtered set as CSV, in the same columns as the open data exports."""
    found = CommitmentFilter(request.GET, queryset=Commitment.objects.published(), request=request)
    records = exports.commitment_records(commitments=found.qs)
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(
        exports.stream_csv(exports.COMMITMENT_HEADER, records),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="commitments-{stamp}.csv"'
    return response


def _get_commitment(request, key: str, queryset=None) -> Commitment:
    visible = (queryset if queryset is not None else Commitment.objects).visible_to(request.user)
    if is_ascii_digits(key):
        pk = parse_pk(key)
        if pk is None:
            raise Http404
        return get_object_or_404(visible, pk=pk)
    return get_object_or_404(visible, ogp_id=key.upper())


def commitment_detail(request, key: str):
    """A commitment: at a glance, description, milestones, progress, history, comments."""
    from plans.models import SubqueryCount
    from reports.models import CommitmentAssessment, EndOfCommitmentReport

    history_of = MilestoneUpdate.objects.filter(milestone__commitment=OuterRef("pk"))
    commitment = _get_commitment(
        request,
        key,
        Commitment.objects.with_progress()
        .select_related("primary_policy_area", "primary_sector")
        .prefetch_related(
            Prefetch(
                "action_plans",
                queryset=ActionPlan.objects.visible_to(request.user).select_related("member"),
            ),
            Prefetch(
                "institution_roles",
                queryset=CommitmentInstitution.objects.select_related("institution"),
            ),
            "ogp_values",
        )
        .annotate(
            n_history=SubqueryCount(history_of.order_by().values("pk")),
            # The report summary reads the reports only when there are some to show.
            has_assessment=Exists(
                CommitmentAssessment.objects.published().filter(commitment=OuterRef("pk"))
            ),
            has_end_report=Exists(
                EndOfCommitmentReport.objects.published().filter(commitment=OuterRef("pk"))
            ),
        ),
    )
    if key != commitment.key:
        # One address per commitment: its OGP ID when it has one.
        return redirect(commitment, permanent=True)
    history = KnownCountPaginator(
        ready_to_display(MilestoneUpdate.objects.filter(milestone__commitment=commitment)),
        HISTORY_PAGE_SIZE,
        count=commitment.n_history,  # counted with the commitment
    ).get_page(request.GET.get("history"))
    updates = with_evidence(history.object_list)
    if history.number == 1:
        last_update = updates[0] if updates else None
    else:
        last_update = (
            MilestoneUpdate.objects.filter(milestone__commitment=commitment)
            .order_by("-created_at", "-pk")
            .first()
        )
    # Its milestones a page at a time (a few commitments have dozens), counted with it; each
    # with the day it was last finished, for the timeline, whatever page of history is shown.
    milestone_page = KnownCountPaginator(
        charts.with_finishing_dates(
            commitment.milestones.select_related("responsible_institution")
        ).order_by("number", "pk"),
        MILESTONES_PAGE_SIZE,
        count=commitment.n_milestones,
    ).get_page(request.GET.get("milestones"))
    milestones = list(milestone_page.object_list)
    # The commitment's documents and its milestones', by the same publication rule, in one query.
    documents = list(
        Document.objects.visible_to(request.user)
        .filter(Q(commitment=commitment) | Q(milestone__in=[m.pk for m in milestones]))
        .order_by("-year", "title")
    )
    for milestone in milestones:
        milestone.shown_documents = [d for d in documents if d.milestone_id == milestone.pk]
    documents = [d for d in documents if d.commitment_id == commitment.pk]
    query = request.GET.copy()
    query.pop("history", None)
    milestones_query = request.GET.copy()
    milestones_query.pop("milestones", None)
    context = {
        "commitment": commitment,
        "plans": commitment.action_plans.all(),
        "roles": commitment.institution_roles.all(),
        "milestones": milestones,
        "milestone_page": milestone_page,
        "milestones_query": milestones_query.urlencode(),
        "updates": updates,
        "history": history,
        "history_query": query.urlencode(),
        "last_update": last_update,
        "documents": documents,
        "rule": Progress.RULE,
    }
    return render(request, "commitments/detail.html", context)


def _client_address(request) -> str:
    """The visitor's address; behind trusted proxies, the one they forwarded."""
    hops = settings.TRUSTED_PROXY_HOPS
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_limited(request) -> bool:
    """Count this comment against its address; True once the address is over the limit."""
    key = f"comments:rate:{_client_address(request)}"
    cache.add(key, 0, timeout=settings.COMMENT_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.COMMENT_RATE_WINDOW)
        count = 1
    return count > settings.COMMENT_RATE_LIMIT


def _comment_target(request, label: str, pk: int):
    if label not in settings.COMMENTABLE_MODELS or not 1 <= pk <= MAX_PK:
        raise Http404
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as error:
        raise Http404 from error
    return get_object_or_404(model._default_manager.visible_to(request.user), pk=pk)


@require_POST
def comment_create(request, label: str, pk: int):
    """Receive a comment; it waits for the secretariat's approval before it shows."""
    target = _comment_target(request, label, pk)
    form = CommentForm(request.POST, can_follow=isinstance(target, Commitment))
    status = 400
    if form.is_valid():
        if form.is_bot:
            # Say nothing to robots: the same answer as people get, but nothing is kept.
            messages.success(request, _("Thank you. Your comment will appear once it is approved."))
            return HttpResponseRedirect(target.get_absolute_url() + "#comments")
        if _rate_limited(request):
            form.add_error(
                None,
                _("You have sent several comments in a short time. Please wait a few minutes."),
            )
            status = 429
        else:
            comment = form.save(commit=False)
            comment.target = target
            comment.status = Comment.Status.PENDING
            comment.follow_requested = bool(form.cleaned_data.get("follow"))
            comment.save()
            messages.success(request, _("Thank you. Your comment will appear once it is approved."))
            return HttpResponseRedirect(target.get_absolute_url() + "#comments")
    return render(
        request,
        "commitments/comment_form.html",
        {"form": form, "target": target, "action": request.path},
        status=status,
    )


CORRECTIONS_PAGE_SIZE = 50


def corrections(request):
    """The public corrections log: every entry that corrects an earlier one, newest first."""
    found = ready_to_display(
        MilestoneUpdate.objects.filter(
            milestone__in=Milestone.objects.visible_to(request.user),
            kind=MilestoneUpdate.Kind.CORRECTION,
        )
    )
    page = Paginator(found, CORRECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_evidence(page.object_list)
    return render(request, "commitments/corrections.html", {"page": page, "updates": page})


def evidence_file(request, update_pk: int, pk: int):
    """An evidence file of a history entry, always as a download; 404 while its commitment is
    not public (staff excepted)."""
    if not (1 <= update_pk <= MAX_PK and 1 <= pk <= MAX_PK):
        raise Http404
    item = get_object_or_404(
        EvidenceFile.objects.filter(
            update__milestone__in=Milestone.objects.visible_to(request.user)
        ),
        pk=pk,
        update_id=update_pk,
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=item.content_type, as_attachment=True, filename=item.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private"
    return response
