"""openbmis-names 1.3: Arabic-script readings that a Latin spelling of the same name relies on.

Each case is a listed name and the same person's name in Arabic script; the reading rule is stated beside it
(the letters' values are those of the Arabic and Persian alphabets, not anything this engine computed).
"""

from __future__ import annotations

import pytest

from openbmis.screening import IndexBuilder, Query, WatchlistEntry, compare
from openbmis.screening.text import analyse_name

THRESHOLD = 0.7


def entry(name: str, kind: str = "person", entry_id: str = "E") -> WatchlistEntry:
    return WatchlistEntry(id=entry_id, list_name="test", entity_type=kind, names=(name,))


@pytest.mark.parametrize(("arabic", "latin", "kind", "rule"), [
    # a second "Allah" after a compound "X-ullah" is a name of its own, not joined again
    ("حمد الله الله نور", "HAMDULLAH ALLAH NOOR", "person", "one Allah joins its name part"),
    # Persian text with the Arabic kaf where the name has gaf (Gul)
    ("كُل آغا اسحاقزی", "GUL AGHA ISHAKZAI", "person", "kaf read as gaf"),
    # ta marbuta pronounced t in the construct state (Asbat al-Ansar)
    ("عصبة الأنصار", "ASBAT AL-ANSAR", "organization", "ta marbuta read as t"),
])
def test_reading_rules(arabic: str, latin: str, kind: str, rule: str) -> None:
    assert compare(Query(name=arabic, entity_type=kind), entry(latin, kind)).score >= THRESHOLD, rule


def test_second_allah_stands_alone() -> None:
    skeletons = {f.skeleton for f in analyse_name("حمد الله الله نور")}
    assert ("hmdl", "lh", "nr") in skeletons  # Hamdullah, Allah, Nur
    assert not any(any(len(part) > 5 for part in s) for s in skeletons)  # never Hamd-allah-allah


@pytest.mark.parametrize(("arabic", "latin"), [
    ("علي ما يشو", "ALI MAYCHOU"),  # two short words written apart: one name part
    ("حسن ظاهرعويس", "HASSAN DAHIR AWEYS"),  # two name parts written as one word
])
def test_a_moved_word_boundary_is_retrieved_among_many(arabic: str, latin: str) -> None:
    """The right entry must reach the scorer even when its common first name is shared by many others."""
    builder = IndexBuilder()
    builder.add(entry(latin, entry_id="target"))
    first = latin.split()[0]
    for i in range(6000):  # more namesakes than the index looks at for one common key
        builder.add(entry(f"{first} OTHER{i:04d} PERSON{i % 97:02d}", entry_id=f"n{i}"))
    hits = builder.build().search(Query(name=arabic), limit=10)
    assert "target" in {h.entry_id for h in hits}


def test_the_explanation_names_the_join() -> None:
    ex = compare(Query(name="علي ما يشو"), entry("ALI MAYCHOU"))
    assert "joined" in ex.features[0].detail
