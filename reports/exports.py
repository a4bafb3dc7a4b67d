"""The End of Commitment Report's answers in the open data exports' OGP columns."""

from __future__ import annotations

from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Greatest
from django.utils import translation

from commitments.exports import Assessment, register_assessment
from reports.models import DegreeOfResult, EndOfCommitmentReport, ProgressLevel

# From the weakest to the strongest result; an unanswered question ranks 0.
DEGREE_RANK = {
    DegreeOfResult.NOT_APPLICABLE: 1,
    DegreeOfResult.WORSENED: 2,
    DegreeOfResult.DID_NOT_CHANGE: 3,
    DegreeOfResult.MARGINAL: 4,
    DegreeOfResult.MAJOR: 5,
    DegreeOfResult.OUTSTANDING: 6,
}
RANKED_DEGREE = {rank: degree for degree, rank in DEGREE_RANK.items()}
VALUE_QUESTIONS = ("access_to_information", "civic_participation", "public_accountability")


def _published_report():
    return EndOfCommitmentReport.objects.published().filter(commitment=OuterRef("pk"))


def _rank(field: str) -> Case:
    return Case(
        *(When(**{field: degree}, then=Value(rank)) for degree, rank in DEGREE_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def completion() -> Subquery:
    return Subquery(_published_report().values("progress_level")[:1])


def opened_government() -> Subquery:
    strongest = _published_report().annotate(
        strongest=Greatest(*(_rank(field) for field in VALUE_QUESTIONS))
    )
    return Subquery(strongest.values("strongest")[:1], output_field=IntegerField())


def english(label) -> str:
    # Exports speak OGP's language whatever the page's language is.
    with translation.override("en"):
        return str(label)


def register() -> None:
    register_assessment(
        Assessment(
            column="Completion (Progress Report)",
            annotation=completion,
            label=lambda code: english(ProgressLevel(code).label),
        )
    )
    register_assessment(
        Assessment(
            column="Did It Open Government (Overall)",
            annotation=opened_government,
            label=lambda rank: (
                english(RANKED_DEGREE[rank].label) if rank in RANKED_DEGREE else None
            ),
        )
    )
