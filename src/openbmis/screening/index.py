"""The screening index: candidate retrieval by keys, then the explainable scorer on the few candidates.

Each name form of each entry yields keys: its tokens (``t:``), the variant group of a known variant (``s:``,
Park/Pak/Bak), their consonant skeletons (``k:``), their vowel keys (``v:``) and four-letter prefixes
(``p:``); identifiers yield exact (``i:``) and confusable
(``c:``) keys. Keys are 32-bit CRC hashes kept in sorted numpy arrays with their postings (name row ids), so
a million entries take a few hundred megabytes and no per-key Python objects. Entries and their compiled
names are stored marshalled in one byte buffer and decoded only for candidates.

A query gathers the postings of its keys, weighs each key by rarity (inverse document frequency; keys
shared by more than ``max_postings`` rows are skipped when rarer keys exist), keeps the best
``candidates`` name rows and scores their entries. The index pickles (numpy arrays and bytes), so an
application may build it once and load it in every worker.
"""

from __future__ import annotations

import marshal
import math
import time
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from openbmis.screening.errors import ScreeningError
from openbmis.screening.model import Hit, Query, WatchlistEntry
from openbmis.screening.scorer import (
    CompiledEntry,
    CompiledForm,
    CompiledQuery,
    ScoringConfig,
    compile_entry,
    compile_query,
    confusable_key,
    score_compiled,
    token_weight,
)
from openbmis.screening.text import PARTICLES, SYNONYMS, latin_skeleton, vowel_key

__all__ = ["DocumentHit", "DocumentIndex", "IndexBuilder", "ScreeningIndex", "SearchStats"]

_KEY_WEIGHT = {"s": 0.9, "t": 1.0, "k": 0.8, "v": 0.8, "p": 0.4, "q": 1.5, "i": 4.0, "c": 2.0}


