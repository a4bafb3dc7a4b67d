"""`manage.py loaddemo` loads what the seed pages say, idempotently, and guards its demo users."""

from __future__ import annotations

import datetime
import sys
import types
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from commitments.models import Commitment, CommitmentInstitution, Milestone, MilestoneStatus
from commitments.services import can_update_milestone, change_milestone_status
from plans.models import (
    ActionPlan,
    Contact,
    Document,
    Forum,
    ForumMembership,
    Institution,
    Meeting,
    Member,
)
from reports.models import CommitmentAssessment, EndOfCommitmentReport, InceptionReport

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

TLALNEPANTLA_PLAN = "Action plan – Tlalnepantla de Baz, Mexico, 2021 – 2023"
MEXICO_STATE_PLAN = "Action plan – Mexico State, Mexico, 2021 – 2022"
MEXICO_STATE_COMMITMENTS = [
    "Strengthening and expansion of the itinerant justice and access to justice programme "
    "“Caravanas por la Justicia Cotidiana” (Caravans for Everyday Justice).",
    "Institutional interoperability through the legal card",
    "Strengthening Alternative Dispute Resolution Mechanisms as a means of access to everyday "
    "justice.",
    "State legislation in the area of Everyday Justice",
    "Strengthening the means of access to public transparency, open data and public interest data",
    "Generate alliances with the municipalities of the State of Mexico to disseminate the use and "
    "benefits of access to information.",
    "Open government culture",
    "Strengthening democracy",
]


@pytest.fixture
def debug_on(settings):
    # pytest-django runs with DEBUG off; the demo users need it on. A fast hasher keeps it quick.
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def loaddemo(*args: str) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(debug_on):
    return loaddemo()


def test_loads_the_three_members(loaded):
    mexico = Member.objects.get(slug="mexico")
    assert (mexico.name, mexico.kind, mexico.member_since, mexico.country) == (
        "Mexico",
        Member.Kind.NATIONAL,
        2011,
        None,
    )
    state = Member.objects.get(slug="mexico-state")
    assert (state.display_name, state.kind, state.country, state.ogp_code) == (
        "Mexico State, Mexico",
        Member.Kind.LOCAL,
        mexico,
        "MEX",
    )
    town = Member.objects.get(slug="tlalnepantla-de-baz")
    assert (town.kind, town.country, town.ogp_code) == (Member.Kind.LOCAL, mexico, "")
    contact = Contact.objects.get(member=mexico)
    assert contact.name == "Mtra. Grethel Alejandra Pilgram Santos"
    assert contact.title == "Directora General de Transparencia y Gobierno Abierto"
    assert contact.email == "grethel.pilgram@funcionpublica.gob.mx"
    assert contact.role == Contact.Role.GOVERNMENT


def test_loads_the_institutions_named_in_the_seeds(loaded):
    by_acronym = {i.acronym: i for i in Institution.objects.exclude(acronym="")}
    assert set(by_acronym) == {"INFOEM", "IEEM", "ITESM"}
    infoem = by_acronym["INFOEM"]
    assert infoem.name == (
        "Instituto de Transparencia, Acceso a la Información Pública y Protección de Datos "
        "Personales del Estado de México y Municipios"
    )
    assert infoem.name_en.startswith("Institute for Transparency, Access to Public Information")
    assert (infoem.kind, infoem.sector) == (Institution.Kind.AUTONOMOUS, "government")
    assert by_acronym["IEEM"].kind == Institution.Kind.ELECTORAL
    itesm = by_acronym["ITESM"]
    assert (itesm.kind, itesm.sector) == (Institution.Kind.ACADEMIA, "non_governmental")
    assert set(Institution.objects.values_list("name", flat=True)) >= {
        "Secretaría de Justicia y Derechos Humanos",
        "Municipio de Tlalnepantla de Baz",
        "Poder Judicial del Estado de México",
        "Secretaría de la Contraloría",
        "Comisión de Derechos Humanos del Estado de México",
        "Borde Político",
        "México Evalúa",
        "Organizaciones de la Sociedad Civil Mexiquense",
    }
    assert Institution.objects.get(name="Borde Político").sector == "non_governmental"


