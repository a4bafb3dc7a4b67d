import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports():
    plan = factories.make_plan(slug="plan-2021")
    shown = factories.make_commitment(plan, ogp_id="MXMEX0009", milestones=1)
    hidden = factories.make_commitment(plan, ogp_id="MXMEX0010", published=False)
    inception = factories.make_inception_report(plan, evaluator_names="Ana Pérez")
    factories.complete_inception_answers(inception)
    inception.refresh_from_db()
    type(inception).objects.filter(pk=inception.pk).update(status="published")
    eoc = factories.make_end_of_commitment_report(shown, status="published", evaluator_names="Luis")
    draft = factories.make_end_of_commitment_report(hidden, status="draft")
    submitted = factories.make_inception_report(status="submitted")
    in_draft_plan = factories.make_inception_report(
        factories.make_plan(published=False), status="published"
    )
    return locals()


def test_only_published_reports_of_public_plans_and_commitments(client, reports):
    inceptions = client.get("/api/v1/inception-reports/").json()
    assert [r["id"] for r in inceptions["results"]] == [reports["inception"].pk]
    eocs = client.get("/api/v1/end-of-commitment-reports/").json()
    assert [r["id"] for r in eocs["results"]] == [reports["eoc"].pk]
    for report in ("submitted", "in_draft_plan"):
        assert client.get(f"/api/v1/inception-reports/{reports[report].pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/end-of-commitment-reports/{reports['draft'].pk}/").status_code == 404
    )


def test_a_report_carries_every_answer_by_section(client, reports):
    body = client.get(f"/api/v1/inception-reports/{reports['inception'].pk}/").json()
    assert body["evaluators"] == "Ana Pérez"
    assert body["action_plan"]["slug"] == "plan-2021"
    first = body["sections"][0]["questions"][0]
    assert first["code"] == "1.1"
    assert first["text"] == "Does a forum exist?"
    assert first["answer"] == "Yes"
    assert first["explanation"] == "Explanation of 1.1"
    # Section 3 lists the plan's published commitments only.
    assert [a["commitment"] for a in body["assessments"]] == ["MXMEX0009"]
    spanish = client.get(
        f"/api/v1/inception-reports/{reports['inception'].pk}/", HTTP_ACCEPT_LANGUAGE="es"
    ).json()
    assert spanish["sections"][0]["questions"][0]["text"] == "¿Existe un foro?"


def test_reports_filter_by_plan_and_commitment(client, reports):
    eoc = client.get("/api/v1/end-of-commitment-reports/?commitment=MXMEX0009").json()
    assert eoc["count"] == 1 and eoc["results"][0]["commitment"] == "MXMEX0009"
    assert (
        client.get("/api/v1/end-of-commitment-reports/?commitment=MXMEX0010").json()["count"] == 0
    )
    assert client.get("/api/v1/inception-reports/?plan=plan-2021").json()["count"] == 1
    bad = client.get("/api/v1/inception-reports/?plan=nope")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["plan"]


def test_report_lists_keep_a_flat_query_count(client, django_assert_num_queries):
    for _ in range(3):
        plan = factories.make_plan()
        commitment = factories.make_commitment(plan)
        factories.make_inception_report(
            plan, status="published", evaluators=[factories.make_evaluator()]
        )
        factories.make_end_of_commitment_report(commitment, status="published")
    client.get("/api/v1/inception-reports/")  # counts the total, finds the page's keys
    # 1. the data's version  2. reports with plan, member and scale answers  3. prefetch
    # evaluators  4. prefetch the commitment assessments with their commitments and answers
    with django_assert_num_queries(4):
        body = client.get("/api/v1/inception-reports/").json()
    assert body["count"] == 3
    client.get("/api/v1/end-of-commitment-reports/")
    # 1. the data's version  2. reports with commitment, plan, member and answers
    # 3. prefetch evaluators  4. prefetch attachments
    with django_assert_num_queries(4):
        body = client.get("/api/v1/end-of-commitment-reports/").json()
    assert body["count"] == 3
