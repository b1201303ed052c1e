"""Measures: the word-level diff (no database), the service on SQLite and PostgreSQL, then the pages."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import groups, measures, roster
from assembly_app.models import AuditEntry, Measure, MeasureVersion
from assembly_app.wording import tokens, word_diff
from app_testing import login

NOW = datetime(2026, 3, 1, 9, 30)
TEXT = "Lower the speed limit on motorways from 130 km/h to 110 km/h."


def _old(segments):
    return "".join(text for op, text in segments if op != "insert")


def _new(segments):
    return "".join(text for op, text in segments if op != "delete")


def test_a_replaced_phrase_reads_as_one_deletion_and_one_insertion():
    segments = word_diff("Renovate all buildings by 2040.", "Renovate every home by 2040, with grants.")
    assert segments == [("equal", "Renovate "), ("delete", "all buildings"), ("insert", "every home"), ("equal", " by 2040"), ("insert", ", with grants"), ("equal", ".")]


def test_words_keep_their_apostrophes_and_hyphens_and_punctuation_stands_alone():
    assert tokens("aujourd'hui, le porte-parole.") == ["aujourd'hui", ",", " ", "le", " ", "porte-parole", "."]
    assert word_diff("a 32-hour week", "a 28-hour week") == [("equal", "a "), ("delete", "32-hour"), ("insert", "28-hour"), ("equal", " week")]


def test_equal_texts_and_empty_texts():
    assert word_diff(TEXT, TEXT) == [("equal", TEXT)]
    assert word_diff("", "New text") == [("insert", "New text")]
    assert word_diff("Old text", "") == [("delete", "Old text")]


words = st.lists(st.sampled_from(["the", "limit", "110", "km/h", ",", ".", " ", "  ", "\n", "l'État", "porte-parole", "é"]), max_size=30).map("".join)


@given(words, words)
def test_the_segments_rebuild_both_texts_and_never_repeat_an_op(old, new):
    segments = word_diff(old, new)
    assert _old(segments) == old and _new(segments) == new
    assert all(text for _, text in segments)
    assert all(not (a[0] == b[0]) for a, b in zip(segments, segments[1:]))
    assert all(not (a[0] == "insert" and b[0] == "delete") for a, b in zip(segments, segments[1:]))


def _assembly(db: Session, folder):
    assembly = roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)
    groups.create_group(db, assembly, "Transport", version=groups.groups_version(assembly), actor="ana", now=NOW)
    db.commit()
    return assembly


def _create(db, assembly, **changes):
    fields = dict(title="110 km/h on motorways", objective="Cut emissions.", route="regulation", group=assembly.groups[0], text=TEXT, actor="fred", now=NOW)
    return measures.create_measure(db, assembly, **{**fields, **changes})


def _edit(db, measure, **changes):
    fields = dict(based_on=measure.current.number, title=measure.title, objective=measure.objective, route=measure.route, group=measure.group, text=measure.current.text)
    return measures.edit_measure(db, measure, **{**fields, **changes}, actor="fred", now=NOW)


def _entries(db: Session, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_editing_the_text_adds_a_version_and_keeps_the_old_one(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        measure = _create(db, assembly)
        db.commit()
        version = _edit(db, measure, text=TEXT.replace("110", "100"))
        db.commit()
        assert version.number == 2 and [v.text for v in measure.versions] == [TEXT, TEXT.replace("110", "100")]
        assert _edit(db, measure) is None  # nothing changed: no version, no entry
        _edit(db, measure, title="100 km/h on motorways")  # the title alone: no new version
        db.commit()
        assert measure.current.number == 2 and measure.title == "100 km/h on motorways"
        created, *edits = _entries(db, "measure.create") + _entries(db, "measure.edit")
        assert json.loads(created.after)["text"] == TEXT and json.loads(created.after)["group"] == "Transport"
        assert [json.loads(edit.after) for edit in edits] == [{"version": 2, "text": TEXT.replace("110", "100")}, {"title": "100 km/h on motorways"}]
        assert json.loads(edits[0].before) == {"version": 1, "text": TEXT}


def test_a_stale_edit_and_bad_fields_write_nothing(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        measure = _create(db, assembly)
        db.commit()
        _edit(db, measure, text="Second text.")
        db.commit()
        with pytest.raises(measures.StaleMeasure, match="saved version 2 after you opened version 1"):
            _edit(db, measure, based_on=1, text="Overwrite.")
        for changes, message in (
            ({"title": "  "}, "needs a title"),
            ({"route": "decree"}, "“decree” is not one of referendum, parliament, regulation, other"),
            ({"text": " \n "}, "needs a text"),
            ({"title": "x" * 201}, "201 characters long; at most 200"),
        ):
            with pytest.raises(measures.MeasureError, match=re.escape(message)):
                _edit(db, measure, **changes)
            db.rollback()
        assert db.scalar(select(func.count()).select_from(MeasureVersion)) == 2
        assert measure.title == "110 km/h on motorways"


def test_states_follow_the_allowed_transitions_and_only_drafts_are_edited(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        measure = _create(db, assembly)
        with pytest.raises(measures.MeasureError, match=re.escape("a draft measure cannot become “adopted” (possible: submitted, withdrawn)")):
            measures.change_state(db, measure, "adopted", actor="fred", now=NOW)
        measures.change_state(db, measure, "submitted", actor="fred", now=NOW)
        with pytest.raises(measures.MeasureError, match="only a draft can be edited"):
            _edit(db, measure, text="Changed.")
        measures.change_state(db, measure, "draft", actor="fred", now=NOW)
        measures.change_state(db, measure, "submitted", actor="fred", now=NOW)
        measures.change_state(db, measure, "adopted", actor="fred", now=NOW)
        db.commit()
        with pytest.raises(measures.MeasureError, match="none: the decision is final"):
            measures.change_state(db, measure, "withdrawn", actor="fred", now=NOW)
        assert [json.loads(e.after)["state"] for e in _entries(db, "measure.state")] == ["submitted", "draft", "submitted", "adopted"]
        assert db.get(Measure, measure.id).state == "adopted"


def test_versions_are_numbered_once_per_measure_in_the_database(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        measure = _create(db, assembly)
        db.commit()
        db.add(MeasureVersion(measure_id=measure.id, number=1, text="A second version 1", created_by="x", created_at=NOW))
        with pytest.raises(Exception, match="(?i)unique"):
            db.commit()


def test_version_of_names_the_versions_there_are(engine, draw_folder):
    with Session(engine) as db:
        measure = _create(db, _assembly(db, draw_folder))
        assert measures.version_of(measure, " 1 ").number == 1
        with pytest.raises(measures.MeasureError, match="no version “7” \\(it has versions 1 to 1\\)"):
            measures.version_of(measure, "7")


def _form(client, url: str, **fields) -> object:
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data=fields)


def test_a_facilitator_drafts_edits_and_compares_versions(demo):
    client = demo.test_client()
    login(client, "facilitator")
    response = _form(client, "/assemblies/1/measures/new", title="Ban short-haul flights", group="", objective="", route="parliament", text="Ban domestic flights where a train takes less than 4 hours.")
    assert response.status_code == 302
    url = response.location
    page = client.get(url).get_data(as_text=True)
    assert "Ban short-haul flights" in page and "Version 1" in page and "parliament" in page
    edit = client.get(url + "/edit").get_data(as_text=True)
    assert 'name="based_on" type="hidden" value="1"' in edit and '<option value="parliament" selected>' in edit
    response = client.post(url + "/edit", data={"title": "Ban short-haul flights", "group": "", "objective": "", "route": "parliament", "based_on": "1", "text": "Ban domestic flights where a train takes less than 2h30."})
    assert response.status_code == 302
    diff = client.get(url + "/compare?a=1&b=2").get_data(as_text=True)
    assert "<del>4 hours</del><ins>2h30</ins>" in diff.replace("\n", "")
    stale = client.post(url + "/edit", data={"title": "x", "group": "", "objective": "", "route": "other", "based_on": "1", "text": "Overwrite."})
    assert stale.status_code == 400 and "saved version 2 after you opened version 1" in stale.get_data(as_text=True)
    missing = client.get(url + "/compare?a=1&b=9")
    assert missing.status_code == 400 and "no version “9” (it has versions 1 to 2)" in missing.get_data(as_text=True)


def test_state_changes_are_checked_and_final(demo):
    client = demo.test_client()
    login(client, "organiser")
    refused = client.post("/assemblies/1/measures/1/state", data={"state": "adopted"})
    assert refused.status_code == 400 and "a draft measure cannot become “adopted”" in refused.get_data(as_text=True)
    assert client.post("/assemblies/1/measures/1/state", data={"state": "submitted"}).status_code == 302
    refused = client.post("/assemblies/1/measures/1/edit", data={"title": "x", "group": "", "objective": "", "route": "other", "based_on": "2", "text": "New."})
    assert refused.status_code == 400 and "only a draft can be edited" in refused.get_data(as_text=True)
    assert client.post("/assemblies/1/measures/1/state", data={"state": "adopted"}).status_code == 302
    page = client.get("/assemblies/1/measures/1").get_data(as_text=True)
    assert "The measure is now adopted." in page and "This decision is final." in page
    assert "This decision is final." in client.get("/assemblies/1/measures/2").get_data(as_text=True)  # rejected by the demo vote


def test_the_auditor_reads_measures_in_french_but_changes_nothing(demo):
    client = demo.test_client()
    login(client, "auditor")
    page = client.get("/assemblies/1/measures?lang=fr").get_data(as_text=True)
    assert "Mesures" in page and "Renovate every home by 2040" in page and "rejetée" in page
    diff = client.get("/assemblies/1/measures/1/compare?a=1&b=2").get_data(as_text=True)
    assert "<del>" in diff and "<ins>" in diff and "version 1 comparée à la version 2" in diff
    assert "Modifier la mesure" not in client.get("/assemblies/1/measures/1").get_data(as_text=True)
    assert client.post("/assemblies/1/measures/1/state", data={"state": "submitted"}).status_code == 403


def test_an_unknown_group_or_a_measure_of_another_assembly_is_explained(demo):
    client = demo.test_client()
    login(client, "facilitator")
    response = client.post("/assemblies/1/measures/new", data={"title": "T", "group": "999", "objective": "", "route": "other", "text": "Text."})
    assert response.status_code == 400 and "This working group is not (or no longer) part of the assembly" in response.get_data(as_text=True)
    assert client.get("/assemblies/2/measures/1").status_code == 404
    assert client.get("/assemblies/1/measures/99").status_code == 404
