"""The knowledge base's in-memory search index: folded words to postings, typos, prefixes, ranking.

Built once from the store (on a worker thread) and then only read, so searches may run on any thread.

How a query runs, per keystroke:
1. The query is cut into words exactly as titles were (`words`): punctuation, quotes, `NOT`, `15/2023/NĐ-CP`
   are plain words here, there is no query language to break.
2. Each word becomes a group of variants: the word itself; while it is being typed (the last word, no space
   after it), the most frequent words it begins (sorted vocabulary + bisect); a word one edit away
   (symmetric delete: the vocabulary's one-letter deletions, looked up by the typed word's deletions);
   and, when the word or a run of words is an abbreviation, its expansions (`cccd` → `căn cước công dân`),
   which match when all their words are in the record. The first letter of a new word only ranks: it
   filters nothing while another word does (its completions are the commonest words of all).
3. Every postings entry holds a precomputed impact (BM25 with field weights: the title weighs most),
   quantised to a small int so 100k records stay in tens of MB. The rarest group drives: its records are
   the candidates; the other groups are intersected with them (C-level set intersection) and add scores.
   Records missing a word rank below those that have them all; common filler words ("thủ tục", "về") are
   never required.
4. The best candidates get bonuses: the words typed with diacritics found with the same diacritics
   (either tone placement; each title's accent keys are worked out once, at build time), the query as a
   run of the title, the title starting with it (a word not in the vocabulary reads as the correction
   that title has). Variants of one code (provinces) collapse into one hit.
"""

from __future__ import annotations

import heapq
import math
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from desktop.domain.kb import KbHit
from desktop.kb.folding import accent_key, has_marks, kb_fold, raw_words, words

# Weights of the fields in a record's impact: what the operator types is mostly in the title.
FIELD_WEIGHTS = {"title": 3.0, "aliases": 2.4, "questions": 1.2, "result": 0.6, "field": 0.5, "body": 0.25}
K1, B = 1.2, 0.75
SCALE = 4.0  # impact units per BM25 point; impacts are ints 1..255
PREFIX_FANOUT = 16  # completions tried for the word being typed
TYPO_FANOUT = 8
DRIVER_CAP = 4000  # candidates taken from the driving word, best impact first
RERANK = 100  # candidates that get the diacritics and phrase bonuses
SHORT_PREFIX = 1  # a word being typed this short only ranks records once another word filters them
PREFIX_FACTOR, TYPO_FACTOR, KNOWN_TYPO_FACTOR, ALIAS_FACTOR = 0.75, 0.6, 0.45, 0.8
# Filler words callers and operators put around the name of a procedure: scored, never required.
_FILLER = "thu tuc ve cua cho va la o dau gi nao the nhu lam sao muon xin hoi toi em anh chi minh thi"
OPTIONAL = frozenset(_FILLER.split(" "))


@dataclass(frozen=True)
class IndexSource:
    """What the index reads of one record: identity, title, and the other searchable texts by field."""

    code: str
    title: str
    province: str = ""
    kind: str = "procedure"
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _Doc:
    code: str
    title: str
    province: str
    kind: str
    folded_title: str
    accented_title: str  # " key key … ": the accent key of each title word, for the diacritics bonus
    variants: int = 1


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance ≤ 1, or one swap of neighbours (Damerau)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


@dataclass(eq=False)
class _Group:
    """One typed word (or a run of words forming an abbreviation) and everything it may match."""

    typed: tuple[str, ...]  # the raw words, marks kept
    folded: str
    variants: list[tuple[str, float]]
    phrases: list[tuple[tuple[str, ...], float]]
    optional: bool
    estimate: int = 0


