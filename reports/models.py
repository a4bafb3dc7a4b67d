"""Evaluator reports: the Inception Report of an action plan and the End of Commitment Report.

Every question of OGP's forms is its own field (an answer, an explanation and evidence), so the
assessments are data on the plan and the commitment, not a flat page.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ogptracker.languages import Translatable
from plans.models import Vocabulary
from plans.roles import EVALUATOR, is_evaluator
from reports.storage import private_storage

# ---------------------------------------------------------------------------------------------
# Answer scales
# ---------------------------------------------------------------------------------------------


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class ProgressLevel(models.TextChoices):
    NO_EVIDENCE = "no_evidence", _("No evidence available")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")


class DegreeOfResult(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    WORSENED = "worsened", _("Worsened")
    DID_NOT_CHANGE = "did_not_change", _("Did not change")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Major")
    OUTSTANDING = "outstanding", _("Outstanding")


class PracticeAnswer(Vocabulary):
    """Answers to the recommended practices of Section 2 of the Inception Report."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("answer on a recommended practice")
        verbose_name_plural = _("answers on recommended practices")


class CommitmentNature(Vocabulary):
    """Question N.3 of the Inception Report: continuation of practice or something new."""

    # The options are whole sentences, longer than other terms.
    name = models.CharField(_("name (English)"), max_length=400, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=400, blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("description of a commitment’s novelty")
        verbose_name_plural = _("descriptions of a commitment’s novelty")


class CommitmentChange(Vocabulary):
    """Question N.4 of the Inception Report: what change the commitment will bring."""

    # The options are whole sentences, longer than other terms.
    name = models.CharField(_("name (English)"), max_length=400, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=400, blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("description of a commitment’s expected change")
        verbose_name_plural = _("descriptions of a commitment’s expected change")


class ImplementationAnswer(Vocabulary):
    """Question 1.3 of the End of Commitment Report: was it implemented as planned?"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("answer on implementation as planned")
        verbose_name_plural = _("answers on implementation as planned")


class ProblemAnswer(Vocabulary):
    """Question 2.2 of the End of Commitment Report: did it address the public problem?"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("answer on the public problem")
        verbose_name_plural = _("answers on the public problem")


# ---------------------------------------------------------------------------------------------
# Field helpers: each question is an answer, an explanation and evidence
# ---------------------------------------------------------------------------------------------

EXPLANATION_LABEL = _("Provide a brief explanation of your answer")
EVIDENCE_LABEL = _("Provide evidence for your answer")
EVIDENCE_HELP = _("Provide references here (e.g. interviews). One link or reference per line.")


def yes_no(question) -> models.CharField:
    return models.CharField(question, max_length=3, choices=YesNo.choices, blank=True)


def scale(model: str, question) -> models.ForeignKey:
    return models.ForeignKey(
        model,
        verbose_name=question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


def explanation(label=EXPLANATION_LABEL) -> models.TextField:
    return models.TextField(label, blank=True)


def evidence() -> models.TextField:
    return models.TextField(EVIDENCE_LABEL, blank=True, help_text=EVIDENCE_HELP)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` months later, clamped to the end of shorter months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass
class Question:
    """One question of a report's form: its number and the model field holding the answer."""

    code: str
    name: str
    explanation: str | None = None
    evidence: str | None = None
    required: tuple[str, ...] = ()
    fields: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.fields = [n for n in (self.name, self.explanation, self.evidence) if n]


def qa(code: str, name: str, *, evidence: bool = True, required=("answer",)) -> Question:
    """A question with an answer, an explanation and (usually) evidence."""
    names = {"answer": name, "explanation": f"{name}_explanation"}
    return Question(
        code,
        name,
        explanation=f"{name}_explanation",
        evidence=f"{name}_evidence" if evidence else None,
        required=tuple(names[r] for r in required),
    )


@dataclass
class Section:
    number: str
    title: object
    questions: list[Question]


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")


class ReportQuerySet(models.QuerySet):
    def published(self):
        """Published reports whose plan or commitment the public may see."""
        return self.filter(status=Status.PUBLISHED).filter(self.model.public_parent_q())

    def visible_to(self, user):
        """What the public pages show anyone: published reports only (they take comments)."""
        return self.published()

    def assigned_to(self, user):
        """Reports the user is assigned to, while the user is in the Evaluator group."""
        if not is_evaluator(user):
            return self.none()
        return self.filter(evaluators=user)

    def for_commitment(self, commitment):
        """Reports about a commitment: its End of Commitment Report, its plans' Inception Reports."""
        return self.filter(self.model.commitment_q(commitment)).distinct()

    def for_member(self, member):
        """Reports on the plans of a member, consortium plans included."""
        from plans.models import ActionPlan

        return self.filter(action_plan__in=ActionPlan.objects.of_member(member).values("pk"))

    def overdue(self, today: datetime.date | None = None):
        """Reports not yet submitted whose due date has passed."""
        today = today or timezone.localdate()
        return self.filter(status=Status.DRAFT, due_date__lt=today)

    def for_detail(self):
        """Everything a report page reads, loaded up front."""
        return self.select_related(*self.model.DETAIL_RELATED).prefetch_related(
            *self.model.detail_prefetch()
        )

    def for_workspace(self):
        """What the evaluator's list shows, loaded up front."""
        return self.select_related(*self.model.WORKSPACE_RELATED).order_by("due_date", "pk")


class Report(Translatable):
    """What both reports share: evaluators, status, due date and an edit version."""

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    evaluator_names = models.CharField(
        _("name of evaluator"),
        max_length=500,
        blank=True,
        help_text=_(
            "As shown on the report, for example when the evaluators have no account. "
            "Leave empty to show the names of the assigned evaluators."
        ),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    SECTIONS: list[Section] = []
    WORKSPACE_RELATED: tuple[str, ...] = ()
    DETAIL_RELATED: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.due_date = self.compute_due_date()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_date"}
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_overdue(self) -> bool:
        """Not submitted and past its due date; computed, never typed."""
        return self.is_draft and self.due_date is not None and self.due_date < timezone.localdate()

    def evaluator_display(self) -> str:
        """The names shown as “Name of Evaluator” (uses prefetched evaluators)."""
        if self.evaluator_names:
            return self.evaluator_names
        # Full names only: a username is an account detail, never shown as a person's name.
        return ", ".join(name for u in self.evaluators.all() if (name := u.get_full_name().strip()))

    def evaluators_without_name(self) -> list:
        """Assigned evaluators whose full name is missing (it is required to publish)."""
        if self.evaluator_names.strip():
            return []
        return [u for u in self.evaluators.all() if not u.get_full_name().strip()]

    def required_fields(self) -> list[str]:
        return [name for section in self.SECTIONS for q in section.questions for name in q.required]

    def missing_answers(self) -> dict[str, str]:
        """Required answers still empty, by field name: what stops a submission."""
        return {
            name: str(_("This answer is required to submit the report."))
            for name in self.required_fields()
            if getattr(self, f"{name}_id" if self._meta.get_field(name).is_relation else name)
            in (None, "")
        }

    def last_return(self):
        """The latest “returned to draft” transition, whose comment the evaluator reads."""
        returns = [t for t in self.transitions.all() if t.to_status == Status.DRAFT]
        return max(returns, key=lambda t: (t.created_at, t.pk)) if returns else None

    def answer_rows(self) -> list[dict]:
        """The report's sections with each question's text and answers, for display."""
        rows = []
        for section in self.SECTIONS:
            questions = []
            for q in section.questions:
                answer_field = self._meta.get_field(q.name)
                questions.append(
                    {
                        "code": q.code,
                        "text": answer_field.verbose_name,
                        "answer": display_value(self, q.name),
                        "is_text": isinstance(answer_field, models.TextField),
                        "explanation_label": self._meta.get_field(q.explanation).verbose_name
                        if q.explanation
                        else None,
                        "explanation": written(self, q.explanation) if q.explanation else None,
                        "evidence": written(self, q.evidence) if q.evidence else None,
                        "has_evidence": bool(q.evidence),
                    }
                )
                if questions[-1]["is_text"]:
                    questions[-1]["answer"] = written(self, q.name)
            rows.append({"number": section.number, "title": section.title, "questions": questions})
        return rows


def written(obj, name: str):
    """A written answer as the page shows it: in the reader's language when it has that
    version, else in the other one, marked (``ogptracker.languages.Shown``)."""
    from ogptracker.languages import translatable_fields

    if name in translatable_fields(type(obj)):
        return obj.shown(name)
    return getattr(obj, name)


def display_value(obj, name: str) -> str:
    """The answer in the reader's language: a choice label, a scale term or the text itself."""
    model_field = obj._meta.get_field(name)
    if model_field.choices:
        return str(getattr(obj, f"get_{name}_display")()) if getattr(obj, name) else ""
    value = getattr(obj, name)
    if value is None:
        return ""
    return value.label if isinstance(value, Vocabulary) else str(value)


class InceptionReport(Report):
    """OGP Local's Inception Report on an action plan (one per plan)."""

    action_plan = models.OneToOneField(
        "plans.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        related_name="inception_report",
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluators"),
        blank=True,
        related_name="inception_reports",
        limit_choices_to={"groups__name": EVALUATOR},
        help_text=_("Users of the Evaluator group who fill in this report."),
    )

    # Section 1. Compliance with co-creation requirements
    forum_exists = yes_no(_("Does a forum exist?"))
    forum_exists_explanation = explanation()
    forum_exists_evidence = evidence()
    forum_multistakeholder = yes_no(_("Is the forum multi-stakeholder?"))
    forum_multistakeholder_explanation = explanation()
    forum_multistakeholder_evidence = evidence()
    forum_meeting = yes_no(
        _(
            "Does the forum hold at least one meeting with civil society and non-governmental "
            "stakeholders during the co-creation of the action plan?"
        )
    )
    forum_meeting_explanation = explanation()
    forum_meeting_evidence = evidence()
    plan_endorsed = yes_no(
        _(
            "Has the action plan been endorsed by the stakeholders of the forum or steering "
            "committee/group?"
        )
    )
    plan_endorsed_explanation = explanation()
    plan_endorsed_evidence = evidence()

    # Section 2. Recommended practices in co-creation
    practice_website = scale(
        "reports.PracticeAnswer",
        _(
            "Does the government maintain a Local OGP website or webpage on a government website "
            "where information on the OGP Local process (co-creation and implementation) is "
            "proactively published?"
        ),
    )
    practice_website_explanation = explanation()
    practice_website_evidence = evidence()
    practice_advance_information = scale(
        "reports.PracticeAnswer",
        _(
            "Did the government provide information to stakeholders in advance to facilitate "
            "informed and prepared participation in the co-creation process?"
        ),
    )
    practice_advance_information_explanation = explanation()
    practice_advance_information_evidence = evidence()
    practice_public_inputs = scale(
        "reports.PracticeAnswer",
        _(
            "Did the government ensure that any interested member of the public could make inputs "
            "into the action plan and observe or have access to decision-making documentation?"
        ),
    )
    practice_public_inputs_explanation = explanation()
    practice_public_inputs_evidence = evidence()
    practice_feedback = scale(
        "reports.PracticeAnswer",
        _(
            "Did the government proactively report back or provide written feedback to "
            "stakeholders on how their contributions were considered during the creation of the "
            "action plan?"
        ),
    )
    practice_feedback_explanation = explanation()
    practice_feedback_evidence = evidence()
    practice_dialogue = scale(
        "reports.PracticeAnswer",
        _(
            "Was there an iterative dialogue and shared ownership between government and "
            "non-governmental stakeholders during the decision making process, including setting "
            "the agenda?"
        ),
    )
    practice_dialogue_explanation = explanation()
    practice_dialogue_evidence = evidence()
    practice_inclusive_forum = scale(
        "reports.PracticeAnswer", _("Would you consider the forum to be inclusive and diverse?")
    )
    practice_inclusive_forum_explanation = explanation()
    practice_inclusive_forum_evidence = evidence()

    SECTIONS = [
        Section(
            "1",
            _("Compliance with co-creation requirements"),
            [
                qa("1.1", "forum_exists", required=("answer", "explanation")),
                qa("1.2", "forum_multistakeholder", required=("answer", "explanation")),
                qa("1.3", "forum_meeting", required=("answer", "explanation")),
                qa("1.4", "plan_endorsed", required=("answer", "explanation")),
            ],
        ),
        Section(
            "2",
            _("Recommended practices in co-creation"),
            [
                qa("2.1", "practice_website", required=("answer", "explanation")),
                qa("2.2", "practice_advance_information", required=("answer", "explanation")),
                qa("2.3", "practice_public_inputs", required=("answer", "explanation")),
                qa("2.4", "practice_feedback", required=("answer", "explanation")),
                qa("2.5", "practice_dialogue", required=("answer", "explanation")),
                qa("2.6", "practice_inclusive_forum", required=("answer", "explanation")),
            ],
        ),
    ]
    WORKSPACE_RELATED = ("action_plan__member",)
    DETAIL_RELATED = (
        "action_plan__member",
        "practice_website",
        "practice_advance_information",
        "practice_public_inputs",
        "practice_feedback",
        "practice_dialogue",
        "practice_inclusive_forum",
    )

    class Meta:
        ordering = ["-action_plan__start_year", "pk"]
        verbose_name = _("Inception Report")
        verbose_name_plural = _("Inception Reports")

    def __str__(self) -> str:
        return str(_("Inception Report – %(plan)s") % {"plan": self.action_plan.title})

    def get_absolute_url(self) -> str:
        return reverse("reports:inception", kwargs={"pk": self.pk})

    @staticmethod
    def public_parent_q() -> Q:
        return Q(action_plan__status="published")

    @staticmethod
    def commitment_q(commitment) -> Q:
        return Q(action_plan__commitments=commitment)

    @staticmethod
    def detail_prefetch() -> list:
        return [
            "evaluators",
            models.Prefetch(
                "assessments",
                queryset=CommitmentAssessment.objects.select_related(
                    "commitment", "nature", "change"
                ).order_by("position", "pk"),
            ),
        ]

    def compute_due_date(self) -> datetime.date | None:
        """Two months after the plan was submitted (OGP Local's rule)."""
        submitted = self.action_plan.date_submitted if self.action_plan_id else None
        return add_months(submitted, 2) if submitted else None

    def get_workspace_url(self) -> str:
        return reverse("reports:edit_inception", kwargs={"pk": self.pk})

    @property
    def kind_label(self):
        return _("Inception Report")

    @property
    def subject(self) -> str:
        return self.action_plan.title

    @property
    def member(self):
        return self.action_plan.member


class CommitmentAssessmentQuerySet(models.QuerySet):
    def published(self):
        """Assessments in published Inception Reports the public may see."""
        return self.filter(report__status=Status.PUBLISHED, report__action_plan__status="published")

    def for_commitment(self, commitment):
        """The assessments of one commitment, newest plan first."""
        return self.filter(commitment=commitment).order_by("-report__action_plan__start_year", "pk")


class CommitmentAssessment(Translatable):
    """Section 3 of the Inception Report: the initial evaluation of one commitment of the plan."""

    report = models.ForeignKey(
        InceptionReport,
        verbose_name=_("Inception Report"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="inception_assessments",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    verifiable = yes_no(_("Is the commitment verifiable?"))
    verifiable_explanation = explanation()
    verifiable_evidence = evidence()
    relevant = yes_no(
        _("Does the commitment language/activities clearly justify relevance to OGP values?")
    )
    relevant_explanation = explanation()
    relevant_evidence = evidence()
    nature = scale(
        "reports.CommitmentNature",
        _("Please select one option that best describes the commitment:"),
    )
    nature_explanation = explanation()
    nature_evidence = evidence()
    change = scale(
        "reports.CommitmentChange",
        _("Please select one option that best describes the commitment:"),
    )
    change_explanation = explanation()
    change_evidence = evidence()
    recommended_changes = models.TextField(
        _(
            "Are there any recommended changes to the design of the commitment to help improve "
            "its implementation?"
        ),
        blank=True,
    )

    objects = CommitmentAssessmentQuerySet.as_manager()

    QUESTIONS = [
        qa("1", "verifiable"),
        qa("2", "relevant"),
        qa("3", "nature"),
        qa("4", "change"),
        Question("5", "recommended_changes", required=("recommended_changes",)),
    ]

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name = _("initial evaluation of a commitment")
        verbose_name_plural = _("Section 3. Initial evaluation of commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "commitment"],
                name="assessment_once_per_commitment",
                violation_error_message=_("This commitment is already assessed in the report."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.commitment.title}"

    def missing_answers(self) -> dict[str, str]:
        required = [name for q in self.QUESTIONS for name in q.required]
        return {
            name: str(_("This answer is required to submit the report."))
            for name in required
            if getattr(self, f"{name}_id" if self._meta.get_field(name).is_relation else name)
            in (None, "")
        }

    def answer_rows(self) -> list[dict]:
        rows = []
        for q in self.QUESTIONS:
            answer_field = self._meta.get_field(q.name)
            rows.append(
                {
                    "code": f"{self.position}.{q.code}",
                    "text": answer_field.verbose_name,
                    "answer": display_value(self, q.name),
                    "is_text": isinstance(answer_field, models.TextField),
                    "explanation_label": EXPLANATION_LABEL if q.explanation else None,
                    "explanation": written(self, q.explanation) if q.explanation else None,
                    "evidence": written(self, q.evidence) if q.evidence else None,
                    "has_evidence": bool(q.evidence),
                }
            )
            if rows[-1]["is_text"]:
                rows[-1]["answer"] = written(self, q.name)
        return rows


class EndOfCommitmentReport(Report):
    """OGP Local's End of Commitment Report on one commitment."""

    commitment = models.OneToOneField(
        "commitments.Commitment",
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        related_name="end_of_commitment_report",
    )
    action_plan = models.ForeignKey(
        "plans.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        related_name="end_of_commitment_reports",
        help_text=_("The plan named in the report’s header; one of the commitment’s plans."),
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluators"),
        blank=True,
        related_name="end_of_commitment_reports",
        limit_choices_to={"groups__name": EVALUATOR},
        help_text=_("Users of the Evaluator group who fill in this report."),
    )

    # Section 1. Commitment completion
    progress_level = models.CharField(
        _(
            "What was the overall level of progress in the commitment implementation at the time "
            "of this assessment?"
        ),
        max_length=20,
        choices=ProgressLevel.choices,
        blank=True,
    )
    progress_level_explanation = explanation()
    progress_level_evidence = evidence()
    impact_factors = models.TextField(
        _(
            "Describe the main external or internal factors that impacted implementation of this "
            "commitment and how they were addressed (or not)."
        ),
        blank=True,
    )
    as_planned = scale(
        "reports.ImplementationAnswer", _("Was the commitment implemented as originally planned?")
    )
    as_planned_explanation = explanation()
    as_planned_evidence = evidence()

    # Section 2. Did it open government?
    access_to_information = models.CharField(
        _(
            "Did the government disclose more information; improve the quality of the information "
            "(new or existing); improve the value of the information; improve the channels to "
            "disclose or request information or improve accessibility to information?"
        ),
        max_length=20,
        choices=DegreeOfResult.choices,
        blank=True,
    )
    access_to_information_explanation = explanation(
        _("Explanation: In narrative form, what has been the impact on people or practice.")
    )
    access_to_information_evidence = evidence()
    civic_participation = models.CharField(
        _(
            "Did the government create new opportunities to seek feedback from citizens/enable "
            "participation inform or influence decisions; improve existing channels or spaces to "
            "seek feedback from citizens/enable participation/ inform or influence decisions; "
            "create or improve capabilities in the government or the public aimed to improve how "
            "the government seeks feedback from citizens/enables participation/ or allows for the "
            "public to inform or influence decisions?"
        ),
        max_length=20,
        choices=DegreeOfResult.choices,
        blank=True,
    )
    civic_participation_explanation = explanation(
        _("Explanation: In narrative form, what has been the impact on people or practice.")
    )
    civic_participation_evidence = evidence()
    public_accountability = models.CharField(
        _(
            "Did the government create or improve channels, opportunities or capabilities to hold "
            "officials answerable to their actions?"
        ),
        max_length=20,
        choices=DegreeOfResult.choices,
        blank=True,
    )
    public_accountability_explanation = explanation(
        _("Explanation: In narrative form, what has been the impact on people or practice.")
    )
    public_accountability_evidence = evidence()
    problem_addressed = scale(
        "reports.ProblemAnswer",
        _(
            "Did the commitment address the public policy problem that it intended to address as "
            "described in the action plan?"
        ),
    )
    problem_addressed_explanation = explanation()
    problem_addressed_evidence = evidence()

    # Section 3. Lessons
    lessons = models.TextField(
        _(
            "Provide at least one lesson or reflection relating to the implementation of this "
            "commitment. It can be the identification of key barriers to implementation, an "
            "unexpected help/hindrance, recommendations for future commitments, or if the "
            "commitment should be taken forward to the next action plan."
        ),
        blank=True,
    )

    SECTIONS = [
        Section(
            "1",
            _("Commitment completion"),
            [
                qa("1.1", "progress_level", required=("answer", "explanation")),
                Question("1.2", "impact_factors", required=("impact_factors",)),
                qa("1.3", "as_planned", required=("answer", "explanation")),
            ],
        ),
        Section(
            "2",
            _("Did it open government?"),
            [
                qa("2.1.1", "access_to_information"),
                qa("2.1.2", "civic_participation"),
                qa("2.1.3", "public_accountability"),
                qa("2.2", "problem_addressed", required=("answer", "explanation")),
            ],
        ),
        Section("3", _("Lessons"), [Question("3", "lessons", required=("lessons",))]),
    ]
    WORKSPACE_RELATED = ("commitment", "action_plan__member")
    DETAIL_RELATED = ("commitment", "action_plan__member", "as_planned", "problem_addressed")
    MAX_ATTACHMENTS = 3

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("End of Commitment Report")
        verbose_name_plural = _("End of Commitment Reports")

    def __str__(self) -> str:
        return str(
            _("End of Commitment Report – %(commitment)s") % {"commitment": self.commitment.title}
        )

    def get_absolute_url(self) -> str:
        return reverse("reports:end_of_commitment", kwargs={"pk": self.pk})

    @staticmethod
    def detail_prefetch() -> list:
        return ["evaluators", "attachments"]

    @staticmethod
    def commitment_q(commitment) -> Q:
        return Q(commitment=commitment)

    @staticmethod
    def public_parent_q() -> Q:
        from commitments.models import Commitment

        return Q(commitment__in=Commitment.objects.published())

    def clean(self) -> None:
        super().clean()
        if (
            self.commitment_id
            and self.action_plan_id
            and not self.commitment.action_plans.filter(pk=self.action_plan_id).exists()
        ):
            raise ValidationError(
                {"action_plan": _("Choose one of the plans this commitment belongs to.")}
            )

    def compute_due_date(self) -> datetime.date | None:
        """One month after the commitment ends: the last day of the month after its end month."""
        end = self.commitment.end if self.commitment_id else None
        return end_of_month(add_months(end.replace(day=1), 1)) if end else None

    def get_workspace_url(self) -> str:
        return reverse("reports:edit_end_of_commitment", kwargs={"pk": self.pk})

    @property
    def kind_label(self):
        return _("End of Commitment Report")

    @property
    def subject(self) -> str:
        return self.commitment.title

    @property
    def member(self):
        return self.action_plan.member


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never reuses the uploader's file name (kept in ``original_name``).
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"end-of-commitment/{instance.report_id}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """An evidence file of an End of Commitment Report, kept outside public file serving."""

    report = models.ForeignKey(
        EndOfCommitmentReport,
        verbose_name=_("End of Commitment Report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("reports:attachment", kwargs={"report_pk": self.report_id, "pk": self.pk})


class Transition(models.Model):
    """One change of a report's status: who, when, from, to, and why. Never edited afterwards."""

    inception_report = models.ForeignKey(
        InceptionReport,
        verbose_name=_("Inception Report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transitions",
    )
    end_of_commitment_report = models.ForeignKey(
        EndOfCommitmentReport,
        verbose_name=_("End of Commitment Report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transitions",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_transitions",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    is_public = models.BooleanField(
        _("public note"),
        default=False,
        help_text=_(
            "A correction of a published report: its comment is shown on the report's page."
        ),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(inception_report__isnull=False, end_of_commitment_report__isnull=True)
                | Q(inception_report__isnull=True, end_of_commitment_report__isnull=False),
                name="transition_belongs_to_one_report",
                violation_error_message=_("A status change belongs to exactly one report."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


MEMBER_REPORTS_SHOWN = 10


def published_reports_for_member(member, limit: int | None = None) -> tuple[list, bool]:
    """The member's newest ``limit`` (``MEMBER_REPORTS_SHOWN``) published reports, newest first,
    for its list of resources, and whether it has more (two queries, whatever the number of
    reports: each plan's and commitment's page links its own)."""
    from django.db.models.functions import Coalesce

    limit = MEMBER_REPORTS_SHOWN if limit is None else limit
    newest = Coalesce("published_at", "created_at").desc()
    inception = (
        InceptionReport.objects.published()
        .for_member(member)
        .select_related("action_plan")
        .only("pk", "status", "published_at", "created_at", *_title_columns("action_plan"))
        .order_by(newest, "-pk")[: limit + 1]
    )
    end_of_commitment = (
        EndOfCommitmentReport.objects.published()
        .for_member(member)
        .select_related("commitment")
        .only("pk", "status", "published_at", "created_at", *_title_columns("commitment"))
        .order_by(newest, "-pk")[: limit + 1]
    )
    reports: list[Report] = [*inception, *end_of_commitment]
    reports.sort(key=lambda r: (r.published_at or r.created_at, r.pk), reverse=True)
    return reports[:limit], len(reports) > limit


def _title_columns(relation: str) -> list[str]:
    """The columns of a related plan's or commitment's title in both languages."""
    return [
        f"{relation}__{name}" for name in ("title", "title_es", "title_en", "original_language")
    ]
