"""Scorer behaviour: qualifiers, identifiers, structure, explanations (expected orderings are stated by the
issue and by list practice, not taken from the code)."""

from __future__ import annotations

import pytest

from openbmis.screening import (
    ALGORITHM,
    VERSION,
    DateSpec,
    Identifier,
    Query,
    WatchlistEntry,
    compare,
    parse_date,
)
from openbmis.screening.scorer import compare_dates, confusable_key, normalise_identifier

ENTRY = WatchlistEntry(
    id="E1", list_name="national", entity_type="person", names=("HASSAN, Mohammed Ali",),
    birth_dates=(DateSpec(1970, 3, 12),), countries=("SYR",), sex="male",
    identifiers=(Identifier("passport", "N0123456", "SY"),),
)  # fmt: skip


def score(q: Query) -> float:
    return compare(q, ENTRY).score


@pytest.mark.parametrize(
    "name",
    [
        "Mohammed Ali Hassan",
        "Hassan Mohammed Ali",
        "HASSAN, Mohammed Ali",
        "Muhammad Ali Hasan",
        "Mohamed Aly Hassan",
    ],
)
def test_order_free_and_spelling_variants_match(name: str) -> None:
    assert score(Query(name=name)) >= 0.7


@pytest.mark.parametrize(
    "better,worse",
    [
        (parse_date("1970-03-12"), parse_date("1980-03-12")),  # exact beats mismatch
        (parse_date("1970"), parse_date("1975")),  # year beats other year
        (parse_date("1970-12-03"), parse_date("1970-11-04")),  # day/month swapped beats mismatch
        (parse_date("1971-03-12"), parse_date("1974-03-12")),  # one year off beats four
        (parse_date("1969 to 1972"), parse_date("1980 to 1982")),  # range containing beats range outside
    ],
)
def test_birth_date_qualifier_orderings(better: DateSpec, worse: DateSpec) -> None:
    base = "Mohammed Ali Hassan"
    assert score(Query(name=base, birth_dates=(better,))) > score(Query(name=base, birth_dates=(worse,)))


@pytest.mark.parametrize(
    "q,e,kind",
    [
        ("1970-03-12", "1970-03-12", "exact"),
        ("1970-12-03", "1970-03-12", "day-month-swapped"),
        ("1971-03-12", "1970-03-12", "year-off-by-one"),
        ("1970", "1970-03-12", "year"),
        ("1971", "1969 to 1972", "within-range"),
        ("1985-03-12", "1970-03-12", "mismatch"),
        ("circa 1968", "1970", "approximate"),
        ("1964-08-12", "1964-08-11", "within-a-month"),
        ("1969-07-16", "1969-06-16", "within-a-month"),
        ("1960-06-17", "1961-03-01", "differs"),
        ("1965-04-03", "1965-10-05", "differs"),
        ("1974-02-06", "1976", "differs"),
        ("1974-02-06", "1977", "mismatch"),
        ("1992-07-16", "1936", "mismatch"),
    ],
)
def test_compare_dates(q: str, e: str, kind: str) -> None:
    assert compare_dates(parse_date(q), parse_date(e))[0] == kind


COMMON = WatchlistEntry(
    id="E2", list_name="national", entity_type="person", names=("Wang Rui",),
    birth_dates=(DateSpec(1974, 8, 4),), countries=("CN",), sex="male",
)  # fmt: skip


@pytest.mark.parametrize(
    "dob,nationality,hit",
    [
        ("1992-07-16", "CN", False),  # exact common name, birth date 18 years off: another person
        ("1992-07-16", "SG", False),  # ... and another nationality
        ("1974-08-04", "SG", True),  # same birth date, another nationality: dual nationals exist
        ("", "SG", True),  # the name alone, another nationality
        ("1975-08-04", "CN", True),  # one year off (a typing slip)
        ("1974-08-05", "CN", True),  # one day off
        ("1974-09-04", "CN", True),  # one month off
        ("1974-04-08", "CN", True),  # day and month swapped
        ("1975-02-01", "CN", True),  # half a year apart: differs, not contradicting
    ],
)
def test_contradicting_birth_date_outweighs_an_exact_common_name(
    dob: str, nationality: str, hit: bool
) -> None:
    query = Query(name="Rui Wang", birth_dates=(parse_date(dob),) if dob else (), countries=(nationality,),
                  sex="male")  # fmt: skip
    ex = compare(query, COMMON)
    assert (ex.score >= 0.7) is hit, ex
    assert sum(f.contribution for f in ex.features) == pytest.approx(ex.score)
    assert {f.name for f in ex.features} >= {"name", "country"} | ({"birth_date"} if dob else set())


def test_nationality_and_sex_qualify() -> None:
    base = "Mohammed Ali Hassan"
    assert (
        score(Query(name=base, countries=("SY",)))
        > score(Query(name=base))
        > score(Query(name=base, countries=("FR",)))
    )
    assert score(Query(name=base)) > score(Query(name=base, sex="female"))


def test_document_number_is_strong_evidence() -> None:
    weak_name = Query(name="M. Hassan")
    with_doc = Query(name="M. Hassan", identifiers=(Identifier("passport", "N 0123456", "SYR"),))
    assert score(weak_name) < 0.7 <= score(with_doc)
    confusable = Query(name="M. Hassan", identifiers=(Identifier("passport", "NO123456", "SYR"),))
    assert score(weak_name) < score(confusable) < score(with_doc)


def test_entity_type_mismatch_scores_zero() -> None:
    assert score(Query(name="Mohammed Ali Hassan", entity_type="vessel")) == 0.0


def test_explanation_names_algorithm_and_contributions() -> None:
    ex = compare(Query(name="Muhammad Ali Hasan", birth_dates=(parse_date("1970-03-12"),)), ENTRY)
    assert (ex.algorithm, ex.version) == (ALGORITHM, VERSION)
    names = [f.name for f in ex.features]
    assert names[:2] == ["name", "birth_date"]
    assert "muhammad~mohammed" in ex.features[0].detail
    assert sum(f.contribution for f in ex.features) == pytest.approx(ex.score)
    assert ex.as_dict()["features"][0]["entry"] == "HASSAN, Mohammed Ali"


@pytest.mark.parametrize(
    "raw,normal,confusable",
    [("ab 123-456", "AB123456", "A8123456"), ("IMO 9929429", "9929429", "9929429"), ("OI5", "OI5", "015")],
)
def test_identifier_normalisation(raw: str, normal: str, confusable: str) -> None:
    assert normalise_identifier(raw) == normal
    assert confusable_key(raw) == confusable


def test_query_without_name_or_identifier_is_refused() -> None:
    from openbmis.screening import QueryError

    with pytest.raises(QueryError) as err:
        compare(Query(), ENTRY)
    assert err.value.field == "name"


def test_near_tokens_earn_partial_credit_shown_in_the_explanation() -> None:
    entry = WatchlistEntry(id="E3", list_name="national", entity_type="person", names=("Ian McKinley",))
    near = compare(Query(name="Iap"), entry)
    unrelated = compare(Query(name="Zob"), entry)
    assert unrelated.score < near.score < 0.7
    assert "iap~ian near" in near.features[0].detail


def test_query_words_the_entry_lacks_cost_more_than_entry_words_the_query_lacks() -> None:
    entry = WatchlistEntry(id="E4", list_name="national", entity_type="person", names=("Juma Salim Omar",))
    shorter = compare(Query(name="Juma Omar"), entry).score  # leaves out the entry's middle name
    longer = compare(Query(name="Juma Salim Omar Bakari"), entry).score  # adds a name the entry lacks
    assert shorter > longer
