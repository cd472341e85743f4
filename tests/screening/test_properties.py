"""Properties over arbitrary input: parsers raise only their own errors, scores stay in [0, 1]."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openbmis.screening import Query, QueryError, WatchlistEntry, analyse_name, compare, parse_date

NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=40
)  # any script, marks, digits, punctuation


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.booleans())
def test_parse_date_raises_only_query_error(text: str, lenient: bool) -> None:
    try:
        spec = parse_date(text, lenient=lenient)
    except QueryError as exc:
        assert exc.field == "date"
    else:
        assert 1800 <= spec.year <= 2200


@settings(max_examples=200, deadline=None)
@given(NAMES, st.booleans())
def test_analysed_names_are_ascii_tokens(text: str, organisation: bool) -> None:
    for form in analyse_name(text, organisation):
        assert form.tokens and len(form.tokens) == len(form.skeleton)
        assert all(t and t.isascii() for t in form.tokens)


@settings(max_examples=150, deadline=None)
@given(NAMES, NAMES)
def test_scores_are_bounded_and_identity_scores_high(a: str, b: str) -> None:
    entry = WatchlistEntry(id="x", list_name="t", entity_type="person", names=(b,) if b.strip() else ("x",))
    if a.strip():
        score = compare(Query(name=a), entry).score
        assert 0.0 <= score <= 1.0
    if b.strip() and analyse_name(b):
        assert compare(Query(name=b, entity_type="person"), entry).score >= 0.85


CJK_NAMES = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul syllables
        st.characters(min_codepoint=0x30A0, max_codepoint=0x30FF),  # katakana
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
        st.sampled_from(" ・·-主席先生さん씨님"),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(CJK_NAMES)
def test_cjk_and_hangul_names_analyse_to_ascii_and_equal_themselves(text: str) -> None:
    from openbmis.screening.text import coarse_key, hangul_rr

    assert hangul_rr(text).isascii()
    forms = analyse_name(text)
    for form in forms:
        assert form.tokens and all(t and t.isascii() for t in form.tokens)
        if form.scheme == "loanword":
            assert all(set(t) <= set("BKTRMN") for t in form.tokens)
    assert set(coarse_key(hangul_rr(text).lower())) <= set("BKTRMN")
    if forms:
        entry = WatchlistEntry(id="x", list_name="t", entity_type="person", names=(text,))
        assert compare(Query(name=text, entity_type="person"), entry).score >= 0.85
