"""Flask-WTF forms: every state-changing request carries a CSRF token; WTForms' own messages follow the language."""

from __future__ import annotations

import functools
import gettext
from typing import Any

from flask import g
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from assembly_app.models import AGENDA_KINDS, MEASURE_ROUTES, MEASURE_STATES, VOTE_CHOICES, VOTE_METHODS

__all__ = ["LoginForm", "CodeForm", "ImportForm", "WithdrawForm", "ActionForm", "ReplaceForm", "SessionForm", "AgendaRowForm", "CheckInForm", "GroupNameForm", "GroupRemoveForm", "GroupsForm", "BalanceForm", "GroupReportForm", "MeasureForm", "MeasureStateForm", "VoteForm", "BallotForm", "AmendmentForm", "AmendmentActionForm", "AdmissibilityForm", "TotalsForm"]


@functools.cache
def _translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation("wtforms", messages_path(), [lang], fallback=True)


class _LanguageMeta:
    def get_translations(self, form: Any) -> gettext.NullTranslations:
        return _translations(g.get("lang", "en"))


class FlaskForm(_FlaskForm):
    class Meta(_LanguageMeta, _FlaskForm.Meta):
        pass


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
    report = FileField()


class WithdrawForm(FlaskForm):
    on = DateField(validators=[InputRequired()])
    reason = TextAreaField(validators=[DataRequired(), Length(max=1000)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ReplaceForm(FlaskForm):
    """Which withdrawn members to replace (choices: their ids), the seed, and consent to miss a quota."""

    dropouts = SelectMultipleField(coerce=int, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    seed = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**63 - 1)])
    accept_missed = BooleanField()


class AgendaRowForm(Form):
    """One row of the agenda editor; a row with neither title nor minutes is left out."""

    class Meta(_LanguageMeta, Form.Meta):
        pass

    position = IntegerField(validators=[Optional(), NumberRange(min=0, max=999)])
    kind = SelectField(choices=list(AGENDA_KINDS), validate_choice=False)
    title = StringField(validators=[Optional(), Length(max=200)])
    minutes = IntegerField(validators=[Optional(), NumberRange(min=1, max=24 * 60)])


class SessionForm(FlaskForm):
    """A session's date and place (or online) and its agenda; `version` catches a stale form."""

    held_on = DateField(validators=[InputRequired()])
    place = StringField(validators=[Optional(), Length(max=200)])
    is_online = BooleanField()
    agenda = FieldList(FormField(AgendaRowForm), min_entries=0)
    version = HiddenField()


class CheckInForm(FlaskForm):
    """At the door: a seat number or part of a name; `member` when one of several matches was chosen."""

    query = StringField(validators=[Optional(), Length(max=200)])
    member = IntegerField(validators=[Optional()])


class GroupsForm(FlaskForm):
    """A change to the groups or their members; `version` is the fingerprint of the groups when the page was opened.
    The hand assignment adds one select per active member (`member-<id>`), read by the view."""

    version = HiddenField()


class GroupNameForm(GroupsForm):
    name = StringField(validators=[DataRequired(), Length(max=120)])


class GroupRemoveForm(GroupsForm):
    confirm = BooleanField()


class BalanceForm(GroupsForm):
    seed = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**63 - 1)])


class GroupReportForm(FlaskForm):
    """What a group did at a session; `version` is the report's version when the form was opened (empty: none yet)."""

    notes = TextAreaField(validators=[Length(max=20_000)], render_kw={"rows": 8, "cols": 60})
    outcomes = TextAreaField(validators=[Length(max=20_000)], render_kw={"rows": 5, "cols": 60})
    version = HiddenField()


class MeasureForm(FlaskForm):
    """A measure's fields and text; `based_on` is the version the form showed (empty when creating).
    The view fills `group`'s choices: "" (no group) and the assembly's group ids; the template labels them."""

    title = StringField(validators=[DataRequired(), Length(max=200)])
    group = SelectField(choices=[""], validate_choice=False)
    objective = TextAreaField(validators=[Length(max=5_000)], render_kw={"rows": 3, "cols": 60})
    route = SelectField(choices=list(MEASURE_ROUTES))
    text = TextAreaField(validators=[DataRequired(), Length(max=100_000)], render_kw={"rows": 14, "cols": 60})
    based_on = HiddenField()


class MeasureStateForm(FlaskForm):
    state = SelectField(choices=list(MEASURE_STATES))


class AmendmentForm(FlaskForm):
    """An amendment: the version it is written against, the passage as it stands there (and which occurrence,
    when it occurs several times), whether the new text replaces the passage or goes after it, and why."""

    version = HiddenField()
    passage = TextAreaField(validators=[DataRequired(), Length(max=100_000)], render_kw={"rows": 3, "cols": 60})
    occurrence = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)])
    kind = SelectField(choices=["replace", "insert_after"])
    replacement = TextAreaField(validators=[Length(max=20_000)], render_kw={"rows": 3, "cols": 60})
    rationale = TextAreaField(validators=[Length(max=5_000)], render_kw={"rows": 3, "cols": 60})


class AmendmentActionForm(FlaskForm):
    """A decision on an amendment; `seen` is its state when the page was opened, to refuse a stale form."""

    seen = HiddenField(validators=[DataRequired()])


class AdmissibilityForm(AmendmentActionForm):
    decision = SelectField(choices=["admissible", "inadmissible"])
    reason = TextAreaField(validators=[Length(max=2_000)], render_kw={"rows": 2, "cols": 60})


class VoteForm(FlaskForm):
    """A vote's question and its decision rule. The view fills `measure` and `session` with "" and the ids;
    the template labels every choice."""

    question = StringField(validators=[DataRequired(), Length(max=300)])
    measure = SelectField(choices=[""], validate_choice=False)
    session = SelectField(choices=[""], validate_choice=False)
    is_secret = BooleanField()
    method = SelectField(choices=list(VOTE_METHODS), default="electronic")
    show_tally = BooleanField()
    threshold = SelectField(choices=["simple_majority", "absolute_majority", "two_thirds", "percentage"])
    base = SelectField(choices=["cast_excluding_abstentions", "cast", "present", "active"])
    percentage = IntegerField(validators=[Optional(), NumberRange(min=1, max=100)])
    quorum_of = SelectField(choices=["", "present", "voting"])
    quorum_minimum = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)])


class BallotForm(FlaskForm):
    choice = SelectField(choices=list(VOTE_CHOICES))


class TotalsForm(FlaskForm):
    """The totals of a vote by show of hands or on paper, as counted in the room."""

    yes = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=100_000)])
    no = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=100_000)])
    abstain = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=100_000)])
