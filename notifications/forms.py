"""The follow form (no account) and the signed-in user's notification settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from notifications.models import EmailPreference, Kind, NotificationProfile
from ogptracker.languages import ContentLanguage


class FollowForm(forms.Form):
    """An address and a language; ``website`` is a trap only robots fill in, as on comments."""

    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the emails"),
        choices=ContentLanguage.choices,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        # Its own ids: the comment form on the same page has an email field too.
        kwargs.setdefault("auto_id", "id_follow_%s")
        super().__init__(*args, **kwargs)
        language = (get_language() or "es")[:2]
        self.fields["language"].initial = language if language in ContentLanguage.values else "es"

    @property
    def is_bot(self) -> bool:
        """Whether the hidden trap field was filled in (people never see it)."""
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(forms.Form):
    """One tick per email type the user's roles receive, and the language of the emails."""

    language = forms.ChoiceField(label=_("Language of the emails"), choices=ContentLanguage.choices)

    def __init__(self, *args, user, kinds: list[str], **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        off = set(
            EmailPreference.objects.filter(user=user, enabled=False).values_list("kind", flat=True)
        )
        profile = NotificationProfile.objects.filter(user=user).first()
        self.fields["language"].initial = profile.language if profile else ContentLanguage.SPANISH
        labels = dict(Kind.choices)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(
                label=labels[kind], required=False, initial=kind not in off
            )
        self.kinds = kinds

    def kind_fields(self):
        return [self[kind] for kind in self.kinds]
