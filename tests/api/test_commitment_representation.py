"""The commitments endpoint writes its representation out by hand, for speed: it must say exactly
what the declared fields (the documented schema) say, on real content in both languages."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from commitments.api import CommitmentViewSet
from commitments.models import Commitment, Milestone, MilestoneStatus
from commitments.serializers import CommitmentSerializer
from commitments.services import change_milestone_status
from tests import factories

pytestmark = [pytest.mark.django_db]


def both_ways(language: str) -> list[tuple[dict, dict]]:
    """(written out, generic) representations of every published commitment."""
    request = Request(APIRequestFactory().get("/api/v1/commitments/"))
    view = CommitmentViewSet(request=request, format_kwarg=None, kwargs={})
    pairs = []
    with translation.override(language):
        for commitment in view.get_queryset():
            serializer = CommitmentSerializer(context={"request": request})
            written = serializer.to_representation(commitment)
            generic = serializers.ModelSerializer.to_representation(serializer, commitment)
            # Through JSON, as clients get them (ordered dicts and plain dicts compare alike).
            pairs.append((json.loads(json.dumps(written)), json.loads(json.dumps(generic))))
    return pairs


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_demo_commitment_is_written_as_its_declared_fields_say(language):
    call_command("loaddemo", "--no-users", stdout=StringIO())
    pairs = both_ways(language)
    assert len(pairs) == Commitment.objects.published().count() > 5
    for written, generic in pairs:
        assert list(written) == list(generic)
        assert written == generic, written["key"]


def test_missing_terms_institutions_and_texts_are_written_alike(secretariat):
    plan = factories.make_plan(factories.make_member(slug="solo"))
    bare = factories.make_commitment(
        plan,
        title_es="Solo en español",
        title_en="",
        milestones=2,
        start=datetime.date(2019, 6, 1),
        end=datetime.date(2020, 1, 1),
    )
    bare.milestones.update(
        start=datetime.date(2019, 6, 1), end=datetime.date(2020, 1, 1), responsible_institution=None
    )
    led = factories.make_commitment(
        plan, title_en="Only in English", lead=factories.make_institution(), milestones=1
    )
    led.institution_roles.update(contact_name="Ana Pérez", contact_title="Directora")
    change_milestone_status(
        milestone=Milestone.objects.filter(commitment=led).get(),
        new_status=MilestoneStatus.FINISHED,
        by=secretariat,
        note="Done.",
    )
    for language in ("en", "es"):
        pairs = both_ways(language)
        assert len(pairs) == 2
        for written, generic in pairs:
            assert written == generic
    written = {pair[0]["key"]: pair[0] for pair in both_ways("en")}
    assert written[bare.key]["policy_area"] is None
    assert written[bare.key]["milestones"][0]["overdue_without_report"] is True
    assert written[bare.key]["milestones"][0]["responsible_institution"] is None
    assert written[led.key]["last_update"] is not None
    assert written[led.key]["progress"]["finished"] == 1
