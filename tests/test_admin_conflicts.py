"""The admins added to the lost-update guard: a stale save is refused with a 409 and changes
nothing (People, answer scales, notification settings); import jobs get bounded actions."""

import pytest
from django.contrib.auth.models import User

from dataimport.admin import ImportJobAdmin
from notifications.models import NotificationSettings
from ogptracker.admin_guards import GuardedAdminMixin
from plans.roles import EVALUATOR
from reports.models import PracticeAnswer
from tests import factories as f
from tests.test_no_lost_update import change_form, editor

pytestmark = pytest.mark.django_db


def test_a_stale_save_of_a_person_is_refused_and_changes_nothing():
    person = f.make_evaluator("eva", first_name="Eva", last_name="Ruiz")
    person.email = "eva@example.org"
    person.save()
    url = f"/admin/portal/person/{person.pk}/change/"
    first, second = editor(f.make_secretariat()), editor(f.make_secretariat())
    form_of_first, form_of_second = change_form(first, url), change_form(second, url)
    assert form_of_second["role"] == [EVALUATOR]

    response = first.post(url, {**form_of_first, "last_name": ["Ruiz Pérez"]})
    assert response.status_code == 302, response.content.decode()[:3000]

    response = second.post(url, {**form_of_second, "first_name": ["Evangelina"]})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this" in page
    assert 'value="Evangelina"' in page  # the input is kept in the form
    person = User.objects.get(pk=person.pk)
    assert (person.first_name, person.last_name) == ("Eva", "Ruiz Pérez")

    again = change_form(second, url)
    assert second.post(url, {**again, "first_name": ["Evangelina"]}).status_code == 302
    assert User.objects.get(pk=person.pk).first_name == "Evangelina"


def test_the_person_signing_in_meanwhile_is_no_conflict():
    from django.utils import timezone

    person = f.make_evaluator("eva", first_name="Eva", last_name="Ruiz")
    person.email = "eva@example.org"
    person.save()
    url = f"/admin/portal/person/{person.pk}/change/"
    secretariat = editor(f.make_secretariat())
    form = change_form(secretariat, url)
    signed_in_at = timezone.now()
    User.objects.filter(pk=person.pk).update(last_login=signed_in_at)  # as a sign-in does
    response = secretariat.post(url, {**form, "last_name": ["Ruiz Pérez"]})
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    # Saved, and the sign-in's time is kept, not written back over.
    assert (person.last_name, person.last_login) == ("Ruiz Pérez", signed_in_at)


def test_a_stale_save_of_an_answer_scale_option_is_refused_and_changes_nothing():
    option = PracticeAnswer.objects.create(name="Partly", name_es="En parte", slug="partly")
    url = f"/admin/reports/practiceanswer/{option.pk}/change/"
    first, second = editor(f.make_secretariat()), editor(f.make_secretariat())
    form_of_first, form_of_second = change_form(first, url), change_form(second, url)

    response = first.post(url, {**form_of_first, "name_es": ["Parcialmente"]})
    assert response.status_code == 302, response.content.decode()[:3000]

    response = second.post(url, {**form_of_second, "name": ["Partially"]})
    assert response.status_code == 409
    assert "Someone else saved this" in response.content.decode()
    option.refresh_from_db()
    assert (option.name, option.name_es) == ("Partly", "Parcialmente")


def test_a_stale_save_of_the_notification_settings_is_refused():
    row = NotificationSettings.load()
    url = f"/admin/notifications/notificationsettings/{row.pk}/change/"
    first, second = editor(f.make_secretariat()), editor(f.make_secretariat())
    form_of_first, form_of_second = change_form(first, url), change_form(second, url)
    assert first.post(url, {**form_of_first, "milestone_days_before": ["7"]}).status_code == 302
    response = second.post(url, {**form_of_second, "report_days_before": ["30"]})
    assert response.status_code == 409
    row.refresh_from_db()
    assert (row.milestone_days_before, row.report_days_before) == (7, 14)


def test_import_jobs_have_the_guarded_admin():
    assert issubclass(ImportJobAdmin, GuardedAdminMixin)
