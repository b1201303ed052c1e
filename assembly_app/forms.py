"""Flask-WTF forms: every state-changing request carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, PasswordField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

__all__ = ["LoginForm", "CodeForm", "ImportForm", "WithdrawForm", "ActionForm", "ReplaceForm"]


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired(), Length(max=80)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(validators=[DataRequired(), Length(max=40)])


class ImportForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=200)])
    id_column = StringField(default="id", validators=[DataRequired(), Length(max=80)])
    selected = FileField(validators=[FileRequired()])
    remaining = FileField(validators=[FileRequired()])
    features = FileField(validators=[FileRequired()])
    audit = FileField()


class WithdrawForm(FlaskForm):
    on = DateField(validators=[DataRequired()])
    reason = TextAreaField(validators=[DataRequired(), Length(max=1000)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ReplaceForm(FlaskForm):
    """Which withdrawn members to replace (choices: their ids), the seed, and consent to miss a quota."""

    dropouts = SelectMultipleField(coerce=int, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    seed = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**63 - 1)])
    accept_missed = BooleanField()
