"""Public pages of members, action plans, institutions and the secretariat (forum)."""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language

from ogptracker import pagecache
from ogptracker.keys import is_ascii_digits
from ogptracker.languages import Shown, translatable_fields
from ogptracker.pagination import (
    KeysFirstPaginator,
    KnownCountPaginator,
    in_key_order,
    in_key_order_each,
    page_with_count,
)
from plans.models import (
    ActionPlan,
    Document,
    Forum,
    ForumMembership,
    Institution,
    Meeting,
    Member,
)

RESOURCES_PAGE_SIZE = 30
LIST_PAGE_SIZE = 30
MEETINGS_PAGE_SIZE = 20
DOCUMENTS_PAGE_SIZE = 20
COMMITMENTS_PAGE_SIZE = 25
PLANS_PAGE_SIZE = 30
LOCAL_MEMBERS_PAGE_SIZE = 12
CONTACTS_PAGE_SIZE = 20
FORUM_MEMBERS_PAGE_SIZE = 50
LOCAL_PLANS_SHOWN = 4


def _public_count(request, value: int) -> int | None:
    """A roll-up counts what the public sees; staff, who also see drafts, get a real count."""
    return None if getattr(request.user, "is_staff", False) else value


def _commitment_page(
    request,
    commitments,
    number,
    count: int | None,
    *,
    few: bool = False,
    kept_as: str = "",
    load: bool = True,
):
    """A page of ``commitments`` (a QuerySet the user may see, selected by key, or a function
    returning one) in number order.

    Selected by key (no join to repeat rows, so no DISTINCT): the database sorts the matching
    keys and loads progress and related rows for the page alone. ``few``: the keys are a small
    share of all commitments (one plan's), numbered like every other plan's: sorting on
    ``number + 0``, which no index serves, makes PostgreSQL start from those keys rather than walk
    every commitment in number order looking for them (30 ms against 190 at 50,000).
    ``kept_as``: for the public, when there is more than one page, the page's keys are kept
    under this name per version of the public data (``pagecache.kept_for_the_day``): sorting a
    large plan's or member's thousands of commitments is done once, not on every visit.
    ``load=False``: a page of kept keys is left as keys, for ``_load_kept`` to load with others.
    """
    order = (F("number") + Value(0)).asc(nulls_last=True) if few else F("number").asc()
    count = _public_count(request, count)

    def keys():
        chosen = commitments() if callable(commitments) else commitments
        return chosen.order_by(order, "pk").values_list("pk", flat=True)

    if kept_as and count is not None and count > COMMITMENTS_PAGE_SIZE:
        page = KnownCountPaginator([], COMMITMENTS_PAGE_SIZE, count=count).get_page(number)
        start = page.start_index() - 1
        page_keys = pagecache.kept_for_the_day(
            f"{kept_as}:{page.number}",
            lambda: list(keys()[start : start + COMMITMENTS_PAGE_SIZE]),
        )
        page.object_list = page_keys
        page.kept_keys = True
        if load:
            _load_kept(page)
        return page
    page = KnownCountPaginator(keys(), COMMITMENTS_PAGE_SIZE, count=count).get_page(number)
    # The page's keys are sorted alone, in a sub-query; the same query loads their rows, with
    # progress and related rows (sorting thousands of full rows to keep 25 took longer).
    page.object_list = (
        _commitments().filter(pk__in=page.object_list).for_listing().order_by(order, "pk")
    )
    return page


def _load_kept(*pages) -> None:
    """The rows of pages of kept keys (``_commitment_page(…, load=False)``), loaded together:
    one query for their rows and one for their plans, however many pages."""
    pages = [page for page in pages if getattr(page, "kept_keys", False)]
    rows = in_key_order_each(_commitments().for_listing(), *(page.object_list for page in pages))
    for page, loaded in zip(pages, rows, strict=True):
        page.object_list = loaded
        page.kept_keys = False


def _visible_commitments(request, keys):
    """The commitments whose keys ``keys`` selects that the user may see."""
    return _commitments().visible_to(request.user).filter(pk__in=keys)


def _query_without(request, *names: str) -> str:
    """The query string without the page parameters, for pagination links."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _commitments():
    # ``plans`` never imports ``commitments`` (imports run reports → commitments → plans).
    return apps.get_model("commitments", "Commitment").objects


def member_list(request):
    """Every member with its plans, commitments and progress."""
    members = Member.objects.with_progress().select_related("country").order_by("name", "pk")
    page = KeysFirstPaginator(members, LIST_PAGE_SIZE, kept=True).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/member_list.html",
        {"members": page, "page": page, "query": _query_without(request, "page")},
    )


def _plan_cards(request):
    """Plans the user may see, with what a plan's card shows."""
    return (
        ActionPlan.objects.visible_to(request.user)
        .only(*PLAN_CARD_COLUMNS)
        .with_progress()
        .select_related("member")
    )


