"""Small factory helpers: every test builds the rows it needs, never the demo data."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group, User

from commitments.models import Commitment, CommitmentInstitution, Milestone, MilestoneStatus
from plans.models import ActionPlan, Institution, Member, OGPValue, PolicyArea
from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT

_seq = itertools.count(1)


def n() -> int:
    return next(_seq)


def make_user(
    username: str | None = None, *, group: str | None = None, staff: bool = False, **extra
) -> User:
    username = username or f"user{n()}"
    user = User.objects.create_user(username=username, password="pw", is_staff=staff, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_secretariat(username: str | None = None) -> User:
    return make_user(username or f"secretariat{n()}", group=SECRETARIAT, staff=True)


def make_implementer(*institutions: Institution, username: str | None = None) -> User:
    user = make_user(username or f"implementer{n()}", group=IMPLEMENTER, staff=True)
    for institution in institutions:
        institution.staff.add(user)
    return user


def make_evaluator(username: str | None = None, **names) -> User:
    """An evaluator with a full name (reports show it and need it to be published)."""
    names.setdefault("first_name", "Ana")
    names.setdefault("last_name", f"Evaluadora {n()}")
    return make_user(username or f"evaluator{n()}", group=EVALUATOR, **names)


def make_member(**fields) -> Member:
    i = n()
    fields.setdefault("name", f"Member {i}")
    fields.setdefault("slug", f"member-{i}")
    return Member.objects.create(**fields)


def make_institution(**fields) -> Institution:
    i = n()
    fields.setdefault("name", f"Institución {i}")
    fields.setdefault("slug", f"institucion-{i}")
    return Institution.objects.create(**fields)


def make_plan(member: Member | None = None, *, published: bool = True, **fields) -> ActionPlan:
    i = n()
    fields.setdefault("title", f"Action plan {i}")
    fields.setdefault("slug", f"action-plan-{i}")
    fields.setdefault("start_year", 2021)
    fields.setdefault("end_year", 2022)
    status = ActionPlan.Status.PUBLISHED if published else ActionPlan.Status.DRAFT
    return ActionPlan.objects.create(member=member or make_member(), status=status, **fields)


def make_commitment(
    plan: ActionPlan | None = None,
    *,
    milestones: int = 0,
    lead: Institution | None = None,
    published: bool = True,
    statuses: tuple[str, ...] = (),
    **fields,
) -> Commitment:
    i = n()
    if not {"title_es", "title_en"} & set(fields):
        fields.setdefault("title", f"Commitment {i}")
    fields.setdefault("start", datetime.date(2022, 2, 1))
    fields.setdefault("end", datetime.date(2022, 5, 1))
    commitment = Commitment.objects.create(is_published=published, **fields)
    commitment.action_plans.add(plan or make_plan())
    if lead is not None:
        CommitmentInstitution.objects.create(
            commitment=commitment, institution=lead, role=CommitmentInstitution.Role.LEAD
        )
    for number in range(1, milestones + 1):
        status = statuses[number - 1] if number <= len(statuses) else MilestoneStatus.NOT_REPORTED
        make_milestone(commitment, number=number, status=status)
    return commitment


def make_milestone(commitment: Commitment, **fields) -> Milestone:
    fields.setdefault("number", commitment.milestones.count() + 1)
    if not {"title_es", "title_en"} & set(fields):
        fields.setdefault("title", f"Milestone {fields['number']}")
    fields.setdefault("start", datetime.date(2022, 2, 1))
    fields.setdefault("end", datetime.date(2022, 4, 1))
    return Milestone.objects.create(commitment=commitment, **fields)


def ogp_value(slug: str = "access-to-information") -> OGPValue:
    return OGPValue.objects.get(slug=slug)


def policy_area(slug: str = "right-to-information") -> PolicyArea:
    return PolicyArea.objects.get(slug=slug)


# Reports --------------------------------------------------------------------------------------


def make_inception_report(
    plan: ActionPlan | None = None, *, evaluators=(), status: str = "draft", **fields
):
    from reports.models import InceptionReport

    report = InceptionReport.objects.create(action_plan=plan or make_plan(), **fields)
    report.evaluators.set(evaluators)
    if status != "draft":
        # Tests that need another status set it directly; the workflow is tested on its own.
        InceptionReport.objects.filter(pk=report.pk).update(status=status)
        report.refresh_from_db()
    return report


def make_end_of_commitment_report(
    commitment: Commitment | None = None, *, evaluators=(), status: str = "draft", **fields
):
    from reports.models import EndOfCommitmentReport

    commitment = commitment or make_commitment()
    fields.setdefault("action_plan", commitment.action_plans.first())
    report = EndOfCommitmentReport.objects.create(commitment=commitment, **fields)
    report.evaluators.set(evaluators)
    if status != "draft":
        EndOfCommitmentReport.objects.filter(pk=report.pk).update(status=status)
        report.refresh_from_db()
    return report


def complete_inception_answers(report) -> None:
    """Fill every required answer of an Inception Report and its commitment blocks."""
    from reports.models import CommitmentChange, CommitmentNature, PracticeAnswer

    yes = PracticeAnswer.objects.get(slug="yes")
    for section in report.SECTIONS:
        for question in section.questions:
            for name in question.required:
                field = report._meta.get_field(name)
                if field.is_relation:
                    setattr(report, name, yes)
                elif field.choices:
                    setattr(report, name, "yes")
                else:
                    setattr(report, name, f"Explanation of {question.code}")
    report.save()
    for assessment in report.assessments.all():
        assessment.verifiable = "yes"
        assessment.relevant = "yes"
        assessment.nature = CommitmentNature.objects.get(slug="continuation")
        assessment.change = CommitmentChange.objects.get(slug="binding-change")
        assessment.recommended_changes = "None yet."
        assessment.save()


def complete_end_of_commitment_answers(report) -> None:
    """Fill every required answer of an End of Commitment Report."""
    from reports.models import ImplementationAnswer, ProblemAnswer

    report.progress_level = "substantial"
    report.progress_level_explanation = "Most milestones are done."
    report.impact_factors = "Political will."
    report.as_planned = ImplementationAnswer.objects.get(slug="as-planned")
    report.as_planned_explanation = "As planned."
    report.access_to_information = "marginal"
    report.civic_participation = "major"
    report.public_accountability = "did_not_change"
    report.problem_addressed = ProblemAnswer.objects.get(slug="yes")
    report.problem_addressed_explanation = "It did."
    report.lessons = "Start early."
    report.save()


MXMEX0009_MILESTONES = (
    (
        "Construir un estudio de las condiciones de apertura institucional a nivel municipal",
        datetime.date(2022, 2, 1),
        datetime.date(2022, 4, 1),
    ),
    (
        "Implementar el intercambio de prácticas de apertura entre Sociedad Civil y Sujetos "
        "Obligados a nivel local, para promover la instalación de Secretariados Técnicos "
        "Municipales",
        datetime.date(2022, 2, 1),
        datetime.date(2022, 4, 1),
    ),
    (
        "Elaborar una agenda local para la difusión y conocimiento en temas de Gobierno Abierto, "
        "así como promover el ejercicio de prácticas de apertura gubernamental, a través "
        "deforos, seminarios, concursos, etc., de la mano con el sector académico, empresarial "
        "y demás actores relevantes",
        datetime.date(2022, 2, 1),
        datetime.date(2022, 5, 1),
    ),
)


def make_mxmex0009(*, member: Member | None = None, plan: ActionPlan | None = None) -> Commitment:
    """Seed 001: “Open government culture (MXMEX0009)”, its three milestones and one update.

    Milestone 1 is finished through the status service (with a note and evidence), so the
    commitment has a public history entry; milestones 2 and 3 stay not reported (overdue).
    """
    from commitments.services import Evidence, change_milestone_status

    member = member or make_member(
        name="Mexico State", display_name="Mexico State, Mexico", slug="mexico-state"
    )
    plan = plan or make_plan(
        member,
        title="Action plan – Mexico State, Mexico, 2021 – 2022",
        slug="action-plan-mexico-state-2021-2022",
        submission_year=2021,
    )
    infoem = Institution.objects.filter(acronym="INFOEM").first() or make_institution(
        name=(
            "Instituto de Transparencia, Acceso a la Información Pública y Protección de Datos "
            "Personales del Estado de México y Municipios"
        ),
        acronym="INFOEM",
    )
    commitment = make_commitment(
        plan,
        lead=infoem,
        ogp_id="MXMEX0009",
        title="Open government culture",
        problem=(
            "Lack of interest and knowledge of transparency, access to public information and "
            "Open Government on the part of obliged subjects, civil society and citizens in "
            "general."
        ),
        status_quo="Strategy for the promotion of Open Government Culture.",
        action=(
            "Articulate the local and municipal open government agendas, in order to convert "
            "them, in coordination with Civil Society Organisations, into a state strategy that "
            "allows progress towards the consolidation of institutional openness in the State "
            "of Mexico, based on the experiences accumulated in the three levels of government."
        ),
        primary_policy_area=policy_area("right-to-information"),
        start=datetime.date(2022, 2, 1),
        end=datetime.date(2022, 5, 1),
    )
    commitment.ogp_values.add(ogp_value("access-to-information"))
    for number, (title, start, end) in enumerate(MXMEX0009_MILESTONES, start=1):
        make_milestone(commitment, number=number, title=title, start=start, end=end)
    change_milestone_status(
        milestone=commitment.milestones.get(number=1),
        new_status=MilestoneStatus.FINISHED,
        by=make_secretariat(),
        note="The municipal openness study was delivered to the Local Technical Secretariat.",
        evidence=[Evidence(url="https://example.org/estudio-apertura", title="Estudio municipal")],
    )
    return commitment
