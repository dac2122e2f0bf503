"""The forms' boxes, written by the project's own tag, read exactly as Django's widgets write them."""

from django.http import QueryDict

from locator.templatetags.locator_forms import choice_input
from locator.web.forms import ProblemReportForm, SearchForm

MULTIPLE_CHOICE_FIELDS = ("medication", "payment", "setting", "group", "age", "language")


def test_every_box_is_the_markup_of_django_s_own_widget_checked_or_not():
    asked = QueryDict(mutable=True)
    for name in MULTIPLE_CHOICE_FIELDS:
        first_code = SearchForm().fields[name].choices[0][0]
        asked.setlist(name, [first_code])
    # A value needing escaping, as a link someone edited could carry: the form refuses it, the box still
    # writes it safely.
    asked.appendlist("language", '"><script>')
    form = SearchForm(asked)
    compared = 0
    for name in MULTIPLE_CHOICE_FIELDS:
        for choice in form[name]:
            assert choice_input(choice) == choice.tag()
            compared += 1
    assert compared > 25
    assert all('" checked>' in choice_input(form[name][0]) for name in MULTIPLE_CHOICE_FIELDS)


def test_the_report_form_s_buttons_are_django_s_own_markup_with_and_without_errors():
    required_but_missing = ProblemReportForm(data={})
    assert required_but_missing.errors
    for form in (ProblemReportForm(), ProblemReportForm(data={"problem": "closed"}), required_but_missing):
        for choice in form["problem"]:
            assert choice_input(choice) == choice.tag()
