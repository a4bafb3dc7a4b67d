"""Reminders to implementers and evaluators, and the secretariat's daily summary."""

import datetime

import pytest
from django.core.management import call_command

from commitments.models import Comment, MilestoneUpdate
from notifications import services
from notifications.models import (
    EmailPreference,
    Kind,
    NotificationProfile,
    NotificationSettings,
    SentEmail,
    SentReminder,
)
from tests.factories import (
    make_commitment,
    make_end_of_commitment_report,
    make_implementer,
    make_inception_report,
    make_institution,
    make_milestone,
    make_secretariat,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 20)


def with_email(user, email):
    user.email = email
    user.save(update_fields=["email"])
    return user


def emails_to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


@pytest.fixture
def implementer(institution):
    return with_email(make_implementer(institution, username="infoem"), "infoem@example.org")


@pytest.fixture
def commitment(institution):
    return make_commitment(lead=institution, ogp_id="MXMEX0009")


def test_an_overdue_milestone_without_a_report_reminds_its_implementer_once(
    implementer, commitment, mailoutbox
):
    late = make_milestone(commitment, title="Estudio", end=datetime.date(2026, 1, 1))
    reported = make_milestone(commitment, end=datetime.date(2026, 1, 1))
    MilestoneUpdate.objects.create(
        milestone=reported, old_status="not_started", new_status="in_progress", note="x"
    )
    make_milestone(commitment, end=datetime.date(2026, 1, 1), status="finished")
    outsider = with_email(make_implementer(make_institution()), "o@example.org")
    assert services.send_reminders(today=TODAY) == 1
    (message,) = mailoutbox
    assert message.to == ["infoem@example.org"]
    assert "vencido sin reporte" in message.subject  # Spanish until the user chooses
    assert f"/admin/commitments/milestone/{late.pk}/change/" in message.body
    assert f"/admin/commitments/milestone/{reported.pk}/change/" not in message.body
    assert "/notifications/off/" in message.extra_headers["List-Unsubscribe"]
    assert emails_to(mailoutbox, outsider) == []
    # Twice, and through the command: nothing more.
    assert services.send_reminders(today=TODAY) == 0
    call_command("send_reminders")
    call_command("notify")
    assert len([m for m in mailoutbox if "vencido" in m.subject]) == 1
    assert SentReminder.objects.filter(kind=Kind.MILESTONE_OVERDUE).count() == 1


def test_the_reminder_before_the_end_follows_the_secretariats_setting(
    implementer, commitment, mailoutbox
):
    # Ends in March 2026: its last day is the 31st.
    make_milestone(commitment, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 1))
    assert services.send_reminders(today=datetime.date(2026, 3, 10)) == 0  # 21 days left
    settings = NotificationSettings.load()
    settings.milestone_days_before = 30
    settings.save()
    assert services.send_reminders(today=datetime.date(2026, 3, 10)) == 1
    assert "termina pronto" in mailoutbox[0].subject
    assert "31 de marzo de 2026" in mailoutbox[0].body  # Spanish until the user chooses
    assert services.send_reminders(today=datetime.date(2026, 3, 25)) == 0  # once per stage


def test_default_is_fourteen_days(implementer, commitment, mailoutbox):
    make_milestone(commitment, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 1))
    assert services.send_reminders(today=datetime.date(2026, 3, 16)) == 0
    assert services.send_reminders(today=datetime.date(2026, 3, 17)) == 1


def test_each_stage_reminds_once_and_a_new_end_date_reminds_again(
    implementer, commitment, mailoutbox
):
    milestone = make_milestone(
        commitment, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 1)
    )
    assert services.send_reminders(today=datetime.date(2026, 3, 20)) == 1  # ends soon
    assert services.send_reminders(today=datetime.date(2026, 4, 2)) == 1  # overdue
    assert services.send_reminders(today=datetime.date(2026, 4, 3)) == 0
    milestone.end = datetime.date(2026, 5, 1)  # the secretariat gave it two more months
    milestone.save()
    assert services.send_reminders(today=datetime.date(2026, 5, 20)) == 1
    subjects = [m.subject for m in mailoutbox]
    assert len(subjects) == 3
    assert SentReminder.objects.filter(kind=Kind.MILESTONE_DUE_SOON).count() == 2


def test_several_milestones_come_in_one_email(implementer, commitment, mailoutbox):
    for _ in range(3):
        make_milestone(commitment, end=datetime.date(2025, 6, 1))
    assert services.send_reminders(today=TODAY) == 1
    assert mailoutbox[0].subject == "3 hitos de tu institución están vencidos sin reporte"
    assert SentReminder.objects.count() == 3