def _member_plans(request, member: Member):
    """The plans it leads and those it joined as a consortium member (two index look-ups)."""
    return _plan_cards(request).of_member(member)


def member_detail(request, slug: str):
    """A member: member since, plans with progress, contacts, commitments, resources."""
    member = get_object_or_404(
        # With its histogram: its chart of milestones by status reads it.
        Member.objects.with_progress(months=True).select_related("country"),
        slug=slug,
    )
    member_plans = _member_plans(request, member).order_by("-start_year", "title", "pk")
    count = _public_count(request, member.n_plans)
    if count is not None and count <= PLANS_PAGE_SIZE:
        # One page (most members): the page of plans is every plan.
        plans = KnownCountPaginator(member_plans, PLANS_PAGE_SIZE, count=count).get_page(
            request.GET.get("plans")
        )
        plan_keys = [plan.pk for plan in plans]
    else:
        # More: the page's keys (for the public, kept per version of the data and language, as
        # the order is by title), then its rows loaded by key, not sorted whole.
        keys = member_plans.values_list("pk", flat=True)
        plans = KnownCountPaginator(keys, PLANS_PAGE_SIZE, count=count).get_page(
            request.GET.get("plans")
        )
        if count is None:
            page_keys = list(plans.object_list)
        else:
            page_keys = pagecache.kept_for_the_day(
                f"plans:member:{member.pk}:{get_language()}:{plans.number}",
                lambda: list(plans.object_list),
            )
        # Loaded by key among the plans the user may see: the keys are the member's already.
        plans.object_list = in_key_order(_plan_cards(request), page_keys)
        plan_keys = None  # every plan's, read only when the commitments' page is not kept
    today = timezone.localdate()
    running = [plan for plan in plans if _running(plan, today)]
    current_plan = min(running, key=lambda plan: (plan.start_year, plan.pk), default=None)
    # As OGP's member page: the current plan, else its latest own one, with a short summary.
    featured_plan = current_plan or next((p for p in plans if p.member_id == member.pk), None)
    summary = None
    if featured_plan is not None:
        intro = featured_plan.shown("introduction")
        summary = Shown(
            Truncator(intro.text).words(80), intro.language, intro.is_translation, intro.is_fallback
        )

    def member_commitments():
        # The member's plans by key (as a sub-query PostgreSQL would guess thousands of plans
        # and scan every commitment).
        chosen = plan_keys
        if chosen is None:
            chosen = list(member_plans.order_by().values_list("pk", flat=True))
        in_plans = _commitments().model.action_plans.through.objects.filter(
            actionplan_id__any_of=chosen
        )
        return _visible_commitments(request, in_plans.values("commitment_id"))

    commitments = _commitment_page(
        request,
        member_commitments,
        request.GET.get("commitments"),
        member.n_commitments,
        kept_as=f"commitments:member:{member.pk}",
    )
    local_members = None
    if member.kind == Member.Kind.NATIONAL:
        # A national member's page also lists its local members, a page at a time, each with
        # its latest plans (the rest are on its own page).
        local_members = page_with_count(
            member.local_members.with_progress()
            .order_by("name", "pk")
            .prefetch_related(
                Prefetch(
                    "action_plans",
                    queryset=ActionPlan.objects.visible_to(request.user)
                    .only(*PLAN_CARD_COLUMNS)
                    .with_progress()
                    .order_by("-start_year", "title", "pk")[:LOCAL_PLANS_SHOWN],
                    to_attr="latest_plans",
                )
            ),
            LOCAL_MEMBERS_PAGE_SIZE,
            request.GET.get("locals"),
        )
    resources = Document.objects.visible_to(request.user).filter(member=member)
    resources = resources.only(*_DOCUMENT_COLUMNS)
    types = dict(Document.Type.choices)

    def document_years() -> list[int]:
        # The years of the documents the user may see: a draft's year is not a choice.
        found = resources.exclude(year=None).order_by("-year").values_list("year", flat=True)
        return list(found.distinct())

    if getattr(request.user, "is_staff", False):
        years = document_years()
    else:  # the same for every member of the public: kept per version of the data
        years = pagecache.kept_for_the_day(f"years:member:{member.pk}", document_years)
    doc_type = request.GET.get("type", "")
    year = request.GET.get("year", "")
    errors = []
    if doc_type:
        if doc_type in types:
            resources = resources.filter(doc_type=doc_type)
        else:
            errors.append("type")
    if year:
        if is_ascii_digits(year) and len(year) <= 4:
            resources = resources.filter(year=int(year))
        else:
            errors.append("year")
    resources = resources.order_by("-year", "position", "title")
    page = page_with_count(resources, RESOURCES_PAGE_SIZE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/member_detail.html",
        {
            "member": member,
            "plans": plans,
            "current_plan": current_plan,
            "featured_plan": featured_plan,
            "summary": summary,
            "local_members": local_members,
            "contacts": page_with_count(
                member.contacts.select_related("institution").order_by("role", "name", "pk"),
                CONTACTS_PAGE_SIZE,
                request.GET.get("contacts"),
            ),
            "commitments": commitments,
            "resources": page,
            "types": Document.Type.choices,
            "years": years,
            "selected_type": doc_type,
            "selected_year": year,
            "resource_errors": errors,
            "query": query.urlencode(),
            "plans_query": _query_without(request, "plans"),
            "commitments_query": _query_without(request, "commitments"),
            "locals_query": _query_without(request, "locals"),
            "contacts_query": _query_without(request, "contacts"),
        },
    )