def test_loads_the_tlalnepantla_plan_with_every_answer_of_seed_000(loaded):
    plan = ActionPlan.objects.get(title=TLALNEPANTLA_PLAN)
    assert plan.member.slug == "tlalnepantla-de-baz"
    assert [m.slug for m in plan.consortium_members.all()] == ["mexico-state"]
    assert plan.is_published
    assert (plan.start_year, plan.end_year, plan.submission_year) == (2021, 2023, 2021)
    assert plan.end_month == datetime.date(2023, 9, 1)
    assert plan.date_submitted == datetime.date(2022, 2, 23)
    assert plan.introduction.startswith(
        "The State of Mexico has 125 municipalities composed of a wide variety of socio-economic "
        "regions"
    )
    assert plan.vision.count("\n\n") == 2  # three paragraphs
    assert (
        "1. On 15 October 2019, the Local Technical Secretariat for Open Government of the State "
        "of Mexico (STL) was established"
    ) in plan.achievements
    assert plan.challenges.endswith(
        "The challenges and areas for improvement to be addressed are: Citizen participation in "
        "decision-making, reducing legal marginalisation, digital governance, transparency and "
        "accountability."
    )
    assert "Secretary of Justice and Human Rights of the State of Mexico" in plan.medium_term_goals
    assert plan.plan_contribution.startswith("Through the systematic and comprehensive")
    assert "3. Promoting proactive transparency, accountability and open government." in (
        plan.policy_goals
    )
    assert plan.institutional_arrangements == "Coordination and cooperation agreements."
    assert plan.collaboration_spaces == (
        "• Online citizen consultation\n• Virtual thematic round-tables\n• Open dialogues"
    )
    assert "Papalotla, Axapusco, Tepetlaoxtoc" in plan.diversity_measures
    assert plan.participants == (
        "Government authorities, autonomous bodies, public officials, civil society "
        "organisations, citizens in general."
    )
    assert plan.continued_collaboration.startswith("Through proactive communication")
    assert plan.monitoring_body.startswith(
        "The participation of the Human Rights Commission of the State of Mexico"
    )
    assert plan.progress_activities.splitlines() == [
        "• Thematic roundtables",
        "• Virtual forums",
        "• Plural dialogues",
        "• Online consultations",
    ]
    assert plan.agency_checkins == "Through regular meetings and progress reports."
    assert plan.results_sharing.startswith("A website has been set up")
    # The page leaves these three answers blank: so does the portal.
    assert plan.groups_count is None
    assert plan.public_meetings_count is None
    assert plan.monitoring_body_contact == ""
    assert set(plan.lead_institutions.values_list("name", flat=True)) == {
        "Secretaría de Justicia y Derechos Humanos",
        "Instituto de Transparencia, Acceso a la Información Pública y Protección de Datos "
        "Personales del Estado de México y Municipios",
        "Municipio de Tlalnepantla de Baz",
    }
    assert set(plan.endorsements.values_list("name", flat=True)) == {
        "Borde Político",
        "México Evalúa",
        "Instituto Tecnológico y de Estudios Superiores de Monterrey, Campus Toluca",
        "Organizaciones de la Sociedad Civil Mexiquense",
    }
    # The plan's own attachment, and its entry in Mexico's resources (item 36).
    # The original titles, each in its own language (the plain column).
    originals = plan.documents.rewrite(False).values_list("title", "doc_type", "member__slug")
    assert set(originals) == {
        ("Primer Plan de Accion Local de Gobierno Abierto EDOMEX", "action_plan", None),
        (TLALNEPANTLA_PLAN, "action_plan", "mexico"),
    }


