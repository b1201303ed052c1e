"""Flask-WTF forms: every state-changing request carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

__all__ = ["LoginForm", "CodeForm", "ImportForm", "WithdrawForm", "ActionForm"]


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