def test_a_switched_off_type_is_not_sent_nor_recorded(implementer, commitment, mailoutbox):
    make_milestone(commitment, end=datetime.date(2026, 1, 1))
    EmailPreference.objects.create(user=implementer, kind=Kind.MILESTONE_OVERDUE, enabled=False)
    assert services.send_reminders(today=TODAY) == 0
    assert mailoutbox == [] and not SentReminder.objects.exists()


def test_reminders_are_in_the_users_language(implementer, commitment, mailoutbox):
    make_milestone(commitment, end=datetime.date(2026, 1, 1))
    NotificationProfile.objects.create(user=implementer, language="es")
    services.send_reminders(today=TODAY)
    message = mailoutbox[0]
    assert '<html lang="es">' in message.alternatives[0].content
    assert "/es/notifications/" in message.body


def test_dry_run_sends_and_records_nothing(implementer, commitment, mailoutbox):
    make_milestone(commitment, end=datetime.date(2026, 1, 1))
    call_command("send_reminders", "--dry-run")
    assert mailoutbox == [] and not SentReminder.objects.exists()


# Evaluators ---------------------------------------------------------------------------------


def test_an_evaluator_hears_of_an_assignment_once(
    evaluator, mailoutbox, django_capture_on_commit_callbacks
):
    evaluator.email = "eva@example.org"
    evaluator.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = make_inception_report(evaluators=[evaluator])
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Se te asignó un informe"
    assert f"/evaluations/inception/{report.pk}/" in mailoutbox[0].body
    services.send_reminders(today=TODAY)
    assert [m.subject for m in mailoutbox] == ["Se te asignó un informe"]


def test_evaluators_are_reminded_before_and_after_the_due_date(evaluator, mailoutbox):
    from reports.models import EndOfCommitmentReport

    evaluator.email = "eva@example.org"
    evaluator.save()
    report = make_end_of_commitment_report(evaluators=[evaluator])
    EndOfCommitmentReport.objects.filter(pk=report.pk).update(due_date=datetime.date(2026, 4, 1))
    services.send_reminders(today=datetime.date(2026, 3, 1))  # assigned only
    services.send_reminders(today=datetime.date(2026, 3, 20))  # due within 14 days
    services.send_reminders(today=datetime.date(2026, 3, 21))
    services.send_reminders(today=datetime.date(2026, 4, 2))  # overdue
    services.send_reminders(today=datetime.date(2026, 4, 3))
    assert [m.subject for m in mailoutbox] == [
        "Se te asignó un informe",
        "Un informe tuyo vence pronto",
        "Un informe tuyo está vencido",
    ]


def test_submitted_reports_and_other_evaluators_get_nothing(evaluator, mailoutbox):
    evaluator.email = "eva@example.org"
    evaluator.save()
    make_inception_report(evaluators=[evaluator], status="submitted")
    make_inception_report()
    assert services.send_reminders(today=TODAY) == 0


# The secretariat ----------------------------------------------------------------------------


def test_the_secretariat_gets_one_summary_a_day(commitment, mailoutbox):
    boss = make_secretariat()
    boss.email = "stl@example.org"
    boss.save()
    Comment.objects.create(target=commitment, name="Ana", email="a@example.org", text="?")
    make_milestone(commitment, end=datetime.date(2026, 1, 1))
    make_inception_report(status="submitted")
    SentEmail.objects.create(
        kind=Kind.DIGEST,
        recipient="gone@example.org",
        subject="x",
        body_text="x",
        status="failed",
        last_error="SMTPRecipientsRefused: gone",
    )
    assert services.send_secretariat_summary(today=TODAY) == 1
    assert services.send_secretariat_summary(today=TODAY) == 0
    (message,) = emails_to(mailoutbox, boss)
    body = message.body
    assert "1 comentario espera moderación" in body
    assert "1 informe enviado para publicación" in body
    assert "1 hito vencido sin reporte" in body
    assert "1 correo no pudo entregarse esta semana" in body
    assert "SMTPRecipientsRefused" in body
    assert "gone@example.org" not in body  # failures are counted, addresses stay in the admin
    assert services.send_secretariat_summary(today=TODAY + datetime.timedelta(days=1)) == 1


def test_no_summary_when_nothing_waits(mailoutbox):
    make_secretariat().__class__.objects.update(email="stl@example.org")
    assert services.send_secretariat_summary(today=TODAY) == 0
    assert mailoutbox == []
