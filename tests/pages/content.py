"""A portal with something on every public page, for the page validation and browser tests.

Real updates, notes, evidence, approved comments, meetings, documents and published reports,
with the awkward content people actually enter: long unbroken addresses, line breaks, markup
characters, accents.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from commitments.models import Comment, MilestoneStatus
from commitments.services import Evidence, change_milestone_status, record_milestone_update
from plans.models import Document, Forum, ForumMembership, Meeting
from tests import factories as f

LONG_URL = (
    "https://transparencia.edomex.gob.mx/documentos/secretariado-tecnico-local/"
    "reglamento-interno-del-secretariado-tecnico-local-de-gobierno-abierto-2021-2022.pdf"
)


def build_portal() -> dict:
    """Every kind of public page with content; the addresses to visit, by name."""
    commitment = f.make_mxmex0009()  # one update with a note and an evidence link
    plan = commitment.action_plans.get()
    member = plan.member
    secretariat = f.make_secretariat()
    change_milestone_status(
        milestone=commitment.milestones.get(number=2),
        new_status=MilestoneStatus.IN_PROGRESS,
        by=secretariat,
        note="Progress note: 4 of 12 sessions held <b>so far</b> & more planned.\n\nSee the list.",
        evidence=[Evidence(url=LONG_URL)],
    )
    # A correction, for the corrections log.
    record_milestone_update(
        milestone=commitment.milestones.get(number=2),
        by=secretariat,
        note="Correction: 4 of 12 sessions were held by the end of the month, not 5.",
        corrects=commitment.milestones.get(number=2).updates.latest("pk"),
    )
    f.make_commitment(plan, title="Strengthening democracy", milestones=2, statuses=("stuck",))
    f.make_commitment(f.make_plan(), title="Institutional interoperability", milestones=1)
    for target in (commitment, plan):
        Comment.objects.create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            name="Lucía Hernández",
            email="lucia@example.org",
            text="¿Cuándo se publica el estudio?\nGracias & saludos <3",
            status=Comment.Status.APPROVED,
            created_at=timezone.now(),  # microseconds, as every real comment has
        )
    forum = Forum.objects.create(
        member=member,
        name="Local Technical Secretariat for Open Government of the State of Mexico",
        name_es="Secretariado Técnico Local de Gobierno Abierto del Estado de México",
        acronym="STL",
        slug="stl",
        established=datetime.date(2019, 10, 15),
        meeting_frequency="Bimonthly",
        website=LONG_URL,
        rules_url=LONG_URL,
        description="The forum of government and civil society.",
    )
    lead = commitment.institution_roles.get().institution
    ForumMembership.objects.create(forum=forum, institution=lead, role="chair")
    meeting = Meeting.objects.create(
        forum=forum,
        action_plan=plan,
        title="Ordinary session 1",
        date=datetime.date(2021, 3, 1),
        kind="ordinary",
        coordinating_institution=lead,
        participants_count=24,
        minutes_url=LONG_URL,
        video_url="https://example.org/video",
    )
    Document.objects.create(title="Minutes", meeting=meeting, url=LONG_URL)
    Document.objects.create(
        title="Mexico Co-Creation Brief 2024",
        year=2024,
        doc_type="irm_report",
        member=member,
        url=LONG_URL,
    )
    Document.objects.create(title="Action plan (PDF)", action_plan=plan, url=LONG_URL, year=2021)
    inception = f.make_inception_report(plan, evaluator_names="Oscar Javier Islas Jiménez")
    f.complete_inception_answers(inception)
    type(inception).objects.filter(pk=inception.pk).update(status="published")
    end = f.make_end_of_commitment_report(commitment, evaluator_names="Ana, Luis, Eva")
    f.complete_end_of_commitment_answers(end)
    type(end).objects.filter(pk=end.pk).update(status="published")
    # A national member with this local one, and a comment answered by the secretariat.
    national = f.make_member(name="Mexico", slug="mexico-national", kind="national")
    type(member).objects.filter(pk=member.pk).update(country=national)
    question = Comment.objects.create(
        target=inception,
        name="Rosa",
        email="rosa@example.org",
        text="¿Y la mesa 3?",
        status=Comment.Status.APPROVED,
    )
    Comment.objects.create(
        target=inception,
        name="Laura",
        email="stl@example.org",
        text="Se reúne en marzo.",
        status=Comment.Status.APPROVED,
        reply_to=question,
        is_official=True,
        author=secretariat,
    )
    return {
        "national": national,
        "commitment": commitment,
        "plan": plan,
        "member": member,
        "institution": lead,
        "forum": forum,
        "inception": inception,
        "end_of_commitment": end,
    }


def public_paths(portal: dict, language: str) -> dict[str, str]:
    """Every public page of the portal in one language, by a short name."""
    prefix = f"/{language}"
    paths = {
        "home": "/",
        "members": "/members/",
        "member": f"/members/{portal['member'].slug}/",
        "plans": "/plans/",
        "plan": f"/plans/{portal['plan'].slug}/",
        "explorer": "/commitments/",
        "explorer-filtered": "/commitments/?status=finished&overdue=true&sort=title",
        "explorer-search": "/commitments/?q=culture",
        "explorer-nothing": "/commitments/?q=zzzz&member=nobody",
        "commitment": f"/commitments/{portal['commitment'].ogp_id}/",
        "institutions": "/institutions/",
        "institution": f"/institutions/{portal['institution'].slug}/",
        "secretariats": "/secretariat/",
        "secretariat": f"/secretariat/{portal['forum'].slug}/",
        "inception-report": f"/reports/inception/{portal['inception'].pk}/",
        "end-of-commitment-report": f"/reports/end-of-commitment/{portal['end_of_commitment'].pk}/",
        "data": "/data/",
        "corrections": "/corrections/",
        "login": "/accounts/login/",
        "member-national": f"/members/{portal['national'].slug}/",
        "privacy": "/privacidad/" if language == "es" else "/privacy/",
        "accessibility": "/accesibilidad/" if language == "es" else "/accessibility/",
        "password-reset": "/accounts/password-reset/",
        "password-reset-sent": "/accounts/password-reset/sent/",
        "not-found": "/commitments/NOPE0000/",
        "search": "/buscar/?q=participacion" if language == "es" else "/search/?q=culture",
        "search-kind": "/buscar/?q=infoem&kind=commitments"
        if language == "es"
        else "/search/?q=infoem&kind=institutions",
    }
    return {name: prefix + path for name, path in paths.items()}
