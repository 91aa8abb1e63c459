"""Do the knowledge checks test understanding, not test-taking tricks?

Over the whole catalogue (all chapters): the right single answer is spread over the
positions and is not systematically the longest option; at least 40 % of the items ask
to interpret a case or a table; no item is a duplicate of another; no single choice
offers "all of the above"; no item has only right options; and no item reuses a
sentence of the seed documents (compared through hashed six-word runs, see
``tools/seed_fingerprints.py``). ``balance()`` computes the figures the report names.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from cjmlib import content

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [int(p.name[:2]) for p in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))]

_spec = importlib.util.spec_from_file_location("seed_fp", ROOT / "tools" / "seed_fingerprints.py")
seed_fp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_fp)

SEED_SHINGLES = {
    line.strip()
    for line in (ROOT / "tests" / "data" / "seed_shingles.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}
ALL_OF_THE_ABOVE = re.compile(
    r"\balle (genannten|oben|diese|drei|vier)\b|\balles (davon|oben)\b|\bbeides\b|"
    r"\bkeine der\b",
    re.IGNORECASE,
)


def all_items() -> list[tuple[int, content.Question]]:
    return [(n, q) for n in CHAPTERS for q in content.quiz(n)]


def item_text(q: content.Question) -> str:
    table = " ".join(" ".join(row) for row in q.table)
    return " ".join([q.case, table, q.text, *q.choices, q.explanation])


def balance(items: list[tuple[int, content.Question]]) -> dict[str, object]:
    """The figures of a catalogue: positions, longest right answers, applied share, seeds."""
    single = [q for _, q in items if len(q.correct) == 1]
    positions = Counter(next(iter(q.correct)) + 1 for q in single)
    longest = sum(
        1
        for q in single
        if len(q.choices[next(iter(q.correct))]) == max(len(o) for o in q.choices)
        and sorted(len(o) for o in q.choices)[-2] < max(len(o) for o in q.choices)
    )
    seed_hits = [
        f"{n:02d}.{q.id}" for n, q in items if seed_fp.shingles(item_text(q)) & SEED_SHINGLES
    ]
    return {
        "items": len(items),
        "single": len(single),
        "positions": dict(sorted(positions.items())),
        "correct_is_longest": longest / len(single) if single else 0.0,
        "applied": sum(q.applied for _, q in items) / len(items) if items else 0.0,
        "seed_items": seed_hits,
    }


@pytest.fixture(scope="module")
def figures():
    return balance(all_items())


def test_every_chapter_has_a_knowledge_check_of_five_to_eight_items():
    for n in CHAPTERS:
        assert 5 <= len(content.quiz(n)) <= 8, n


def test_right_answers_are_spread_over_the_positions(figures):
    """No position holds more than 40 % of the right single answers, none less than 15 %."""
    share = {p: c / figures["single"] for p, c in figures["positions"].items()}
    assert max(share.values()) <= 0.40, figures["positions"]
    assert all(share.get(p, 0) >= 0.15 for p in (1, 2, 3)), figures["positions"]


def test_the_right_answer_is_not_systematically_the_longest(figures):
    """Neither "pick the longest" nor "never pick the longest" may pay (random: about 30 %)."""
    assert 0.15 <= figures["correct_is_longest"] <= 0.40


def test_at_least_40_percent_ask_to_apply(figures):
    """Applied items: a case or a table to interpret, not a definition to recall."""
    assert figures["applied"] >= 0.40


def test_no_item_reuses_a_sentence_of_the_seeds(figures):
    assert figures["seed_items"] == []


def test_no_duplicate_items():
    """No two items ask the same (same question, or the same right answer to a same-ish one)."""
    seen: dict[str, str] = {}
    for n, q in all_items():
        key = " ".join(seed_fp.words(q.text))
        assert key not in seen, (f"{n:02d}.{q.id}", seen.get(key))
        seen[key] = f"{n:02d}.{q.id}"
    answers = Counter(
        " ".join(seed_fp.words(" ".join(sorted(q.choices[i] for i in q.correct))))
        for _, q in all_items()
    )
    assert [a for a, c in answers.items() if c > 1] == []


def test_single_choice_has_one_right_answer_and_no_all_of_the_above():
    for n, q in all_items():
        assert 3 <= len(q.choices) <= 5, (n, q.id)
        assert len(set(q.choices)) == len(q.choices), (n, q.id)
        if len(q.correct) == 1:
            assert not any(ALL_OF_THE_ABOVE.search(o) for o in q.choices), (n, q.id)


def test_no_item_where_every_option_is_right():
    for n, q in all_items():
        assert len(q.correct) < len(q.choices), (n, q.id)


def test_every_item_explains_and_says_why_the_others_are_wrong_in_its_explanation():
    for n, q in all_items():
        assert len(q.explanation) >= 60, (n, q.id)


def test_applied_tables_are_rectangular():
    for n, q in all_items():
        if q.table:
            assert len(q.table) >= 2 and len({len(row) for row in q.table}) == 1, (n, q.id)


def test_no_chapter_text_reuses_a_sentence_of_the_seeds():
    """The chapters' prose is written afresh too (facts may match, six-word runs may not)."""
    import nbformat

    found = []
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            if cell.cell_type == "markdown" and seed_fp.shingles(cell.source) & SEED_SHINGLES:
                found.append(f"{path.name}:{cell.get('id')}")
    assert found == []


def test_no_item_names_one_industrys_case():
    """One catalogue serves every industry track: no item names a case company, its
    personas or its segments (an applied item brings its own small case). Generic words
    of a track ("Direktbank", "Wartezimmer") may set the scene of an item."""
    from cjmlib import course, datasets
    from cjmlib.messages.text import transliterate

    names = set()
    for key in datasets.industries():
        case = course.my_case(key, note=False)
        # the brand: the word of the company name its file name slug spells ("Gipfelglück")
        brand = {w for w in case.company.split() if transliterate(w).lower() == case.track.slug}
        names |= {case.company, *brand, *case.personas}
        names |= {s.name for s in case.project.segments}
    found = sorted(
        (f"{n:02d}.{q.id}", name) for n, q in all_items() for name in names if name in item_text(q)
    )
    assert found == []
