"""The forms' boxes and buttons, written straight from each choice's data."""

from __future__ import annotations

from django import template
from django.forms.boundfield import BoundWidget
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def choice_input(choice: BoundWidget) -> SafeString:
    """The input of one choice, as Django's widget templates write it (attributes in their order, True
    ones bare, False ones left out). Those templates take three renders per choice: the form's 29 boxes
    cost 3.5 ms of a 14 ms results page."""
    data = choice.data
    written = [f'<input type="{escape(data["type"])}" name="{escape(data["name"])}"']
    if data["value"] is not None:
        written.append(f' value="{escape(data["value"])}"')
    for name, value in data["attrs"].items():
        if value is True:
            written.append(f" {escape(name)}")
        elif value is not False:
            written.append(f' {escape(name)}="{escape(value)}"')
    return mark_safe("".join(written) + ">")
