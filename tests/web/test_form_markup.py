"""The forms' boxes, inputs and lists, written by the project's own tags, exactly as Django's widgets write them."""

from django.http import QueryDict
from django.utils.html import conditional_escape

from locator.templatetags.locator_forms import choice_boxes, choice_input, field_widget
from locator.web.forms import AccessForm, ProblemReportForm, SearchForm

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


def test_a_list_of_boxes_is_each_box_in_its_label():
    form = SearchForm(QueryDict("near=10001&medication=methadone&language=spa&language=%22%3E%3Cx%3E"))
    for name in MULTIPLE_CHOICE_FIELDS:
        written = choice_boxes(form[name]).split("\n")
        assert written == [
            f'<label class="check">{choice.tag()} {conditional_escape(choice.choice_label)}</label>'
            for choice in form[name]
        ]
    assert '<input type="checkbox" name="medication" value="methadone" id="id_medication_1" checked> ' in choice_boxes(
        form["medication"]
    )


def test_every_input_and_list_is_what_django_s_own_widget_templates_write():
    forms = [
        SearchForm(),
        SearchForm(QueryDict("near=10001&lat=40.75&lng=-73.99&radius=50&otp=on&telehealth=on&page=2&unstated=1")),
        # Refused values: the list marks itself invalid, the inputs still write what was sent, escaped.
        SearchForm(QueryDict("near=%22%3E%3Cscript%3E&radius=7&lat=north&page=0")),
        ProblemReportForm(),
        ProblemReportForm(data={"problem": "closed", "details": "<b>moved</b>", "homepage": "x"}),
        AccessForm(),
        AccessForm(QueryDict("state=NY&medication=buprenorphine")),
        AccessForm(QueryDict("state=XX")),
    ]
    compared = 0
    for form in forms:
        form.is_valid()
        for bound_field in form:
            assert field_widget(bound_field) == bound_field.as_widget(), bound_field.name
            compared += 1
    assert compared > 40
    refused = forms[2]
    assert 'aria-invalid="true"' in field_widget(refused["radius"])
    assert 'value="&quot;&gt;&lt;script&gt;"' in field_widget(refused["near"])
    assert '<option value="50" selected>' in field_widget(forms[1]["radius"])
