"""Administrators' view of the outbox: messages not sent, and trying a dead one again."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from myhealth.access.policy import requires
from myhealth.accounts.forms import ConfirmForm
from myhealth.extensions import db
from myhealth.messaging import outbox, services

bp = Blueprint("messaging", __name__, url_prefix="/admin/messages")
# After a request commits, what it enqueued is sent at once (see outbox.send_after_request).
bp.teardown_app_request(outbox.send_after_request)


@bp.get("/")
@requires("admin:outbox:read")
def unsent():
    return render_template(
        "messaging/unsent.html",
        title=_("Messages not sent"),
        messages=services.unsent_messages(db.session, current_user),
        form=ConfirmForm(),
    )


@bp.post("/<uuid:message_id>/retry")
@requires("admin:outbox:update")
def retry(message_id: uuid.UUID):
    form = ConfirmForm()
    if form.validate_on_submit():
        services.retry(db.session, current_user, message_id)
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("messaging.unsent"))
