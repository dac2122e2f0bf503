"""Django's createsuperuser, with the password rules in both modes.

Asked at a terminal, Django checks a new password against AUTH_PASSWORD_VALIDATORS; given in
DJANGO_SUPERUSER_PASSWORD with --noinput, it does not, and a one-character admin password would pass.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError("Password refused: " + " ".join(error.messages)) from None
        super().handle(*args, **options)
