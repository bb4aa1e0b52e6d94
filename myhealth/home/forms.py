from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField
from wtforms.validators import AnyOf
from wtforms.widgets import CheckboxInput, ListWidget


class CustomiseForm(FlaskForm):
    widgets = SelectMultipleField(
        _l("Show on your homepage"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )


class MoveForm(FlaskForm):
    widget = HiddenField()
    direction = HiddenField(validators=[AnyOf(["up", "down"])])
