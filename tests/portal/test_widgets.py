"""The project's refinement of Django's widget templates renders the same markup."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation


class Choices(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "—"), ("x", "X & <y>"), ("Group", [("g1", "G1"), ("g2", "G2")])],
        initial="g2",
    )
    several = forms.MultipleChoiceField(choices=[(1, "one"), (2, "two")], initial=[2])
    maybe = forms.NullBooleanField()
    marked = forms.ChoiceField(
        choices=[(1, "a")], widget=forms.Select(attrs={"disabled": True, "data-x": 'q"'})
    )
    radio = forms.ChoiceField(choices=[(1, "a"), (2, "b")], widget=forms.RadioSelect)


def test_selects_render_exactly_as_djangos_own_templates():
    ours, djangos = Choices(), Choices(renderer=DjangoTemplates())
    for language in ("en", "es"):
        with translation.override(language):
            for name in Choices.base_fields:
                assert str(ours[name]) == str(djangos[name]), name
    assert '<option value="g2" selected>G2</option>' in str(ours["plain"])
    assert "X &amp; &lt;y&gt;" in str(ours["plain"]) and 'data-x="q&quot;"' in str(ours["marked"])
