"""Server errors mailed to the operator (Django's ADMINS) with what a developer needs and nothing of the
person who met the error: no query string, no form data, no client address, no local variables."""

from __future__ import annotations

import logging
import traceback

from django.core import mail
from django.utils.log import AdminEmailHandler


class PrivateAdminEmailHandler(AdminEmailHandler):
    """Django's AdminEmailHandler mails the request (GET, POST, META) and every frame's local variables,
    where a search location or a report's words would be; this one mails the traceback alone."""

    def emit(self, record: logging.LogRecord) -> None:
        request = getattr(record, "request", None)
        path = request.path if request is not None else ""
        subject = self.format_subject(f"{record.levelname}: {record.getMessage().split('?', 1)[0]}")
        lines = [f"{record.levelname} at {path or record.name}"]
        if record.exc_info:
            lines.append("".join(traceback.format_exception(*record.exc_info)))
        mail.mail_admins(subject, "\n".join(lines), fail_silently=True, connection=self.connection())