_DOCUMENT_COLUMNS = (
    "pk",
    "title",
    "title_es",
    "title_en",
    "original_language",
    "doc_type",
    "date",
    "year",
    "url",
    "file",
    "language",
    "position",
    "member",
)


def _running(plan: ActionPlan, today) -> bool:
    if plan.end_month:
        return plan.start_year <= today.year and plan.end_month >= today.replace(day=1)
    return plan.start_year <= today.year <= plan.end_year


# What a plan's card shows: never the questionnaires' long texts.
PLAN_CARD_COLUMNS = (
    "pk",
    "slug",
    "title",
    "title_es",
    "title_en",
    "original_language",
    "member",
    "start_year",
    "end_year",
    "end_month",
    "status",
    # OGP's own figure of a plan's commitments (shown when the portal holds none of them).
    "reported_commitments",
    # The member page's summary of its featured plan.
    "introduction",
    "introduction_es",
    "introduction_en",
)


def plan_list(request):
    """Every visible action plan with its progress."""
    plans = (
        ActionPlan.objects.visible_to(request.user)
        .only(*PLAN_CARD_COLUMNS)
        .with_progress()
        .select_related("member")
        .order_by("-start_year", "title", "pk")
    )
    page = KeysFirstPaginator(plans, LIST_PAGE_SIZE, kept=True).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/plan_list.html",
        {"plans": page, "page": page, "query": _query_without(request, "page")},
    )


def plan_detail(request, slug: str):
    """An action plan: header, introduction, both questionnaires, endorsements, commitments."""
    plan = get_object_or_404(
        ActionPlan.objects.visible_to(request.user)
        .with_progress()
        .select_related("member")
        .prefetch_related("lead_institutions")
        # Most plans have neither: they are read only when there are some.
        .annotate(
            has_consortium=Exists(
                ActionPlan.consortium_members.through.objects.filter(actionplan=OuterRef("pk"))
            ),
            has_endorsements=Exists(
                ActionPlan.endorsements.through.objects.filter(actionplan=OuterRef("pk"))
            ),
        ),
        slug=slug,
    )
    consortium = list(plan.consortium_members.all()) if plan.has_consortium else []
    endorsers = list(plan.endorsements.all()) if plan.has_endorsements else []
    commitments = _commitment_page(
        request,
        _commitments().of_plan_visible_to(plan, request.user),
        request.GET.get("commitments"),
        plan.n_commitments,
        few=True,
        kept_as=f"commitments:plan:{plan.pk}",
    )
    vision = [
        (plan._meta.get_field(name).verbose_name, plan.shown(name))
        for name in ActionPlan.VISION_FIELDS
    ]
    engagement = [
        (
            plan._meta.get_field(name).verbose_name,
            name,
            plan.shown(name) if name in translatable_fields(ActionPlan) else getattr(plan, name),
        )
        for name in ActionPlan.ENGAGEMENT_FIELDS
        if name != "lead_institutions"
    ]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "consortium": consortium,
            "endorsers": endorsers,
            "lead_label": ActionPlan._meta.get_field("lead_institutions").verbose_name,
            "vision": vision,
            "engagement": engagement,
            "commitments": commitments,
            "commitments_query": _query_without(request, "commitments"),
            "documents": page_with_count(
                Document.objects.visible_to(request.user)
                .filter(action_plan=plan)
                .order_by("position", "-year", "title", "pk"),
                DOCUMENTS_PAGE_SIZE,
                request.GET.get("documents"),
            ),
            "documents_query": _query_without(request, "documents"),
            "meetings": page_with_count(
                _meetings(request, Meeting.objects.filter(action_plan=plan)).order_by(
                    "-date", "title", "pk"
                ),
                MEETINGS_PAGE_SIZE,
                request.GET.get("meetings"),
            ),
            "meetings_query": _query_without(request, "meetings"),
            "members_query": _query_without(request, "members"),
        },
    )


