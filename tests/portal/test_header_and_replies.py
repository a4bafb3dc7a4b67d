"""The header's account links for each role, and comments with official replies on reports."""

from __future__ import annotations

from commitments.models import Comment
from reports.models import InceptionReport
from tests import factories as f


def header(client, url: str = "/en/") -> str:
    html = client.get(url).content.decode()
    return html[
        html.index('<nav class="account"') : html.index(
            "</nav>", html.index('<nav class="account"')
        )
    ]


def test_anonymous_header_offers_sign_in_back_to_the_page(client, db):
    nav = header(client, "/en/commitments/")
    assert 'href="/en/accounts/login/?next=/en/commitments/"' in nav
    assert "Sign out" not in nav and "My evaluations" not in nav and "Admin" not in nav


def test_evaluator_header(client, evaluator):
    evaluator.first_name, evaluator.last_name = "Eva", "Ruiz"
    evaluator.save()
    client.force_login(evaluator)
    nav = header(client)
    assert "Signed in as Eva Ruiz" in nav
    assert 'href="/en/evaluations/"' in nav and "My evaluations" in nav
    assert 'href="/admin/"' not in nav
    assert '<form method="post" action="/en/accounts/logout/"' in nav
    assert "Sign in<" not in nav


def test_implementer_header(client, implementer):
    client.force_login(implementer)
    nav = header(client)
    assert "Signed in as implementer" in nav
    assert 'href="/admin/"' in nav
    assert "My evaluations" not in nav


def test_secretariat_header(client, secretariat):
    client.force_login(secretariat)
    nav = header(client)
    assert 'href="/admin/"' in nav and "Sign out" in nav
    assert "My evaluations" not in nav


def test_spanish_header(client, evaluator):
    client.force_login(evaluator)
    nav = header(client, "/es/")
    assert 'href="/es/evaluations/"' in nav


def test_sign_out_is_a_post(client, evaluator):
    client.force_login(evaluator)
    assert client.get("/en/accounts/logout/").status_code == 405
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_header_costs_no_query_for_anonymous_visitors(client, db, django_assert_num_queries):
    # The home page's own queries only (see tests/portal/test_identity.py): the header reads
    # the cached settings and asks nothing about an anonymous visitor.
    with django_assert_num_queries(6):
        client.get("/en/")


def test_an_evaluator_with_nothing_assigned_is_told_what_to_do(client, evaluator):
    client.force_login(evaluator)
    html = client.get("/en/evaluations/").content.decode()
    assert "Nothing is assigned to you yet" in html
    assert "Ask the secretariat to assign it to this account" in html


def published_inception() -> InceptionReport:
    report = f.make_inception_report(f.make_plan())
    InceptionReport.objects.filter(pk=report.pk).update(status="published")
    report.refresh_from_db()
    return report


def comment_url(report) -> str:
    return f"/en/comments/{report._meta.label_lower}/{report.pk}/"


def test_a_citizen_comments_on_a_published_report(client, db):
    report = published_inception()
    response = client.post(
        comment_url(report), {"name": "Rosa", "email": "rosa@example.org", "text": "¿Y la mesa 3?"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.target == report and comment.status == Comment.Status.PENDING
    assert "¿Y la mesa 3?" not in client.get(report.get_absolute_url()).content.decode()
    Comment.objects.update(status=Comment.Status.APPROVED)
    html = client.get(report.get_absolute_url()).content.decode()
    assert "¿Y la mesa 3?" in html and "Leave a Reply" in html


def test_draft_reports_take_no_comments(client, db):
    report = f.make_inception_report(f.make_plan())
    response = client.post(
        comment_url(report), {"name": "Rosa", "email": "rosa@example.org", "text": "Hola"}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_end_of_commitment_reports_take_comments(client, db):
    report = f.make_end_of_commitment_report(f.make_commitment())
    type(report).objects.filter(pk=report.pk).update(status="published")
    response = client.post(
        comment_url(report), {"name": "Rosa", "email": "rosa@example.org", "text": "Gracias"}
    )
    assert response.status_code == 302
    assert Comment.objects.get().object_id == report.pk


def make_comment(target, **fields) -> Comment:
    fields.setdefault("status", Comment.Status.APPROVED)
    return Comment.objects.create(
        target=target, name="Rosa", email="rosa@example.org", text="¿Cuándo?", **fields
    )


def test_secretariat_publishes_an_official_reply_shown_under_the_comment(client, secretariat):
    secretariat.first_name = "Laura"
    secretariat.save()
    report = published_inception()
    comment = make_comment(report)
    client.force_login(secretariat)
    response = client.post(
        f"/admin/commitments/comment/{comment.pk}/change/",
        {"status": "approved", "official_reply": "En marzo.", "reply_language": "es"},
    )
    assert response.status_code == 302
    reply = Comment.objects.get(reply_to=comment)
    assert reply.is_official and reply.author == secretariat
    assert reply.status == Comment.Status.APPROVED and reply.language == "es"
    client.logout()
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Reply from the secretariat" in html
    assert 'class="comment official-reply"' in html
    assert html.index("¿Cuándo?") < html.index("En marzo.")
    assert '<div class="comment-text" lang="es"><p>En marzo.</p></div>' in html


def test_replies_work_under_comments_on_plans_and_commitments_too(client, secretariat):
    commitment = f.make_commitment()
    comment = make_comment(commitment)
    client.force_login(secretariat)
    client.post(
        f"/admin/commitments/comment/{comment.pk}/change/",
        {"status": "approved", "official_reply": "Gracias.", "reply_language": "es"},
    )
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert "Reply from the secretariat" in html and "Gracias." in html


def test_no_reply_to_a_comment_that_is_not_approved(client, secretariat):
    comment = make_comment(published_inception(), status=Comment.Status.PENDING)
    client.force_login(secretariat)
    response = client.post(
        f"/admin/commitments/comment/{comment.pk}/change/",
        {"status": "pending", "official_reply": "Hola", "reply_language": "es"},
    )
    assert response.status_code == 200
    assert "Approve the comment before replying" in response.content.decode()
    assert not Comment.objects.filter(reply_to=comment).exists()


def test_an_implementer_cannot_reply(client, implementer):
    comment = make_comment(published_inception())
    client.force_login(implementer)
    response = client.post(
        f"/admin/commitments/comment/{comment.pk}/change/",
        {"status": "approved", "official_reply": "Hola", "reply_language": "es"},
    )
    assert response.status_code == 403
    assert not Comment.objects.filter(reply_to=comment).exists()


def test_report_page_query_count_with_comments_and_replies(
    client, secretariat, django_assert_num_queries
):
    report = published_inception()
    for _ in range(3):
        parent = make_comment(report)
        make_comment(report, reply_to=parent, is_official=True, author=secretariat)
    # 1 the report with its plan and member  2 evaluators  3 assessments
    # 4 its public corrections  5 a page of approved comments  6 their replies
    with django_assert_num_queries(6):
        response = client.get(report.get_absolute_url())
    assert response.content.decode().count("Reply from the secretariat") == 3
