"""The screening index: candidate retrieval by keys, then the explainable scorer on the few candidates.

Each name form of each entry yields keys: its tokens (``t:``), the variant group of a known variant (``s:``,
Park/Pak/Bak), consonant classes (``g:``, which foreign names written in CJK scripts meet), their
consonant skeletons (``k:``), their vowel keys (``v:``) and four-letter prefixes (``p:``); identifiers
yield exact (``i:``) and confusable (``c:``) keys. Keys are 32-bit CRC hashes kept in sorted numpy arrays with their postings (name row ids), so
a million entries take a few hundred megabytes and no per-key Python objects. Entries and their compiled
names are stored marshalled in one byte buffer and decoded only for candidates.

A query gathers the postings of its keys, weighs each key by rarity (inverse document frequency; keys
shared by more than ``max_postings`` rows are skipped when rarer keys exist), keeps the best
``candidates`` name rows and scores their entries. The index pickles (numpy arrays and bytes), so an
application may build it once and load it in every worker.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import math
import mmap
import time
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from openbmis.screening.errors import ScreeningError
from openbmis.screening.model import Hit, Query, WatchlistEntry
from openbmis.screening.scorer import (
    ALGORITHM,
    VERSION,
    CompiledEntry,
    CompiledForm,
    CompiledQuery,
    MarshalValue,
    ScoringConfig,
    compile_entry,
    compile_query,
    confusable_key,
    score_compiled,
    token_weight,
)
from openbmis.screening.text import PARTICLES, SYNONYMS, coarse_key, latin_skeleton, vowel_key

__all__ = ["DocumentHit", "DocumentIndex", "IndexBuilder", "ScreeningIndex", "SearchStats"]

_KEY_WEIGHT = {"g": 0.6, "s": 0.9, "t": 1.0, "k": 0.8, "v": 0.8, "p": 0.4, "q": 1.5, "i": 4.0, "c": 2.0}


def _h(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def _entry_key(list_name: str, entry_id: str) -> str:
    return f"{list_name}\x1f{entry_id}"


def _id_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def form_keys(form: CompiledForm) -> set[str]:
    """Retrieval keys of one compiled name form."""
    tokens, skeleton, unvocalised, scheme = form
    keys: set[str] = set()
    if scheme == "loanword":  # consonant classes of a foreign name in CJK (``g:``, as below)
        return {"g:" + t for t in tokens if len(t) >= 3}
    for tok, skel in zip(tokens, skeleton, strict=True):
        if tok in PARTICLES:
            continue
        if not unvocalised:
            keys.add("t:" + tok)
            coarse = coarse_key(tok)
            if len(coarse) >= 3:
                keys.add("g:" + coarse)
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
        # Two short skeletons written apart ("ما يشو", m + sh) meet one name part (Maychou, m-sh).
        if len(joined) >= 3 or (unvocalised and len(joined) == 2 and skeleton[i] and skeleton[i + 1]):
            keys.add("k:" + joined)
    return keys


def boundary_keys(form: CompiledForm) -> set[str]:
    """Query keys for a word boundary that may have moved ("myongc hin" for "myong chin"): the other
    splits of two adjacent parts, each part three letters or more (weighed low: most are not words)."""
    tokens, skeleton, unvocalised, _ = form
    keys: set[str] = set()
    if unvocalised:
        # Consonants read from Arabic letters: one written word may be two name parts ("ظاهرعويس", Dahir
        # Aweys): the other splits of a skeleton, the first part three consonants or more.
        for skel in skeleton:
            for cut in range(3, len(skel)):
                keys.add("k:" + skel[:cut])
        return keys
    for i in range(len(tokens) - 1):
        joined = tokens[i] + tokens[i + 1]
        if len(joined) > 16:
            continue
        for cut in range(3, len(joined) - 2):
            if cut != len(tokens[i]):
                keys.add("t:" + joined[:cut])
                keys.add("t:" + joined[cut:])
    return keys


BOUNDARY_KEY_WEIGHT = 0.3


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

    def append(self, record: MarshalValue) -> int:
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

    def __getstate__(self) -> dict[str, object]:
        # a memory-mapped store (ScreeningIndex.load) pickles as plain bytes and arrays
        return {"blob": bytes(self.blob), "offsets": np.asarray(self.offsets), "_buffer": bytearray(),
                "_lengths": array("q")}  # fmt: skip

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)


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
        self.add_compiled(compile_entry(entry))

    def add_compiled(self, ce: CompiledEntry) -> None:
        """Add an already compiled entry (one taken from another index)."""
        key = _entry_key(ce.list_name, ce.id)
        if key in self._ids:
            raise ScreeningError(f"duplicate entry {ce.list_name}/{ce.id}", field="id", expected="unique id",
                                 found=ce.id)  # fmt: skip
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
        entry_ids = np.unique(
            np.fromiter((_id_hash(k) for k in self._ids), dtype=np.uint64, count=len(self._ids))
        )
        self._ids = {}
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
            entry_ids=entry_ids,
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
    # sorted 64-bit hashes of (list, id) of the stored entries: membership without decoding them
    entry_ids: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    # a list change: entries added or replaced since the base was built, and base entries hidden by it
    overlay: ScreeningIndex | None = None
    hidden: frozenset[str] = frozenset()
    hidden_in_base: int = 0

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
        """Entries searched: the base's, less those a change hid, plus the change's own."""
        return (
            len(self.entries) - self.hidden_in_base + (len(self.overlay) if self.overlay is not None else 0)
        )

    def contains(self, list_name: str, entry_id: str) -> bool:
        """Whether the base stores an entry with this (list, id) (hidden or not)."""
        h = np.uint64(_id_hash(_entry_key(list_name, entry_id)))
        i = int(np.searchsorted(self.entry_ids, h))
        return i < len(self.entry_ids) and self.entry_ids[i] == h

    def apply_changes(
        self, added: Iterable[WatchlistEntry] = (), removed: Iterable[tuple[str, str]] = ()
    ) -> ScreeningIndex:
        """A new index with a list change applied by its delta: ``added`` entries (new, or replacing an entry
        with the same list and id) and ``removed`` (list, id) pairs. The base arrays are shared, not copied
        or rebuilt; the change lives in a small overlay index that is searched beside the base. Rebuild
        (or :meth:`compact`) when the overlay has grown large."""
        compiled = [compile_entry(e) for e in added]
        gone = {_entry_key(ln, i) for ln, i in removed} | {_entry_key(c.list_name, c.id) for c in compiled}
        builder = IndexBuilder(self.config, self.thresholds)
        if self.overlay is not None:
            for ce in self.overlay.iter_entries():
                if _entry_key(ce.list_name, ce.id) not in gone:
                    builder.add_compiled(ce)
        for ce in compiled:
            builder.add_compiled(ce)
        overlay = builder.build()
        hidden = self.hidden | gone
        in_base = sum(1 for k in hidden if self.contains(*k.split("\x1f", 1)))
        return ScreeningIndex(
            self.entries, self.name_entry, self.name_pos, self.name_len, self.keys, self.offsets,
            self.postings, self.config, self.thresholds, self.max_postings, self.candidates, self.entry_ids,
            overlay if len(overlay.entries) else None, frozenset(hidden), in_base,
        )  # fmt: skip

    def compact(self) -> ScreeningIndex:
        """The same entries in one freshly built index (the overlay folded into the base)."""
        builder = IndexBuilder(self.config, self.thresholds)
        for ce in self.iter_entries():
            builder.add_compiled(ce)
        return builder.build()

    # --- on disk: raw arrays, memory-mapped on load ---------------------------------------------------
    _ARRAYS = ("name_entry", "name_pos", "name_len", "keys", "offsets", "postings", "entry_ids")

    def save(self, directory: str | Path) -> None:
        """Write the index to ``directory`` as raw arrays and one entries file (an overlay is compacted
        first). :meth:`load` maps them into memory without reading them, so a new process is ready at once
        and several processes share the pages."""
        index = self.compact() if self.overlay is not None or self.hidden else self
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for name in self._ARRAYS:
            np.save(path / f"{name}.npy", getattr(index, name), allow_pickle=False)
        np.save(path / "entry_offsets.npy", index.entries.offsets, allow_pickle=False)
        (path / "entries.bin").write_bytes(index.entries.blob)
        meta = {"format": 1, "algorithm": ALGORITHM, "version": VERSION, "config": asdict(index.config),
                "thresholds": index.thresholds, "max_postings": index.max_postings,
                "candidates": index.candidates, "entries": len(index.entries)}  # fmt: skip
        (path / "index.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> ScreeningIndex:
        """Open an index written by :meth:`save` (memory-mapped, read-only). An index written by another
        version of the algorithm is refused: its keys differ, rebuild it."""
        path = Path(directory)
        meta = json.loads((path / "index.json").read_text(encoding="utf-8"))
        if meta.get("format") != 1 or meta.get("algorithm") != ALGORITHM or meta.get("version") != VERSION:
            found = f"{meta.get('algorithm')} {meta.get('version')} (format {meta.get('format')})"
            raise ScreeningError("index written by another algorithm version: rebuild it", field="version",
                                 expected=f"{ALGORITHM} {VERSION}", found=found)  # fmt: skip
        arrays = {name: np.load(path / f"{name}.npy", mmap_mode="r") for name in cls._ARRAYS}
        store = _PackedStore()
        store.offsets = np.load(path / "entry_offsets.npy", mmap_mode="r")
        with open(path / "entries.bin", "rb") as fh:
            size = (path / "entries.bin").stat().st_size
            store.blob = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""  # type: ignore[assignment]
        return cls(
            entries=store,
            config=ScoringConfig(**meta["config"]),
            thresholds={k: float(v) for k, v in meta["thresholds"].items()},
            max_postings=int(meta["max_postings"]),
            candidates=int(meta["candidates"]),
            **arrays,
        )

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
        """Every entry searched (hidden base entries left out, the overlay's included)."""
        for i in range(len(self.entries)):
            ce = self.entry(i)
            if not self.hidden or _entry_key(ce.list_name, ce.id) not in self.hidden:
                yield ce
        if self.overlay is not None:
            yield from self.overlay.iter_entries()

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
                for k in boundary_keys(form):
                    out.setdefault(k, BOUNDARY_KEY_WEIGHT)
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
            if self.hidden and _entry_key(ce.list_name, ce.id) in self.hidden:
                continue  # removed or replaced by a later change: the overlay holds what is current
            cut = threshold if threshold is not None else self.threshold_for(ce.list_name)
            positions = wanted[eidx]
            if -1 not in positions:
                ce = ce.only_names(sorted(positions))
            score, explanation, matched = score_compiled(cq, ce, self.config)
            if score >= cut:
                hits.append(Hit(ce.id, ce.list_name, matched, score, cut, explanation))
        entry_ids = wanted
        if self.overlay is not None:
            hits.extend(self.overlay.search(query, threshold=threshold, limit=limit, lists=lists))
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
