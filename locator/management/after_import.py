"""What follows the directory after an import command changes it: the access metrics and the export files."""

from __future__ import annotations

from typing import TextIO

from django.conf import settings
from django.core.management import call_command

from locator.access import access_is_missing
from locator.api.exports import exports_are_missing


def refresh_after_import(*, changed_directory: bool, stdout: TextIO, verbosity: int) -> None:
    """Recompute what is derived from the directory when the import changed it, or when it was never
    computed (a new deployment of an existing directory)."""
    if not settings.LOCATOR_REFRESH_AFTER_IMPORT:
        return
    if changed_directory or access_is_missing():
        call_command("compute_access", stdout=stdout, verbosity=verbosity)
    if changed_directory or exports_are_missing():
        call_command("export_directory", stdout=stdout, verbosity=verbosity)