class KbIndex:
    """An immutable index over records; `search` is safe from any thread."""

    def __init__(self, sources: Iterable[IndexSource], aliases: Mapping[str, Sequence[str]] | None = None):
        self._docs: list[_Doc] = []
        self._postings: dict[str, dict[int, int]] = {}
        self._aliases = {kb_fold(k): [tuple(words(e)) for e in v] for k, v in (aliases or {}).items()}
        self._alias_ngram = max((len(k.split()) for k in self._aliases), default=1)
        self._build(sources)
        self.vocabulary = sorted(self._postings)
        self._df = {term: len(post) for term, post in self._postings.items()}
        self._deletes: dict[str, list[str]] = {}
        for term in self.vocabulary:
            if len(term) >= 3 and not term.isdigit():
                for deleted in _deletes(term):
                    self._deletes.setdefault(deleted, []).append(term)
        self._by_impact: dict[str, list[tuple[int, int]]] = {}
        self._phrase_cache: dict[tuple[str, ...], dict[int, float]] = {}
        self._lock = threading.Lock()

    # ---- building -------------------------------------------------------------------------------------

    def _build(self, sources: Iterable[IndexSource]) -> None:
        fields_tf: list[dict[str, Counter[str]]] = []
        lengths: dict[str, list[int]] = {name: [] for name in FIELD_WEIGHTS}
        seen: dict[tuple[str, str, str], int] = {}
        keyed: dict[str, str] = {}  # title -> its accent keys, shared by the provinces' copies
        for source in sources:
            texts = {"title": source.title, **source.fields}
            per_field = {name: Counter(words(text)) for name, text in texts.items() if name in FIELD_WEIGHTS}
            signature = (
                source.kind,
                source.code,
                repr(sorted((k, sorted(v.items())) for k, v in per_field.items())),
            )
            known = seen.get(signature)
            if known is not None:  # a province's copy with the same searchable text: one entry
                doc = self._docs[known]
                doc.variants += 1
                if doc.province and not source.province:
                    doc.province, doc.title = "", source.title
                continue
            seen[signature] = len(self._docs)
            accented = keyed.get(source.title)
            if accented is None:
                accented = keyed[source.title] = f" {' '.join(map(accent_key, raw_words(source.title)))} "
            self._docs.append(
                _Doc(source.code, source.title, source.province, source.kind, kb_fold(source.title), accented)
            )
            fields_tf.append(per_field)
            for name in FIELD_WEIGHTS:
                lengths[name].append(sum(per_field.get(name, Counter()).values()))
        n = len(self._docs)
        average = {
            name: (sum(values) / max(1, sum(1 for v in values if v))) or 1.0
            for name, values in lengths.items()
        }
        weighted: dict[str, dict[int, float]] = {}
        for doc_id, per_field in enumerate(fields_tf):
            for name, counts in per_field.items():
                norm = K1 * (1 - B + B * lengths[name][doc_id] / average[name])
                weight = FIELD_WEIGHTS[name]
                for term, tf in counts.items():
                    postings = weighted.setdefault(term, {})
                    postings[doc_id] = postings.get(doc_id, 0.0) + weight * tf * (K1 + 1) / (tf + norm)
        for term, postings in weighted.items():
            df = len(postings)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            self._postings[term] = {
                doc_id: min(255, max(1, round(idf * value * SCALE))) for doc_id, value in postings.items()
            }

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def postings_count(self) -> int:
        return sum(self._df.values())

    # ---- variants of a typed word -----------------------------------------------------------------------

    def _idf(self, df: int) -> float:
        n = len(self._docs)
        return math.log(1 + (n - min(df, n) + 0.5) / (min(df, n) + 0.5))

    def _completions(self, prefix: str) -> list[str]:
        start = bisect_left(self.vocabulary, prefix)
        end = bisect_left(self.vocabulary, prefix + "\uffff", start)
        found = [term for term in self.vocabulary[start:end] if term != prefix]
        if len(found) > PREFIX_FANOUT:
            found = heapq.nlargest(PREFIX_FANOUT, found, key=self._df.__getitem__)
        return found

    def _typos(self, word: str) -> list[str]:
        found: set[str] = set(self._deletes.get(word, ()))
        for deleted in _deletes(word):
            if deleted in self._df:
                found.add(deleted)
            found.update(self._deletes.get(deleted, ()))
        found.discard(word)
        close = [term for term in found if _within_one_edit(word, term)]
        if len(close) > TYPO_FANOUT:
            close = heapq.nlargest(TYPO_FANOUT, close, key=self._df.__getitem__)
        return close

    def _groups(self, query: str, *, typos_everywhere: bool) -> list[_Group]:
        typed = raw_words(query)
        folded = [kb_fold(word) for word in typed]
        typing = bool(query) and not query[-1].isspace() and query[-1] not in "\"'"
        groups: list[_Group] = []
        i = 0
        while i < len(folded):
            for size in range(min(self._alias_ngram, len(folded) - i), 1, -1):
                key = " ".join(folded[i : i + size])
                if key in self._aliases:  # the words as typed, or what they stand for
                    literal = tuple(folded[i : i + size])
                    phrases = [(literal, 1.0), *((p, ALIAS_FACTOR) for p in self._aliases[key] if p)]
                    groups.append(_Group(tuple(typed[i : i + size]), key, [], phrases, False))
                    i += size
                    break
            else:
                last = typing and i == len(folded) - 1
                groups.append(self._word_group(typed[i], folded[i], last, typos_everywhere))
                i += 1
        being_typed = groups[-1] if typing and groups else None
        if (
            being_typed is not None
            and len(being_typed.folded) <= SHORT_PREFIX
            and any(not g.optional for g in groups[:-1])
        ):
            being_typed.optional = True  # the first letter of the next word: it ranks, it does not filter
        for group in groups:
            group.estimate = sum(self._df.get(term, 0) for term, _ in group.variants) + sum(
                min((self._df.get(t, 0) for t in phrase), default=0) for phrase, _ in group.phrases
            )
        return groups

    def _word_group(self, raw: str, word: str, typing: bool, typos_everywhere: bool) -> _Group:
        """The word, its completions while typed, its one-edit neighbours, its expansions.

        A word of the vocabulary gets neighbours only in the second pass (`typos_everywhere`): folded
        Vietnamese syllables are dense, `cao` is a word and a typo of `cap`, and the first pass keeps the
        exact reading.
        """
        variants: list[tuple[str, float]] = []
        known = word in self._df
        if known:
            variants.append((word, 1.0))
        if typing and not word.isdigit():
            completions = self._completions(word)
            # A completion counts with the rarity of the prefix, not its own: `tu` typed must not
            # rank the rare `tuyen` above the word `tu` itself.
            prefix_idf = self._idf(sum(map(self._df.__getitem__, completions)) + self._df.get(word, 0))
            for term in completions:
                variants.append((term, PREFIX_FACTOR * min(1.0, prefix_idf / self._idf(self._df[term]))))
        if not word.isdigit() and (len(word) >= 4 or (len(word) == 3 and not variants)):
            if not known:
                variants += [(term, TYPO_FACTOR) for term in self._typos(word)]
            elif typos_everywhere:
                variants += [(term, KNOWN_TYPO_FACTOR) for term in self._typos(word)]
        phrases = [(p, ALIAS_FACTOR) for p in self._aliases.get(word, ()) if p and p != (word,)]
        return _Group((raw,), word, variants, phrases, word in OPTIONAL)

    # ---- scoring --------------------------------------------------------------------------------------

    def _sorted_by_impact(self, term: str) -> list[tuple[int, int]]:
        ranked = self._by_impact.get(term)
        if ranked is None:
            ranked = sorted(self._postings[term].items(), key=lambda item: -item[1])[:DRIVER_CAP]
            with self._lock:
                self._by_impact[term] = ranked
        return ranked

    def _phrase_docs(self, phrase: tuple[str, ...]) -> dict[int, float]:
        cached = self._phrase_cache.get(phrase)
        if cached is not None:
            return cached
        scored: dict[int, float] = {}
        if all(term in self._postings for term in phrase):
            lists = sorted((self._postings[term] for term in phrase), key=len)
            common = set(lists[0])
            for postings in lists[1:]:
                common &= postings.keys()
            scored = {doc: float(sum(p[doc] for p in lists)) for doc in common}
        with self._lock:
            if len(self._phrase_cache) > 512:
                self._phrase_cache.clear()
            self._phrase_cache[phrase] = scored
        return scored

    def _drive(self, group: _Group) -> dict[int, float]:
        """All records the group matches (the best DRIVER_CAP of a common word), with its score."""
        scores: dict[int, float] = {}
        # A short prefix has many common completions: together they take about DRIVER_CAP records.
        cap = min(DRIVER_CAP, max(DRIVER_CAP // 8, 2 * DRIVER_CAP // max(1, len(group.variants))))
        for term, factor in group.variants:
            postings = self._postings[term]
            items = self._sorted_by_impact(term)[:cap] if len(postings) > cap else postings.items()
            if not scores and factor == 1.0:
                scores = dict(items)  # the word as typed, first: copied in C
                continue
            for doc, impact in items:
                value = impact * factor
                if value > scores.get(doc, 0.0):
                    scores[doc] = value
        for phrase, factor in group.phrases:
            for doc, matched in self._phrase_docs(phrase).items():
                value = matched * factor
                if value > scores.get(doc, 0.0):
                    scores[doc] = value
        return scores

    def _score_within(self, group: _Group, candidates: set[int]) -> dict[int, float]:
        scores: dict[int, float] = {}
        for term, factor in group.variants:
            postings = self._postings[term]
            common = postings.keys() & candidates  # C walks the smaller (set.intersection(dict) would not)
            if not scores and factor == 1.0:  # the word as typed comes first: no maximum to take
                scores = {doc: postings[doc] for doc in common}
                continue
            for doc in common:
                value = postings[doc] * factor
                if value > scores.get(doc, 0.0):
                    scores[doc] = value
        for phrase, factor in group.phrases:
            matched = self._phrase_docs(phrase)
            for doc in matched.keys() & candidates:
                value = matched[doc] * factor
                if value > scores.get(doc, 0.0):
                    scores[doc] = value
        return scores

    def _candidates(self, groups: list[_Group]) -> tuple[dict[int, float], dict[int, int]]:
        """Scores and missing required words of the records the rarest word(s) match."""
        usable = [g for g in groups if g.estimate]
        required = [g for g in usable if not g.optional] or usable
        drivers = sorted(required, key=lambda g: g.estimate)[:1]
        total: dict[int, float] = {}
        for driver in drivers:
            total.update(self._drive(driver))
        candidates = set(total)
        missing = dict.fromkeys(candidates, 0)
        for group in usable:
            if any(group is driver for driver in drivers):
                continue
            scores = self._score_within(group, candidates)
            for doc, value in scores.items():
                total[doc] += value
            if not group.optional:
                for doc in candidates.difference(scores):
                    missing[doc] += 1
        return total, missing

    def search(self, query: str, limit: int = 10) -> list[KbHit]:
        """The best `limit` records for what the operator has typed so far; [] for an empty query.

        Records come in tiers: every word matched as typed (or completed, or expanded); then every word
        matched allowing one typo even in words of the vocabulary; then records missing a word.
        """
        if limit <= 0:
            return []
        groups = self._groups(query, typos_everywhere=False)
        if not groups:
            return []
        total, missing = self._candidates(groups)
        complete = [doc for doc, m in missing.items() if not m]
        if len(complete) >= limit:  # the common case: enough records have every word
            tier = dict.fromkeys(complete, 0)
            ranked = heapq.nlargest(max(RERANK, limit * 4), complete, key=total.__getitem__)
            return self._hits(ranked, total, tier, groups, limit)
        tier = {doc: 0 if m == 0 else 1 + m for doc, m in missing.items()}
        loose = self._groups(query, typos_everywhere=True)
        more_total, more_missing = self._candidates(loose)
        required = sorted((g for g in loose if g.estimate and not g.optional), key=lambda g: g.estimate)
        if len(required) >= 2:  # and records that miss the rarest word
            rest_total, rest_missing = self._candidates(required[1:])
            for doc, value in rest_total.items():
                if doc not in more_total:
                    more_total[doc], more_missing[doc] = value, rest_missing[doc] + 1
        for doc, value in more_total.items():
            level = 1 if more_missing[doc] == 0 else 1 + more_missing[doc]
            if doc not in tier or level < tier[doc]:
                total[doc], tier[doc] = value, level
        ranked = heapq.nsmallest(max(RERANK, limit * 4), total, key=lambda doc: (tier[doc], -total[doc], doc))
        return self._hits(ranked, total, tier, groups, limit)

    def _hits(
        self,
        ranked: list[int],
        total: dict[int, float],
        tier: dict[int, int],
        groups: list[_Group],
        limit: int,
    ) -> list[KbHit]:
        """The reranked candidates (title bonuses), one hit per code, best first."""
        bonus = self._bonus(groups)
        final = {doc: total[doc] * bonus(doc) for doc in ranked}
        ranked.sort(key=lambda doc: (tier[doc], -final[doc], doc))
        hits: list[KbHit] = []
        seen: set[tuple[str, str]] = set()
        for doc_id in ranked:
            entry = self._docs[doc_id]
            if (entry.kind, entry.code) in seen:
                continue
            seen.add((entry.kind, entry.code))
            score = final[doc_id] / SCALE / (1 + tier[doc_id])
            hits.append(KbHit(entry.code, entry.title, round(score, 3), entry.kind, entry.province))
            if len(hits) == limit:
                break
        return hits

    def _bonus(self, groups: list[_Group]) -> Callable[[int], float]:
        """Title bonus: runs of the typed words in it, at its start; diacritics typed and found.

        What depends on the query only is worked out once; the returned function looks at one record.
        """
        plain = [g for g in groups if not g.phrases or g.variants]
        # A word not in the vocabulary reads, in each title, as the correction found there (if any).
        fixes = {
            i: [f" {term} " for term, factor in g.variants if factor == TYPO_FACTOR]
            for i, g in enumerate(plain)
            if g.folded not in self._df
        }
        fixes = {i: found for i, found in fixes.items() if found}
        marked = [(f" {kb_fold(w)} ", f" {accent_key(w)} ") for g in groups for w in g.typed if has_marks(w)]
        docs = self._docs

        def runs(words: list[str]) -> tuple[list[str], str]:
            query = " ".join(words)
            found = [f" {first} {second}" for first, second in pairwise(words)]
            if len(words) > 1:
                found.append(f" {query}")
            return found, f" {query}"

        typed_runs, typed_start = runs([g.folded for g in plain])

        def bonus(doc_id: int) -> float:
            doc = docs[doc_id]
            title = f" {doc.folded_title} "
            these, start = typed_runs, typed_start
            if fixes:
                read = [g.folded for g in plain]
                for i, found in fixes.items():
                    term = next((t for t in found if t in title), None)
                    if term is not None:
                        read[i] = term[1:-1]
                these, start = runs(read)
            value = 1.0 + 0.1 * sum(1 for run in these if run in title)
            if plain and title.startswith(start):
                value += 0.1
            for folded, key in marked:
                if folded in title:
                    value += 0.1 if key in doc.accented_title else -0.1
            return value

        return bonus