def institution_list(request):
    """Every institution involved in a published commitment, with its progress."""
    from commitments.rollups import INSTITUTION, Rollup

    # Chosen by their roll-ups' keys (one scan of the roll-ups, not a look-up per institution).
    involved = Rollup.objects.filter(scope=INSTITUTION).filter(
        Q(n_led__gt=0) | Q(n_supported__gt=0)
    )
    institutions = (
        Institution.objects.with_progress()
        .filter(pk__in=involved.values("object_id"))
        .order_by("name", "pk")
    )
    page = KeysFirstPaginator(institutions, LIST_PAGE_SIZE, kept=True).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "plans/institution_list.html",
        {"institutions": page, "page": page, "query": _query_without(request, "page")},
    )


def institution_detail(request, slug: str):
    """An institution: the commitments it leads and supports, with progress."""
    # With its histogram: its chart of milestones by status is drawn on every visit.
    institution = get_object_or_404(Institution.objects.with_progress(months=True), slug=slug)
    roles = institution.commitment_roles.order_by()
    led = _commitment_page(
        request,
        _visible_commitments(request, roles.filter(role="lead").values("commitment_id")),
        request.GET.get("led"),
        institution.n_led,
        kept_as=f"commitments:led:{institution.pk}",
        load=False,
    )
    supported = _commitment_page(
        request,
        _visible_commitments(request, roles.filter(role="supporting").values("commitment_id")),
        request.GET.get("supported"),
        institution.n_supported,
        kept_as=f"commitments:supported:{institution.pk}",
        load=False,
    )
    _load_kept(led, supported)
    return render(
        request,
        "plans/institution_detail.html",
        {
            "institution": institution,
            "led": led,
            "supported": supported,
            "led_query": _query_without(request, "led"),
            "supported_query": _query_without(request, "supported"),
            "forum_memberships": page_with_count(
                institution.forum_memberships.select_related("forum").order_by(
                    "forum", "role", "pk"
                ),
                FORUM_MEMBERS_PAGE_SIZE,
                request.GET.get("forums"),
            ),
            "forums_query": _query_without(request, "forums"),
        },
    )


def _meetings(request, meetings):
    """Meetings the user may see, each with the documents the user may see."""
    documents = Document.objects.visible_to(request.user).order_by("position", "title")
    return (
        meetings.visible_to(request.user)
        .select_related("coordinating_institution")
        .prefetch_related(Prefetch("documents", queryset=documents))
    )


def forum_list(request):
    """The secretariats (multi-stakeholder forums), a page at a time."""
    forums = Forum.objects.select_related("member").order_by("name", "pk")
    page = Paginator(forums, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/forum_list.html",
        {"forums": page, "page": page, "query": _query_without(request, "page")},
    )


def forum_detail(request, slug: str):
    """The secretariat: the forum, its members and its meetings with minutes and videos."""
    forum = get_object_or_404(Forum.objects.select_related("member"), slug=slug)
    memberships = page_with_count(
        forum.memberships.select_related("institution").order_by("role", "pk"),
        FORUM_MEMBERS_PAGE_SIZE,
        request.GET.get("members"),
    )
    meetings = page_with_count(
        _meetings(request, forum.meetings.order_by("-date", "title", "pk")),
        MEETINGS_PAGE_SIZE,
        request.GET.get("meetings"),
    )
    return render(
        request,
        "plans/forum_detail.html",
        {
            "forum": forum,
            "memberships": memberships,
            "roles": ForumMembership.Role,
            "meetings": meetings,
            "meetings_query": _query_without(request, "meetings"),
            "members_query": _query_without(request, "members"),
        },
    )


def document_file(request, pk: int):
    """Download a document's uploaded file, if the document may be seen; else a 404.

    Always as an attachment with ``nosniff``: an uploaded file never runs in the portal's origin.
    """
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response
