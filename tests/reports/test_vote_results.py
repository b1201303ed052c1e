"""The vote results report, read back with pdftotext: counts, reasons, texts and the log's head match the data."""

from __future__ import annotations

import re
from dataclasses import replace

from pdf_reading import bytes_in_other_processes, pdf_text
from reports import AmendmentAdopted, LogHead, MeasureResult, VoteResult, VoteResultsData, build_vote_results
from test_session_minutes import page_count

HEAD = LogHead(2318, "9f2c" + "ab" * 30, "2026-06-21T16:40:12")
VERIFY = "flask --app assembly_app verify-log --entry 2318"
RULE = "two thirds of votes cast; quorum: 76 members present"


def vote(yes: int, no: int, abstain: int, *, question: str = "Adopter la mesure ?", published: bool = True) -> VoteResult:
    cast = yes + no + abstain
    needed = -(-cast * 2 // 3)
    return VoteResult(
        question, yes, no, abstain, voters=141, present=141, active=150, rule=RULE, passed=yes >= needed,
        reason=f"needed {needed} of {cast} votes cast, got {yes}", closed_at="2026-06-21 14:05",
        published_at="2026-06-21 16:40" if published else None,
    )


def measure(number: int, **changes) -> MeasureResult:
    """Measure `number`: adopted by 100 + number % 30 yes out of 133 cast (some fail two thirds)."""
    yes = 70 + number % 40
    data = MeasureResult(
        number, f"Mesure n° {number} : rénover", "Se loger", "parliament", "adopted" if yes >= 89 else "rejected", 2,
        f"Texte final de la mesure {number} : rendre obligatoire la rénovation énergétique globale des bâtiments d'ici 2040.",
        votes=(vote(yes, 133 - yes - 3, 3, question=f"Adopter la mesure {number} ?"),),
    )
    return replace(data, **changes)


def results(count: int = 3, **changes) -> VoteResultsData:
    data = VoteResultsData(
        assembly="Convention citoyenne pour le climat — Île-de-France", date="2026-06-21", last_decision="2026-06-21",
        measures=tuple(measure(n) for n in range(1, count + 1)),
        questions=(vote(120, 10, 11, question="Souhaitez-vous que la Convention continue ? (question libre)"),),
        log_head=HEAD, verify_command=VERIFY,
    )
    return replace(data, **changes)


AMENDED = measure(
    1, state="adopted", version=3, text="Rendre obligatoire la rénovation énergétique complète des logements d'ici 2040.\nAvec des prêts à taux zéro.",
    votes=(vote(100, 20, 13),),
    amendments=(
        AmendmentAdopted(1, "globale", "complète", "accepted by the drafting group", 2),
        AmendmentAdopted(2, "des bâtiments", "des logements", "adopted by vote", 3),
    ),
    amendment_votes=(vote(90, 25, 5, question="Adopter l'amendement 2 ?"), vote(20, 90, 10, question="Adopter l'amendement 3 ?")),
)


def test_the_summary_counts_measures_votes_and_amendments(tmp_path):
    data = results(measures=(AMENDED, measure(2, state="rejected"), measure(3, state="withdrawn", votes=())))
    text = pdf_text(build_vote_results(data), tmp_path, page=1)
    assert re.search(r"Last decision\s+2026-06-21", text)
    assert re.search(r"Measures\s+3: 1 adopted, 1 rejected, 1 other", text)
    assert re.search(r"Votes held\s+5: 2 on measures, 2 on amendments, 1 on free questions", text)
    assert re.search(r"Amendments adopted\s+2\b", text)
    assert "Not yet published" not in text


def test_each_measure_shows_its_text_counts_rule_and_reason(tmp_path):
    text = pdf_text(build_vote_results(results(measures=(AMENDED,))), tmp_path)
    detail = text.split("1. Mesure n° 1")[1]
    assert "Rendre obligatoire la rénovation énergétique complète des logements d'ici 2040." in detail
    assert "Avec des prêts à taux zéro." in detail and "text of version 3" in detail and "route: parliament" in detail
    assert re.search(r"Result\s+passed: needed 89 of 133 votes cast, got 100", detail)
    assert re.search(r"Counts\s+100 yes, 20 no, 13 abstain \(133 cast\)", detail)
    assert re.search(r"Voters\s+141 frozen when the vote opened; 141 present, 150 active members", detail)
    assert "two thirds of votes cast; quorum: 76 members present" in detail


def test_adopted_amendments_give_the_passage_before_and_after_and_how(tmp_path):
    text = pdf_text(build_vote_results(results(measures=(AMENDED,))), tmp_path)
    assert re.search(r"1\s+globale\s+complète\s+accepted by the drafting group\s+2\n", text)
    assert re.search(r"2\s+des bâtiments\s+des logements\s+adopted by vote\s+3\n", text)
    assert re.search(r"Adopter l'amendement 2 \?\s+passed\s.*\s90\s+25\s+5\n", text)
    assert re.search(r"Adopter l'amendement 3 \?\s+failed\s.*\s20\s+90\s+10\n", text)


def test_free_questions_and_unpublished_results(tmp_path):
    data = results(questions=(vote(120, 10, 11, question="Continuer ?"), vote(50, 60, 0, question="Prolonger ?", published=False)))
    text = pdf_text(build_vote_results(data), tmp_path)
    free = text.split("Free questions")[1]
    assert re.search(r"Continuer \?\s+passed\s.*\s120\s+10\s+11\n", free)
    assert re.search(r"Prolonger \?\s.*\s50\s+60\s+0\n", free) and free.count("failed (not yet") == 1 and "passed (not yet" not in free
    assert re.search(r"Not yet published\s+1 of 5 vote results", text)


def test_the_appendix_gives_the_log_entry_its_hash_and_the_command(tmp_path):
    text = pdf_text(build_vote_results(results()), tmp_path)
    appendix = text.split("Appendix: the audit log")[1]
    assert re.search(r"Entry\s+2318\b", appendix) and HEAD.sha256 in appendix.replace("\n", "").replace(" ", "")
    assert VERIFY in appendix


def test_149_measures_fill_pages_with_the_overview_header_repeated(tmp_path):
    data = results(149)
    pdf = build_vote_results(data)
    pages = page_count(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    overview = text.split("Yes, no and abstain are the counts")[0]
    listed = re.findall(r"^\s*(\d+)\s+Mesure n° \d+ : rénover\s+parliament\s+(adopted|rejected)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", overview, re.MULTILINE)
    expected = [(str(m.number), m.state, str(m.votes[0].yes), str(m.votes[0].no), "3") for m in data.measures]
    assert listed == expected
    headed = [n for n in range(2, pages + 1) if re.search(r"^\s*#\s+Measure\s+Route\s+Result\s+Yes\s+No\s+Abstain\s*$", pdf_text(pdf, tmp_path, n), re.MULTILINE)]
    assert len(headed) >= 2, "the overview's header is not repeated on the pages it continues on"
    adopted = sum(m.state == "adopted" for m in data.measures)
    assert re.search(rf"Measures\s+149: {adopted} adopted, {149 - adopted} rejected, 0 other", text)
    for n in (1, pages):
        page = pdf_text(pdf, tmp_path, n)
        assert "Convention citoyenne pour le climat — Île-de-France" in page and f"page {n} of {pages}" in page
    assert all(f"{n}. Mesure n° {n} : rénover" in text for n in (1, 75, 149))


def test_french_accents_print_as_they_are(tmp_path):
    text = pdf_text(build_vote_results(results(measures=(AMENDED,))), tmp_path)
    for words in ("Île-de-France", "rénovation énergétique complète", "prêts à taux zéro", "Mesure n° 1", "des bâtiments"):
        assert words in text, words


def test_two_generations_are_byte_identical():
    data = results(20, measures=(AMENDED, *results(20).measures[1:]))
    first = build_vote_results(data)
    assert first.startswith(b"%PDF") and first == build_vote_results(data)
    assert b"D:20260621000000" in first
    assert build_vote_results(replace(data, log_head=replace(HEAD, seq=2319))) != first


def test_counts_are_right_aligned_in_their_columns(tmp_path):
    """Wrapped cells are paragraphs, which the table's ALIGN does not move: their own style must align them."""
    overview = pdf_text(build_vote_results(results(40)), tmp_path, page=1).split("Yes, no and abstain")[0]
    rows = [re.search(r"(parliament)\s+(adopted|rejected)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", line) for line in overview.splitlines()]
    spans = [row.span(3) for row in rows if row]
    assert {len(row.group(3)) for row in rows if row} == {2, 3}  # two- and three-digit counts
    assert len({end for _, end in spans}) == 1 and len({start for start, _ in spans}) == 2


def test_the_bytes_do_not_depend_on_the_process():
    """Another interpreter, with another hash seed, writes the same bytes."""
    outputs = bytes_in_other_processes("test_vote_results", "build_vote_results(results(30))")
    assert outputs[0] == outputs[1] == build_vote_results(results(30))