def _h(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def form_keys(form: CompiledForm) -> set[str]:
    """Retrieval keys of one compiled name form."""
    tokens, skeleton, unvocalised, _ = form
    keys: set[str] = set()
    for tok, skel in zip(tokens, skeleton, strict=True):
        if tok in PARTICLES:
            continue
        if not unvocalised:
            keys.add("t:" + tok)
            group = SYNONYMS.get(tok)
            if group:  # known variants share a key (Park/Pak/Bak, Lee/Yi/Rhee, Mohammed/Muhammad)
                keys.add("s:" + str(min(group)))
            if len(tok) >= 3:
                keys.add("v:" + vowel_key(tok))
            if len(tok) >= 6:
                keys.add("p:" + tok[:4])
        if len(skel) >= 2 or (skel and skel.isdigit()):
            keys.add("k:" + skel)
            bare = skel.replace("h", "")
            if bare != skel and len(bare) >= 2:
                keys.add("k:" + bare)
    # pairs of skeletons (order-free): two common parts together are rare ("Amir Abdullah")
    skels = sorted({s for t, s in zip(tokens, skeleton, strict=True) if s and t not in PARTICLES})[:6]
    for i, a in enumerate(skels):
        for b in skels[i + 1 :]:
            keys.add(f"q:{a}|{b}")
    return keys


def query_extra_keys(form: CompiledForm) -> set[str]:
    """Keys only a query needs: adjacent parts written together ("Wali Jan" meets "Walijan")."""
    tokens, skeleton, unvocalised, _ = form
    keys: set[str] = set()
    for i in range(len(tokens) - 1):
        if not unvocalised:
            keys.add("t:" + tokens[i] + tokens[i + 1])
        joined = (
            latin_skeleton(tokens[i] + tokens[i + 1]) if not unvocalised else skeleton[i] + skeleton[i + 1]
        )
        if len(joined) >= 3:
            keys.add("k:" + joined)
    return keys


def _key_type_weight(key: str, token_part: str) -> float:
    weight = _KEY_WEIGHT[key[0]]
    if key[0] in "tvps":
        weight *= token_weight(token_part)
    return weight


class _PackedStore:
    """Variable-length marshalled records in one bytes buffer with an offsets array."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._lengths = array("q")
        self.blob = b""
        self.offsets: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)

    def append(self, record: Any) -> int:  # marshal accepts nested tuples of str, int, float, bool, None
        data = marshal.dumps(record)
        self._buffer += data
        self._lengths.append(len(data))
        return len(self._lengths) - 1

    def freeze(self) -> None:
        self.blob = bytes(self._buffer)
        self._buffer = bytearray()
        self.offsets = np.zeros(len(self._lengths) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(self._lengths, dtype=np.int64), out=self.offsets[1:])
        self._lengths = array("q")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def get(self, i: int) -> object:
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        return marshal.loads(self.blob[start:end])  # noqa: S302 - bytes written by append() above

    def nbytes(self) -> int:
        return len(self.blob) + self.offsets.nbytes


@dataclass(slots=True)
class SearchStats:
    """What one search did (for benchmarks and tuning)."""

    keys: int = 0
    postings: int = 0
    candidates: int = 0
    scored: int = 0
    seconds: float = 0.0


class IndexBuilder:
    """Collects entries (streamed, one at a time) and freezes them into a :class:`ScreeningIndex`.

    ``thresholds`` maps a list name to its hit threshold; lists not named use ``default_config``.
    """

    def __init__(
        self, default_config: ScoringConfig | None = None, thresholds: dict[str, float] | None = None
    ):
        self._entries = _PackedStore()
        # compact growable arrays: a million entries make tens of millions of (key, row) pairs
        self._name_entry = array("i")
        self._name_pos = array("h")
        self._name_len = array("b")
        self._key_hashes = array("I")
        self._key_rows = array("i")
        self._config = default_config or ScoringConfig()
        self._thresholds = dict(thresholds or {})
        self._ids: dict[str, int] = {}

    def add(self, entry: WatchlistEntry) -> None:
        """Compile and add one entry; a second entry with the same (list, id) replaces nothing: it is refused."""
        key = f"{entry.list_name}\x1f{entry.id}"
        if key in self._ids:
            raise ScreeningError(f"duplicate entry {entry.list_name}/{entry.id}", field="id", expected="unique id",
                                 found=entry.id)  # fmt: skip
        ce = compile_entry(entry)
        eidx = self._entries.append(ce.to_tuple())
        self._ids[key] = eidx
        id_keys: set[str] = set()
        for ident in ce.identifiers:
            if ident.number:
                id_keys.add("i:" + ident.number)
                id_keys.add("c:" + confusable_key(ident.number))
        if not ce.names and id_keys:
            row = len(self._name_entry)
            self._name_entry.append(eidx)
            self._name_pos.append(-1)
            self._name_len.append(0)
            self._add_keys(id_keys, row)
        for pos, (_, _, forms) in enumerate(ce.names):
            row = len(self._name_entry)
            self._name_entry.append(eidx)
            self._name_pos.append(min(pos, 32767))
            self._name_len.append(min(127, sum(1 for t in forms[0][0] if t not in PARTICLES)))
            keys: set[str] = set(id_keys)
            for form in forms:
                keys |= form_keys(form)
            self._add_keys(keys, row)

    def _add_keys(self, keys: set[str], row: int) -> None:
        for k in keys:
            self._key_hashes.append(_h(k))
            self._key_rows.append(row)

    def add_all(self, entries: Iterable[WatchlistEntry]) -> int:
        n = 0
        for e in entries:
            self.add(e)
            n += 1
        return n

    def build(self) -> ScreeningIndex:
        hashes = np.frombuffer(self._key_hashes, dtype=np.uint32).copy()
        rows = np.frombuffer(self._key_rows, dtype=np.int32).copy()
        self._key_hashes = array("I")
        self._key_rows = array("i")
        order = np.lexsort((rows, hashes))
        hashes = hashes[order]
        rows = rows[order]
        del order
        keys, starts = np.unique(hashes, return_index=True)
        offsets = np.empty(len(keys) + 1, dtype=np.int64)
        offsets[:-1] = starts
        offsets[-1] = len(hashes)
        del hashes
        self._entries.freeze()
        name_entry = np.frombuffer(self._name_entry, dtype=np.int32).copy()
        name_pos = np.frombuffer(self._name_pos, dtype=np.int16).copy()
        name_len = np.frombuffer(self._name_len, dtype=np.int8).copy()
        self._name_len = array("b")
        self._name_entry = array("i")
        self._name_pos = array("h")
        return ScreeningIndex(
            entries=self._entries,
            name_entry=name_entry,
            name_pos=name_pos,
            name_len=name_len,
            keys=keys,
            offsets=offsets,
            postings=rows,
            config=self._config,
            thresholds=self._thresholds,
        )


@dataclass(slots=True)
class ScreeningIndex:
    """An immutable, picklable index of watchlist entries; use :class:`IndexBuilder` to make one."""

    entries: _PackedStore
    name_entry: npt.NDArray[np.int32]
    name_pos: npt.NDArray[np.int16]
    name_len: npt.NDArray[np.int8]
    keys: npt.NDArray[np.uint32]
    offsets: npt.NDArray[np.int64]
    postings: npt.NDArray[np.int32]
    config: ScoringConfig
    thresholds: dict[str, float] = field(default_factory=dict)
    max_postings: int = 5_000
    candidates: int = 24

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[WatchlistEntry],
        config: ScoringConfig | None = None,
        thresholds: dict[str, float] | None = None,
    ) -> ScreeningIndex:
        builder = IndexBuilder(config, thresholds)
        builder.add_all(entries)
        return builder.build()

    def __len__(self) -> int:
        return len(self.entries)

    def nbytes(self) -> int:
        """Approximate memory of the index's own data (arrays and buffers)."""
        return (
            self.entries.nbytes()
            + self.name_entry.nbytes
            + self.name_pos.nbytes
            + self.name_len.nbytes
            + self.keys.nbytes
            + self.offsets.nbytes
            + self.postings.nbytes
        )

    def threshold_for(self, list_name: str) -> float:
        return self.thresholds.get(list_name, self.config.threshold)

    def entry(self, i: int) -> CompiledEntry:
        return CompiledEntry.from_tuple(self.entries.get(i))  # type: ignore[arg-type]

    def iter_entries(self) -> Iterator[CompiledEntry]:
        for i in range(len(self.entries)):
            yield self.entry(i)

    def _postings(self, key: str) -> npt.NDArray[np.int32]:
        h = np.uint32(_h(key))
        i = int(np.searchsorted(self.keys, h))
        if i >= len(self.keys) or self.keys[i] != h:
            return self.postings[0:0]
        return self.postings[self.offsets[i] : self.offsets[i + 1]]

    def _query_keys(self, cq: CompiledQuery) -> dict[str, float]:
        out: dict[str, float] = {}
        for _, forms in cq.names:
            for form in forms:
                tokens, skeleton, _, _ = form
                part_of = {}
                for tok, skel in zip(tokens, skeleton, strict=True):
                    part_of["t:" + tok] = tok
                    if tok in SYNONYMS:
                        part_of["s:" + str(min(SYNONYMS[tok]))] = tok
                    part_of["v:" + vowel_key(tok)] = tok
                    part_of["p:" + tok[:4]] = tok
                    part_of["k:" + skel] = tok
                for k in form_keys(form) | query_extra_keys(form):
                    out[k] = max(out.get(k, 0.0), _key_type_weight(k, part_of.get(k, "")))
        for ident in cq.identifiers:
            if ident.number:
                out["i:" + ident.number] = _KEY_WEIGHT["i"]
                out["c:" + confusable_key(ident.number)] = _KEY_WEIGHT["c"]
        return out

    def candidate_rows(self, cq: CompiledQuery, stats: SearchStats | None = None) -> npt.NDArray[np.int32]:
        """Name rows most likely to match, best first (at most ``self.candidates``)."""
        n_rows = max(len(self.name_entry), 1)
        looked = [(k, w, self._postings(k)) for k, w in self._query_keys(cq).items()]
        looked = [x for x in looked if len(x[2])]
        if not looked:
            return np.zeros(0, dtype=np.int32)
        rare = [x for x in looked if len(x[2]) <= self.max_postings]
        use = rare if rare else sorted(looked, key=lambda x: len(x[2]))[:2]
        arrays = [p for _, _, p in use]
        weights = np.concatenate(
            [np.full(len(p), w * math.log(1.0 + n_rows / len(p)), dtype=np.float32) for _, w, p in use]
        )
        ids = np.concatenate(arrays)
        if stats is not None:
            stats.keys = len(use)
            stats.postings = len(ids)
        uniq, inverse = np.unique(ids, return_inverse=True)
        # among equally keyed rows prefer short names: extra parts are what the scorer will hold against them
        acc = np.bincount(inverse, weights=weights) / (1.0 + 0.1 * self.name_len[uniq].astype(np.float64))
        k = min(self.candidates, len(uniq))
        if len(uniq) > k:
            top = np.argpartition(-acc, k - 1)[:k]
        else:
            top = np.arange(len(uniq))
        top = top[np.argsort(-acc[top], kind="stable")]
        return uniq[top].astype(np.int32)

    def search(
        self,
        query: Query,
        *,
        threshold: float | None = None,
        limit: int = 10,
        lists: Sequence[str] | None = None,
        stats: SearchStats | None = None,
    ) -> list[Hit]:
        """Hits for ``query``, best first: entries scoring at least their list's threshold (or ``threshold``)."""
        started = time.perf_counter()
        cq = compile_query(query)
        rows = self.candidate_rows(cq, stats)
        wanted: dict[int, set[int]] = {}
        for r in rows.tolist():
            wanted.setdefault(int(self.name_entry[r]), set()).add(int(self.name_pos[r]))
        hits: list[Hit] = []
        for eidx in sorted(wanted):
            ce = self.entry(eidx)
            if lists is not None and ce.list_name not in lists:
                continue
            cut = threshold if threshold is not None else self.threshold_for(ce.list_name)
            positions = wanted[eidx]
            if -1 not in positions:
                ce = ce.only_names(sorted(positions))
            score, explanation, matched = score_compiled(cq, ce, self.config)
            if score >= cut:
                hits.append(Hit(ce.id, ce.list_name, matched, score, cut, explanation))
        entry_ids = wanted
        hits.sort(key=lambda h: (-h.score, h.list_name, h.entry_id))
        if stats is not None:
            stats.candidates = len(rows)
            stats.scored = len(entry_ids)
            stats.seconds = time.perf_counter() - started
        return hits[:limit]


@dataclass(frozen=True, slots=True)
class DocumentHit:
    """A document found on a document watchlist; ``exact`` is false for a look-alike-character match."""

    list_name: str
    entry_id: str
    country: str
    number: str
    exact: bool
    status: str


class DocumentIndex:
    """Stolen, lost, revoked and invalidated documents, in the manner of INTERPOL's SLTD.

    Lookup is exact on (issuing state, normalised number), and also on a confusable-normalised number
    (O/0, I/1, S/5, B/8...) so that an OCR or typing slip still finds the record, marked as not exact.
    """

    def __init__(self) -> None:
        self._exact: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
        self._loose: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}

    def add(self, list_name: str, entry_id: str, country: str, number: str, status: str = "stolen") -> None:
        from openbmis.screening.countries import country_code
        from openbmis.screening.scorer import normalise_identifier

        cc = country_code(country) or country.strip().lower()
        num = normalise_identifier(number)
        if not num:
            raise ScreeningError("empty document number", field="number", expected="a number", found=number)
        rec = (list_name, entry_id, num, status)
        self._exact.setdefault((cc, num), []).append(rec)
        self._loose.setdefault((cc, confusable_key(num)), []).append(rec)

    def __len__(self) -> int:
        return sum(len(v) for v in self._exact.values())

    def lookup(self, country: str, number: str) -> list[DocumentHit]:
        from openbmis.screening.countries import country_code
        from openbmis.screening.scorer import normalise_identifier

        cc = country_code(country) or country.strip().lower()
        num = normalise_identifier(number)
        hits: list[DocumentHit] = []
        seen: set[tuple[str, str]] = set()
        for list_name, entry_id, n, status in self._exact.get((cc, num), []):
            seen.add((list_name, entry_id))
            hits.append(DocumentHit(list_name, entry_id, cc, n, True, status))
        for list_name, entry_id, n, status in self._loose.get((cc, confusable_key(num)), []):
            if (list_name, entry_id) not in seen:
                hits.append(DocumentHit(list_name, entry_id, cc, n, False, status))
        return hits