def test_mexico_state_plan_has_its_eight_commitments_in_order(loaded):
    plan = ActionPlan.objects.get(title=MEXICO_STATE_PLAN)
    assert plan.member.slug == "mexico-state"
    assert plan.is_published
    commitments = list(plan.commitments.order_by("number"))
    assert [c.title for c in commitments] == MEXICO_STATE_COMMITMENTS
    assert [c.number for c in commitments] == list(range(1, 9))
    assert all(c.is_published for c in commitments)
    # Only MXMEX0009 has an OGP ID, dates and milestones in the seeds.
    assert [c.ogp_id for c in commitments if c.ogp_id] == ["MXMEX0009"]
    others = [c for c in commitments if not c.ogp_id]
    assert all(c.start is None and c.end is None and c.problem == "" for c in others)
    assert not Milestone.objects.filter(commitment__in=others).exists()
    leads = {
        role.commitment.number: role.institution.acronym
        for role in CommitmentInstitution.objects.select_related("commitment", "institution")
    }
    assert leads == {7: "INFOEM", 8: "IEEM"}


def test_the_demos_mxmex0009_milestones_are_not_reported_on_pages_csv_and_api(client, loaded):
    """No seed reports a status: nothing may show them as “Not started” or plainly overdue."""
    from rest_framework.test import APIClient

    from tests.commitments.test_record import states_not_started

    pages = [
        "/en/",
        "/en/commitments/MXMEX0009/",
        "/en/commitments/?q=MXMEX0009",
        *(
            plan.get_absolute_url()
            for plan in ActionPlan.objects.filter(commitments__ogp_id="MXMEX0009")
        ),
    ]
    for url in pages:
        assert not states_not_started(client.get(url).content.decode()), url
    page = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert page.count('status-symbol" aria-hidden="true">?</span> Not reported') == 3
    assert page.count("Overdue without a report</span>") == 3
    assert "⚠</span> Overdue<" not in page
    assert "What the End of Commitment Report assessed" in page
    rows = b"".join(client.get("/data/milestones.csv").streaming_content).decode().splitlines()
    mxmex0009 = [row for row in rows if row.startswith("MXMEX0009,")]
    assert len(mxmex0009) == 3 and all(",not_reported," in row for row in mxmex0009)
    body = APIClient().get("/api/v1/commitments/MXMEX0009/").json()
    assert [m["status"] for m in body["milestones"]] == ["not_reported"] * 3
    assert all(m["overdue_without_report"] for m in body["milestones"])
    assert body["progress"]["not_reported"] == 3


def test_mxmex0009_is_complete_in_both_plans_with_three_milestones(loaded):
    commitment = Commitment.objects.get(ogp_id="MXMEX0009")
    assert commitment.title == "Open government culture"
    assert (commitment.original_language, commitment.title_es) == (
        "en",
        "Cultura de gobierno abierto",
    )
    assert set(commitment.action_plans.values_list("title", flat=True)) == {
        TLALNEPANTLA_PLAN,
        MEXICO_STATE_PLAN,
    }
    assert commitment.problem == (
        "Lack of interest and knowledge of transparency, access to public information and Open "
        "Government on the part of obliged subjects, civil society and citizens in general."
    )
    assert commitment.status_quo.startswith(
        "Strategy for the promotion of Open Government Culture."
    )
    assert "- Weak involvement in the exercise of democratic rights." in commitment.status_quo
    assert commitment.action.startswith(
        "Articulate the local and municipal open government agendas"
    )
    assert commitment.contribution.startswith("It helps to identify local priorities")
    assert commitment.long_term_goal.startswith("Consolidate a diagnostic study")
    assert commitment.values_narrative.startswith("The advancement of knowledge of the Culture")
    assert commitment.primary_policy_area.name == "Right to Information"
    assert commitment.primary_sector.name == "Other/NA"
    assert list(commitment.ogp_values.values_list("name", flat=True)) == ["Access to information"]
    assert (commitment.start, commitment.end) == (
        datetime.date(2022, 2, 1),
        datetime.date(2022, 5, 1),
    )
    role = commitment.institution_roles.get()
    assert (role.institution.acronym, role.role) == ("INFOEM", CommitmentInstitution.Role.LEAD)

    milestones = list(commitment.milestones.order_by("number"))
    assert [(m.number, m.start, m.end) for m in milestones] == [
        (1, datetime.date(2022, 2, 1), datetime.date(2022, 4, 1)),
        (2, datetime.date(2022, 2, 1), datetime.date(2022, 4, 1)),
        (3, datetime.date(2022, 2, 1), datetime.date(2022, 5, 1)),
    ]
    # The seed's Spanish titles are the originals; the English versions are translations.
    assert milestones[0].original_language == "es"
    assert milestones[0].title_es == (
        "Construir un estudio de las condiciones de apertura institucional a nivel municipal"
    )
    assert milestones[0].title_en == (
        "Build a study of the conditions of institutional openness at the municipal level"
    )
    assert milestones[0].shown("title", "en").is_translation
    assert milestones[1].title_es.startswith("Implementar el intercambio de prácticas de apertura")
    assert milestones[2].title_es.startswith("Elaborar una agenda local para la difusión")
    # The seed does not say their status: they keep the default, with no invented history.
    assert {m.status for m in milestones} == {MilestoneStatus.NOT_REPORTED}
    assert not any(m.updates.exists() for m in milestones)


