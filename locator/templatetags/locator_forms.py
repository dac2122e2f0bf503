"""The forms' boxes, buttons and lists, written straight from the data Django's widgets give their templates.

Through those templates the search form took 3-4 ms of a 10 ms results page: three template renders per box
(`input.html` including `attrs.html`), a render per option of a list, and the form renderer around each.
Here the same markup is written in Python; the tests compare it with Django's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The widgets these forms use; any other is rendered by Django.
_INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{name}.html" for name in ("text", "hidden", "checkbox"))
_SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _attributes(attrs: dict[str, Any]) -> str:
    """As Django's `attrs.html` writes them: in their order, True ones bare, False ones left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(input_type: str, name: str, value: Any, attrs: dict[str, Any]) -> str:
    """As Django's `input.html` writes it."""
    written = f'<input type="{conditional_escape(input_type)}" name="{conditional_escape(name)}"'
    if value is not None:
        written += f' value="{conditional_escape(value)}"'
    return written + _attributes(attrs) + ">"


@register.simple_tag
def choice_input(choice: BoundWidget) -> SafeString:
    """The input of one choice, as Django's widget templates write it."""
    data = choice.data
    return mark_safe(_input(data["type"], data["name"], data["value"], data["attrs"]))


@register.simple_tag
def choice_boxes(choices: Iterable[BoundWidget]) -> SafeString:
    """Each choice as a box in its label, one a line."""
    return mark_safe(
        "\n".join(
            f'<label class="check">{choice_input(choice)} {conditional_escape(choice.choice_label)}</label>'
            for choice in choices
        )
    )


@register.simple_tag
def field_widget(field: BoundField) -> SafeString:
    """What `{{ field }}` writes, for an input or a list without groups; other widgets as Django renders them."""
    widget = field.field.widget
    if field.field.localize or field.field.show_hidden_initial:
        return field.as_widget()
    if widget.template_name not in _INPUT_TEMPLATES and widget.template_name != _SELECT_TEMPLATE:
        return field.as_widget()
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if widget.template_name in _INPUT_TEMPLATES:
        return mark_safe(_input(context["type"], context["name"], context["value"], context["attrs"]))
    if any(group_name for group_name, _, _ in context["optgroups"]):
        return field.as_widget()
    options = "".join(
        f'\n  <option value="{conditional_escape(option["value"])}"{_attributes(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
        for _, group, _ in context["optgroups"]
        for option in group
    )
    return mark_safe(
        f'<select name="{conditional_escape(context["name"])}"{_attributes(context["attrs"])}>{options}\n</select>'
    )
