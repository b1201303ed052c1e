"""Domain rules without a database: the log's hash, voting codes, the string catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from assembly_app import accounts
from assembly_app.auditlog import GENESIS, entry_hash
from assembly_app.i18n import CATALOGUE
from assembly_app.models import AuditEntry

TEMPLATES = Path(__file__).resolve().parents[2] / "assembly_app" / "templates"


def _entry(**changes) -> AuditEntry:
    fields = {"seq": 1, "at": "2026-03-01T09:30:00", "actor": "ana", "action": "member.withdraw", "target": "assembly:1", "before": "{}", "after": "{}"}
    return AuditEntry(**{**fields, **changes})


def test_entry_hash_covers_every_field_and_the_previous_hash():
    base = entry_hash(GENESIS, _entry())
    assert re.fullmatch(r"[0-9a-f]{64}", base)
    assert entry_hash(GENESIS, _entry()) == base
    for field, value in (("seq", 2), ("at", "2026-03-01T09:30:01"), ("actor", "bob"), ("action", "x"), ("target", "assembly:2"), ("before", "1"), ("after", "1")):
        assert entry_hash(GENESIS, _entry(**{field: value})) != base, field
    assert entry_hash("1" * 64, _entry()) != base


def test_voting_codes_are_printable_and_forgiving():
    codes = {accounts.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 10 and set(code) <= set(accounts.CODE_ALPHABET) for code in codes)
    assert not set("0O1IL2Z5S8B") & set(accounts.CODE_ALPHABET)
    code = sorted(codes)[0]
    assert accounts.hash_code(code) == accounts.hash_code(f" {code[:5].lower()}-{code[5:]} ")
    assert accounts.hash_code(code) != code


def test_every_interface_string_exists_in_english_and_french():
    assert all(english.strip() and french.strip() for english, french in CATALOGUE.values())
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\("([a-z0-9_.]+)"\)""", template.read_text(encoding="utf-8")))
    assert used and used <= set(CATALOGUE)
