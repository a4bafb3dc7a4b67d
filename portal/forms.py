"""Forms of the people admin, password reset and two-factor sign-in."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ogptracker.languages import active_language
from plans.models import Institution
from plans.roles import EVALUATOR, IMPLEMENTER

ROLE_CHOICES = [(IMPLEMENTER, _("Implementer")), (EVALUATOR, _("Evaluator"))]


class PersonForm(forms.ModelForm):
    """Name, email, role and institutions: all the secretariat may set on an account."""

    role = forms.ChoiceField(label=_("role"), choices=ROLE_CHOICES)
    institutions = forms.ModelMultipleChoiceField(
        label=_("institutions"),
        queryset=Institution.objects.order_by("name"),
        required=False,
        help_text=_("For implementers: the institutions whose milestones they update."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        if self.instance.pk:
            names = set(self.instance.groups.values_list("name", flat=True))
            self.fields["role"].initial = IMPLEMENTER if IMPLEMENTER in names else EVALUATOR
            self.fields["institutions"].initial = list(
                self.instance.institutions.values_list("pk", flat=True)
            )

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        others = User.objects.exclude(pk=self.instance.pk)
        # New accounts are named after their email address: that name must be free too.
        if (
            others.filter(email__iexact=email).exists()
            or others.filter(username__iexact=email).exists()
        ):
            raise forms.ValidationError(
                _("Somebody already has an account with this email address.")
            )
        return email

    def clean(self):
        data = super().clean()
        if data.get("role") == IMPLEMENTER and not data.get("institutions"):
            self.add_error("institutions", _("Choose at least one institution for an implementer."))
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        min_length=6,
        max_length=8,
        help_text=_("The six digits your code app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isascii() or not token.isdigit():
            raise forms.ValidationError(_("Enter the digits only."))
        return token


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset by email, the email sent through the sent log (text and HTML, retried).

    Like Django's, it sends only to an active account with that address and says the same
    either way; the logged email holds a placeholder where the link's token goes.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        from notifications.models import Kind
        from notifications.services import TOKEN_PLACEHOLDER, queue_email

        user = context["user"]
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": TOKEN_PLACEHOLDER}
        )
        queue_email(
            kind=Kind.PASSWORD_RESET,
            to=to_email,
            user=user,
            template="password_reset",
            context={"user": user, "link": settings.SITE_URL + path},
            language=active_language(),
        )