def test_loads_mexicos_90_resources_in_the_pages_order(loaded):
    documents = list(Document.objects.filter(member__slug="mexico").order_by("position"))
    assert len(documents) == 90
    assert [d.position for d in documents] == list(range(1, 91))
    first, last = documents[0], documents[-1]
    assert (first.title, first.year, first.doc_type) == (
        "Mexico Co-Creation Brief 2024",
        2024,
        Document.Type.IRM_REPORT,
    )
    assert (last.title, last.year, last.doc_type) == (
        "Case Study (2013): Mexico’s Budget Transparency Portal",
        2013,
        Document.Type.RESEARCH_PRODUCT,
    )
    item_62 = documents[61]
    assert item_62.title == "Mexico Response Policy Case – Terms of Reference (September 20, 2018)"
    assert (item_62.year, item_62.doc_type) == (2018, "")
    # The page lists this report twice (items 74 and 76): both rows are kept.
    twice = "Mexico Progress Report 2013-2015 – For Public Comment"
    assert [d.position for d in documents if d.title == twice] == [74, 76]
    assert sum(d.doc_type == Document.Type.LETTER for d in documents) == 31
    assert sum(d.doc_type == Document.Type.END_OF_COMMITMENT_REPORT for d in documents) == 11
    # Resources about the demo's own plans and commitments point to them.
    assert documents[4].commitment.ogp_id == "MXMEX0009"
    assert documents[28].action_plan.title == MEXICO_STATE_PLAN
    assert documents[35].action_plan.title == TLALNEPANTLA_PLAN


def test_loads_the_local_technical_secretariat_and_its_memberships(loaded):
    forum = Forum.objects.get(acronym="STL")
    assert forum.name == "Local Technical Secretariat for Open Government of the State of Mexico"
    assert forum.member.slug == "mexico-state"
    assert forum.established == datetime.date(2019, 10, 15)
    assert forum.meeting_frequency == "Bimonthly"
    seats = {}
    for seat in ForumMembership.objects.filter(forum=forum).select_related("institution"):
        who = (seat.institution.acronym or seat.institution.name) if seat.institution else ""
        seats[who or seat.person] = seat.sector
    assert seats == {
        "INFOEM": "government",
        "Secretaría de la Contraloría": "government",
        "Mtro. Oscar Javier Islas Jiménez": "non_governmental",
        "IEEM": "government",
        "Poder Judicial del Estado de México": "government",
    }


