"""The session minutes, read back with pdftotext: counts, agenda minutes and lists match the session."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path


from pdf_reading import bytes_in_other_processes, pdf_text
from reports import AgendaEntry, Attendee, GroupOutcome, SessionMinutesData, VoteHeld, build_session_minutes

AGENDA = (
    AgendaEntry("Plenary", "Accueil et ordre du jour", 30),
    AgendaEntry("Hearing", "Audition : l'Agence de la transition écologique", 90),
    AgendaEntry("Working groups", "Se déplacer, se loger, se nourrir", 150),
)



def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def minutes(members: int = 12, present: int = 9, **changes) -> SessionMinutesData:
    """Made-up minutes of session 3 with `members` seats, the first `present` of them checked in."""
    people = [Attendee(seat, f"P{seat:03d}", f"Zoé Lefèvre-{seat}") for seat in range(1, members + 1)]
    data = SessionMinutesData(
        assembly="Convention citoyenne — Île-de-France", number=3, date="2026-04-04", place="Palais d'Iéna, Paris", is_online=False,
        agenda=AGENDA, present=tuple(people[:present]), absent=tuple(people[present:]),
        groups=(GroupOutcome("Se déplacer", "Débat sur la vitesse.\nDeux experts entendus.", "Proposer 110 km/h sur autoroute."),
                GroupOutcome("Se loger", "", "Rénovation complète d'ici 2040.")),
    )
    return replace(data, **changes)


def test_counts_and_agenda_minutes_match_the_data(tmp_path):
    text = pdf_text(build_session_minutes(minutes()), tmp_path)
    assert re.search(r"Session\s+3\b", text) and re.search(r"Date\s+2026-04-04", text)
    assert re.search(r"Present\s+9 of 12 members", text) and re.search(r"Absent\s+3 of 12 members", text)
    assert "Present (9)" in text and "Absent (3)" in text
    for item in AGENDA:
        assert re.search(rf"{re.escape(item.title)}\s+{item.minutes}\b", text), item.title
    assert re.search(r"Total\s+270\b", text) and re.search(r"3 items, 270 minutes planned", text)
    assert "Proposer 110 km/h sur autoroute." in text and "Rénovation complète d'ici 2040." in text
    assert "No amendment was handled in this session." in text and "No vote was held in this session." in text


def test_attendance_lists_seats_and_ids_and_names_only_when_asked(tmp_path):
    published = pdf_text(build_session_minutes(minutes()), tmp_path)
    present, absent = published.split("Present (9)")[1].split("Absent (3)")
    assert re.findall(r"(\d+)\s+(P\d{3})", present) == [(str(s), f"P{s:03d}") for s in range(1, 10)]
    assert re.findall(r"(\d+)\s+(P\d{3})", absent.split("Working groups")[0]) == [(str(s), f"P{s:03d}") for s in (10, 11, 12)]
    assert "Lefèvre" not in published and "names are not published" in published
    named = pdf_text(build_session_minutes(minutes(shows_names=True)), tmp_path)
    assert re.search(r"\b4\s+P004\s+Zoé Lefèvre-4\b", named)


def test_a_150_member_attendance_splits_over_pages_with_the_header_repeated(tmp_path):
    pdf = build_session_minutes(minutes(members=150, present=141))
    pages = page_count(pdf, tmp_path)
    assert pages >= 2
    text = pdf_text(pdf, tmp_path)
    assert re.search(r"Present\s+141 of 150 members", text) and re.search(r"Absent\s+9 of 150 members", text)
    assert sorted(int(seat) for seat in re.findall(r"(\d+)\s+P\d{3}\b", text)) == list(range(1, 151))
    continued = [n for n in range(2, pages + 1) if re.search(r"^\s*Seat\s+Id\s+Seat\s+Id\s+Seat\s+Id\s+Seat\s+Id\s*$", pdf_text(pdf, tmp_path, n), re.MULTILINE)]
    assert continued, "the attendance table's header is not repeated on a following page"
    for n in range(1, pages + 1):
        page = pdf_text(pdf, tmp_path, n)
        assert "Convention citoyenne — Île-de-France" in page and f"page {n} of {pages}" in page


def test_french_accents_print_as_they_are(tmp_path):
    text = pdf_text(build_session_minutes(minutes(shows_names=True)), tmp_path)
    for words in ("Île-de-France", "Palais d'Iéna", "l'Agence de la transition écologique", "Zoé Lefèvre-1", "Débat sur la vitesse."):
        assert words in text, words


def test_online_sessions_votes_and_an_empty_agenda(tmp_path):
    vote = VoteHeld("Adopter la mesure « 110 km/h »", 80, 50, 11, True, "80 yes of 130 cast: more than half")
    pending = VoteHeld("Prolonger la session ?", 20, 100, 21, False, "needed 71 of 141 votes cast, got 20", is_published=False)
    text = pdf_text(build_session_minutes(minutes(is_online=True, agenda=(), votes=(vote, pending))), tmp_path)
    assert re.search(r"Place\s+Online", text) and "No agenda was set for this session." in text
    assert re.search(r"Adopter la mesure « 110 km/h »\s+passed\s.*\s80\s+50\s+11\n", text)
    assert re.search(r"failed \(not yet.*\nProlonger la session \?\s.*\s20\s+100\s+21\n\s+published\)", text) and text.count("(not yet") == 1


def test_two_generations_are_byte_identical():
    data = minutes(members=150, present=120)
    first = build_session_minutes(data)
    assert first.startswith(b"%PDF") and first == build_session_minutes(data)
    assert b"D:20260404000000" in first
    assert build_session_minutes(replace(data, date="2026-04-05")) != first


def test_the_bytes_do_not_depend_on_the_process():
    """Another interpreter, with another hash seed, writes the same bytes."""
    outputs = bytes_in_other_processes("test_session_minutes", "build_session_minutes(minutes(members=40, present=31))")
    assert outputs[0] == outputs[1] == build_session_minutes(minutes(members=40, present=31))