def test_loads_the_roundtables_and_open_dialogues_as_meetings(loaded):
    meetings = {
        m.date: m for m in Meeting.objects.select_related("coordinating_institution", "forum")
    }
    roundtables = [
        (datetime.date(2021, 10, 19), "ITESM", "PLYi4lbIAFu_tLAQH7PmC7tXMndHa2VNd_"),
        (datetime.date(2021, 10, 22), "México Evalúa", "PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9"),
        (datetime.date(2021, 10, 27), "Borde Político", "PLYi4lbIAFu_tcGx43oN9mKqxapzooLPyf"),
        (datetime.date(2021, 10, 29), "INFOEM", "PLYi4lbIAFu_tHBUZaQ_Q8QTbJgrC89Hxs"),
    ]
    for day, coordinator, playlist in roundtables:
        meeting = meetings[day]
        assert meeting.kind == Meeting.Kind.ROUNDTABLE
        institution = meeting.coordinating_institution
        assert coordinator in (institution.acronym, institution.name)
        assert meeting.video_url == f"https://www.youtube.com/playlist?list={playlist}"
    assert meetings[datetime.date(2021, 10, 29)].title_es == (
        "Derecho a la información y rendición de cuentas"
    )

    infoem_dialogue = meetings[datetime.date(2021, 2, 5)]
    assert infoem_dialogue.kind == Meeting.Kind.OPEN_DIALOGUE
    assert infoem_dialogue.coordinating_institution.acronym == "INFOEM"
    assert meetings[datetime.date(2020, 7, 9)].coordinating_institution.acronym == "IEEM"
    ieem_dialogue = meetings[datetime.date(2021, 3, 5)]
    assert (ieem_dialogue.kind, ieem_dialogue.coordinating_institution.acronym) == (
        Meeting.Kind.OPEN_DIALOGUE,
        "IEEM",
    )
    assert "Decides IEEM" in ieem_dialogue.summary

    consultation = meetings[datetime.date(2021, 7, 5)]
    assert consultation.kind == Meeting.Kind.CONSULTATION
    assert consultation.end_date == datetime.date(2021, 9, 3)
    assert consultation.participants_count == 2790
    assert consultation.coordinating_institution is None  # the seed does not say who ran it
    assert len(meetings) == 8
    assert {m.forum.acronym for m in meetings.values()} == {"STL"}


def test_creates_the_demo_users_with_their_roles(loaded):
    secretariat = User.objects.get(username="secretariat")
    implementer = User.objects.get(username="implementer")
    evaluator = User.objects.get(username="evaluator")
    assert list(secretariat.groups.values_list("name", flat=True)) == ["Secretariat"]
    assert list(implementer.groups.values_list("name", flat=True)) == ["Implementer"]
    assert list(evaluator.groups.values_list("name", flat=True)) == ["Evaluator"]
    assert secretariat.is_staff and implementer.is_staff and not evaluator.is_staff
    assert not any(u.is_superuser for u in (secretariat, implementer, evaluator))
    assert all(u.check_password("demo") for u in (secretariat, implementer, evaluator))
    assert [i.acronym for i in implementer.institutions.all()] == ["INFOEM"]
    # INFOEM leads MXMEX0009, so its implementer may update those milestones and no others.
    ours = Milestone.objects.filter(commitment__ogp_id="MXMEX0009").first()
    assert can_update_milestone(implementer, ours)
    assert not can_update_milestone(evaluator, ours)


def model_counts() -> dict[str, int]:
    """Rows of every model, many-to-many tables included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
    }


def snapshot() -> dict:
    """Values a second run could disturb, including the auto-updated timestamps."""
    return {
        "members": list(Member.objects.values_list("pk", "updated_at")),
        "plans": list(ActionPlan.objects.values_list("pk", "updated_at", "vision", "status")),
        "commitments": list(Commitment.objects.values_list("pk", "updated_at", "title")),
        "milestones": list(Milestone.objects.values_list("pk", "updated_at", "status", "end")),
        "documents": list(Document.objects.values_list("pk", "position", "title", "doc_type")),
        "users": list(User.objects.values_list("pk", "password", "is_staff")),
        "reports": [
            list(model.objects.order_by("pk").values())
            for model in (InceptionReport, CommitmentAssessment, EndOfCommitmentReport)
        ],
    }


def test_running_it_twice_changes_nothing(loaded):
    counts, values = model_counts(), snapshot()
    output = loaddemo()
    assert model_counts() == counts
    assert snapshot() == values
    assert "Demo data already up to date: nothing changed." in output
    assert " 0 created" in output and "91 unchanged" in output
    assert "Commitment assessments       0 created,   0 updated,   8 unchanged" in output


def test_a_second_run_keeps_a_status_changed_through_the_service(loaded):
    milestone = Milestone.objects.get(commitment__ogp_id="MXMEX0009", number=1)
    implementer = User.objects.get(username="implementer")
    change_milestone_status(
        milestone=milestone, new_status=MilestoneStatus.FINISHED, by=implementer, note="Done"
    )
    loaddemo()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FINISHED
    assert milestone.updates.count() == 1


def test_a_second_run_keeps_the_secretariats_edits_and_the_password(loaded):
    plan = ActionPlan.objects.get(title=TLALNEPANTLA_PLAN)
    ActionPlan.objects.filter(pk=plan.pk).update(
        agency_checkins_en="Edited by the secretariat", agency_checkins_es="Editado"
    )
    commitment = Commitment.objects.get(ogp_id="MXMEX0009")
    Commitment.objects.filter(pk=commitment.pk).update(is_published=False)
    user = User.objects.get(username="secretariat")
    user.set_password("a better password")
    user.save()

    output = loaddemo()

    plan.refresh_from_db()
    assert (plan.agency_checkins_en, plan.agency_checkins_es) == (
        "Edited by the secretariat",
        "Editado",
    )
    assert not Commitment.objects.get(pk=commitment.pk).is_published
    assert "Demo data already up to date: nothing changed." in output
    user.refresh_from_db()
    assert user.check_password("a better password")


def test_a_second_run_fills_a_translation_the_database_lacks(loaded):
    plan = ActionPlan.objects.get(title=TLALNEPANTLA_PLAN)
    seed_spanish = plan.agency_checkins_es
    assert seed_spanish
    ActionPlan.objects.filter(pk=plan.pk).update(agency_checkins_es="")

    output = loaddemo()

    plan.refresh_from_db()
    assert plan.agency_checkins_es == seed_spanish
    assert "Action plans                 0 created,   1 updated,   2 unchanged" in output


def test_refuses_to_create_the_demo_users_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off: refusing to create the demo users"):
        loaddemo()
    assert not User.objects.exists()
    assert not Member.objects.exists()  # nothing else was loaded either


def test_no_users_loads_only_the_content_even_when_debug_is_off(settings):
    settings.DEBUG = False
    output = loaddemo("--no-users")
    assert not User.objects.exists()
    assert Commitment.objects.count() == 8
    assert Document.objects.filter(member__slug="mexico").count() == 90
    assert "Demo users skipped (--no-users)." in output


def test_hands_over_to_the_reports_demo_loader_after_plans_and_users(debug_on, monkeypatch):
    calls = []

    def load_demo_reports(stdout, loader=None):
        # By now the plans, commitments and the evaluator exist.
        calls.append(
            (
                Commitment.objects.filter(ogp_id="MXMEX0009").exists(),
                User.objects.filter(username="evaluator").exists(),
            )
        )
        stdout.write("Reports loaded.")

    fake = types.ModuleType("reports.demo")
    fake.load_demo_reports = load_demo_reports
    monkeypatch.setitem(sys.modules, "reports.demo", fake)

    output = loaddemo()

    assert calls == [(True, True)]
    assert "Reports loaded." in output


def test_a_failure_in_the_reports_demo_loader_rolls_everything_back(debug_on, monkeypatch):
    fake = types.ModuleType("reports.demo")

    def load_demo_reports(stdout, loader=None):
        raise CommandError("reports broke")

    fake.load_demo_reports = load_demo_reports
    monkeypatch.setitem(sys.modules, "reports.demo", fake)

    with pytest.raises(CommandError, match="reports broke"):
        loaddemo()
    assert not Member.objects.exists()
    assert not User.objects.exists()


def test_mexico_has_its_fourth_action_plan_and_the_demo_names_its_owner(loaded):
    plan = ActionPlan.objects.get(slug="mexico-action-plan-4")
    assert plan.member.slug == "mexico"
    assert (plan.start_year, plan.end_year, plan.reported_commitments) == (2019, 2022, 13)
    assert plan.introduction_en.startswith("The fourth action plan brings several lessons")
    assert plan.title_es == "Plan de acción 4"
    from portal.models import SiteSettings

    settings_record = SiteSettings.objects.get(pk=1)
    assert [m.slug for m in settings_record.owners.all()] == ["mexico-state"]
    assert settings_record.tagline_en == "State of Mexico"
