"""Match exercise names as people write them to the names of an exercise catalog.

A name is normalised into tokens: spelling variants and abbreviations are unified ("DB" →
dumbbell, "pull-ups" → pullup, plurals → singular), synonyms map to one phrase ("OHP" and
"overhead press" → military press), and filler words go. Each catalog name and alias is
normalised the same way once, when the matcher is built.

A candidate is scored by how much of the written name it explains (coverage) and how much of
its own name the written name accounts for (precision); tokens that say little ("barbell",
"medium grip", "bent over") weigh less. Gym conventions fill in what a bare name leaves out:
"Squat" means the barbell squat, "Leg Curl" the lying one. Those filled-in words help rank
candidates but lower the confidence, since the text did not say them.

Only names are compared: a catalog's own aliases (CatalogEntry.aliases) are matched like names,
so a curated catalog with aliases needs fewer conventions.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process, utils

# Confidence thresholds, on the 0-100 score (see _score) and its margin over the runner-up.
# High: the written name is explained almost entirely (a minor word such as "barbell" or
# "grip" may differ, costing a few points) and no other entry comes within 8 points, so a
# close variant ("Dumbbell Bench Press" vs "... with Neutral Grip") does not pass as certain.
# Medium: most of the name is explained, with a visible lead. A name with one word the
# catalog does not know ("Pendlay Rows": the head word matches, the modifier does not) covers
# 60% of its weight and scores at most about 74, so it falls below MEDIUM_SCORE: such a match
# is only the parent exercise, and low asks the user to confirm. Near ties (margin under 4)
# are low whatever the score.
HIGH_SCORE = 90
HIGH_MARGIN = 8
MEDIUM_SCORE = 75
MEDIUM_MARGIN = 4
# Below this the best candidate shares too little with the written name to be offered at all.
MIN_GUESS_SCORE = 35
# Token typos within this similarity count as the same word ("skullcrushers", "dumbel").
TOKEN_SIMILARITY_CUTOFF = 85
# Words shorter than this must match exactly: "row" and "raw" are different words.
MIN_FUZZY_TOKEN_LENGTH = 5
MAX_ALTERNATIVES = 5
# English names put the movement last ("Around The World Lateral Raise" is a raise): the last
# written word weighs this much more than the others.
HEAD_WEIGHT = 1.5
# Equipment named in the text is binding: a Smith machine squat is not a hack squat machine.
EQUIPMENT_WEIGHT = 1.5
# Coverage matters more than precision: a candidate must explain what was written first;
# extra words in the catalog name cost less.
COVERAGE_EXPONENT = 0.55
PRECISION_EXPONENT = 0.45
# Numbers in a name are rarely part of the exercise ("The 22 Push-up Challenge").
NUMBER_WEIGHT = 0.2
# Words in a catalog name's parenthetical qualify it and weigh this much of a name word.
PARENTHETICAL_WEIGHT = 0.3
# A word supplied by convention counts a little less than one the text wrote, so that an
# exact match ("Hack Squat") beats a conventional reading ("Barbell Hack Squat").
CONVENTION_CREDIT = 0.9
# When conventions supply more than this share of the chosen name, the match is only a guess.
MAX_CONVENTION_SHARE_FOR_MEDIUM = 0.5

CONFIDENCE_HIGH = "high"
CONFIDENCE_MEDIUM = "medium"
CONFIDENCE_LOW = "low"


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    exercise: str | None
    confidence: str
    score: float
    alternatives: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Normalisation tables

# Multi-word spellings of one thing, in singular form (plurals are made singular first).
_COMPOUNDS = {
    "pull up": "pullup",
    "chin up": "chinup",
    "push up": "pushup",
    "press up": "pushup",
    "sit up": "situp",
    "step up": "stepup",
    "pull down": "pulldown",
    "push down": "pushdown",
    "press down": "pushdown",
    "pull over": "pullover",
    "skull crusher": "skullcrusher",
    "dead bug": "deadbug",
    "t bar": "tbar",
    "ez curl bar": "ezbar",
    "ez bar": "ezbar",
    "e z bar": "ezbar",
    "trap bar": "trapbar",
    "hex bar": "trapbar",
    "body weight": "bodyweight",
    "smith machine": "smith",
    "farmer carry": "farmer walk",
}
# Abbreviations and spelling variants of single words.
_WORDS = {
    "db": "dumbbell",
    "dumbell": "dumbbell",
    "bb": "barbell",
    "kb": "kettlebell",
    "bw": "bodyweight",
    "chins": "chinup",
    "pressdown": "pushdown",
    "ohp": "overhead press",
    "rdl": "romanian deadlift",
    "sldl": "stiff leg deadlift",
    "dl": "deadlift",
    "bp": "bench press",
    "cgbp": "close grip bench press",
    "bss": "bulgarian split squat",
    "ghr": "glute ham raise",
    "ext": "extension",
    "inc": "incline",
    "alt": "alternate",
    "alternating": "alternate",
    "laying": "lying",
    "single": "one",
    "legged": "leg",
    "tri": "tricep",
    "bi": "bicep",
    "deltoid": "delt",
    "calve": "calf",
    "flye": "fly",
    "leverage": "machine",  # free-exercise-db's word for plate-loaded machines
}
# Different names of the same exercise, mapped to the most common one.
_SYNONYMS = {
    "overhead press": "military press",
    "strict press": "military press",
    "pec deck machine": "butterfly",
    "pec fly machine": "butterfly",
    "pec deck": "butterfly",
    "pec dec": "butterfly",
    "pec fly": "butterfly",
    "machine fly": "butterfly",
    "cat cow": "cat stretch",
    "cat camel": "cat stretch",
    "table row": "inverted row",
    "doorway row": "inverted row",
    "doorframe row": "inverted row",
    "australian pullup": "inverted row",
    "bodyweight row": "inverted row",
    "chest press": "bench press",
    "back squat": "barbell squat",
    "air squat": "bodyweight squat",
    "side plank": "side bridge",
    "ab wheel rollout": "ab roller",
    "ab wheel": "ab roller",
}


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that never distinguish catalog entries.
_STOP_WORDS = _word_set("the a an of on with to for and in at version exercise movement")
# Words in a written name that describe how it was done, not which exercise it is.
_STYLE_WORDS = _word_set("light heavy strict explosive controlled working my hold")
_STYLE_PHRASES = re.compile(r"\b(?:sub|below|above|to) parallel\b|\bass to grass\b|\batg\b")
# Tokens that say little about which exercise is meant, with their weight (default 1).
_TOKEN_WEIGHTS = {
    # Default equipment, grip and posture of the big lifts.
    "barbell": 0.4,
    "medium": 0.1,
    "grip": 0.2,
    "wide": 0.4,
    "bent": 0.3,
    "over": 0.3,
    "flat": 0.3,
    "bench": 0.6,
    # Implied by the movement: a pulldown works the lats, a curl the biceps.
    "lat": 0.4,
    "bicep": 0.3,
    "tricep": 0.5,
    "chest": 0.4,
    # Details of the machine or the attachment.
    "iso": 0.3,
    "handle": 0.3,
    "attachment": 0.2,
    # One-sided variants are still the same movement.
    "one": 0.5,
    "leg": 0.5,
    "arm": 0.5,
    # A written name often leaves out the equipment that the catalog name spells out.
    "dumbbell": 0.5,
    "kettlebell": 0.5,
    "cable": 0.5,
    "machine": 0.5,
    "band": 0.5,
}
# Gym conventions: when a written name contains the key, the variant words are what lifters
# usually mean ("Squat" is the barbell back squat). Keys and words are normalised like names.
_CONVENTIONS = {
    "squat": "barbell",
    "bench press": "barbell medium grip",
    "incline press": "barbell bench medium grip",
    "decline press": "barbell bench",
    "deadlift": "barbell",
    "row": "bent over barbell",
    "shrug": "barbell",
    "curl": "barbell",
    "bicep curl": "dumbbell",
    "cable curl": "standing bicep",
    "military press": "standing barbell",
    "leg curl": "lying",
    "dip": "tricep",
    "skullcrusher": "ezbar",
    "lateral raise": "side",
    "calf raise": "standing",
    "calf": "standing raise",
    "lunge": "dumbbell",
    "pulldown": "wide grip lat",
    "cable row": "seated",
    "dumbbell press": "bench",
    "cable fly": "flat bench",
    "fly": "dumbbell",
    "swing": "one arm kettlebell",
    "pushdown": "tricep",
    "arnold press": "dumbbell",
    "front raise": "dumbbell",
    "good morning": "barbell",
    "hip thrust": "barbell",
}


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _phrase_pattern(table: dict[str, str]) -> re.Pattern[str]:
    phrases = sorted(table, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(phrase) for phrase in phrases) + r")\b")


_COMPOUND_PATTERN = _phrase_pattern(_COMPOUNDS)
_SYNONYM_PATTERN = _phrase_pattern(_SYNONYMS)


def _singular(word: str) -> str:
    if len(word) <= 2 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"  # "carries", "flies"
    return word[:-1]


def _normalise_word(word: str) -> str:
    """One word in its singular, unabbreviated, usual spelling ("DBs" -> dumbbell)."""
    if word in _WORDS:
        return _WORDS[word]
    singular = _singular(word)
    return _WORDS.get(singular, singular)


def _plain_key(text: str) -> tuple[str, ...]:
    """A name as written, spelling and plurals evened out but no synonyms applied."""
    text = re.sub(r"[^a-z0-9]+", " ", _strip_accents(text).lower())
    return tuple(_normalise_word(word) for word in text.split())


def normalise_name(text: str, *, written: bool = False) -> tuple[str, ...]:
    """Tokens of an exercise name; written=True also drops comments and style words."""
    text = _strip_accents(text).lower()
    if written:
        text = re.sub(r"\([^)]*\)", " ", text)
    text = text.replace("w/", " with ").replace("&", " and ").replace("'", "")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    if written:
        text = _STYLE_PHRASES.sub(" ", text)
    text = " ".join(_normalise_word(word) for word in text.split())
    text = _COMPOUND_PATTERN.sub(lambda match: _COMPOUNDS[match.group(0)], text)
    text = _SYNONYM_PATTERN.sub(lambda match: _SYNONYMS[match.group(0)], text)
    # A bare "hack" is the hack squat ("Smith Machine Hacks"); a name ending in "bench" is a
    # bench press ("DB Bench", "Incline Bench").
    text = re.sub(r"\bhack\b(?! squat)", "hack squat", text)
    text = re.sub(r"\bbench$", "bench press", text)
    tokens = [word for word in text.split() if word not in _STOP_WORDS]
    if written:
        tokens = [word for word in tokens if word not in _STYLE_WORDS] or tokens
    return tuple(dict.fromkeys(tokens))


_EQUIPMENT_WORDS = _word_set(
    "barbell dumbbell kettlebell ezbar trapbar cable machine smith band bodyweight plate sled "
    "ball tbar"
)
_CONVENTION_KEYS = [
    (frozenset(normalise_name(key)), frozenset(normalise_name(words)))
    for key, words in _CONVENTIONS.items()
]


def _weight(token: str) -> float:
    if token.isdigit():
        return NUMBER_WEIGHT
    return _TOKEN_WEIGHTS.get(token, 1.0)


def _query_weights(query: tuple[str, ...]) -> dict[str, float]:
    """Token weights of a written name; its last word names the movement and counts more."""
    weights = {token: _weight(token) for token in query}
    for token in query:
        if token in _EQUIPMENT_WORDS:
            weights[token] = EQUIPMENT_WEIGHT
    movements = [token for token in query if token not in _EQUIPMENT_WORDS]
    if movements:  # "Pec Fly Machine", "Rowing Machine": the movement is before the machine
        weights[movements[-1]] *= HEAD_WEIGHT
    return weights


# --------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class _Key:
    """One normalised name (or alias) of a catalog entry, with the weight of each token."""

    entry: int  # index of the catalog entry
    weights: dict[str, float]
    total: float  # sum of the weights

    @classmethod
    def from_text(cls, entry: int, text: str) -> _Key:
        # A parenthetical qualifies the name ("Front Squat (Clean Grip)"): its words weigh less.
        outside = normalise_name(re.sub(r"\([^)]*\)", " ", text))
        inside = normalise_name(" ".join(re.findall(r"\(([^)]*)\)", text)))
        weights = {token: _weight(token) * PARENTHETICAL_WEIGHT for token in inside}
        weights.update({token: _weight(token) for token in outside})
        return cls(entry, weights, sum(weights.values()))


@dataclass(frozen=True)
class _Query:
    """A written name prepared for scoring against every catalog key."""

    weights: dict[str, float]  # token -> weight
    total: float
    similar: dict[str, dict[str, float]]  # catalog token -> {query token: similarity}
    conventions: frozenset[str]  # variant words that conventions add


@dataclass(frozen=True)
class _Scored:
    entry: int
    score: float
    convention_share: float  # share of the entry's name supplied by conventions


class CatalogMatcher:
    """Finds the catalog exercise a written name means; build once, match many names."""

    def __init__(self, entries: Iterable[CatalogEntry]) -> None:
        self.entries = list(entries)
        self._keys: list[_Key] = []
        self._keys_by_token: dict[str, list[int]] = {}
        # Normalised names and aliases: the text naming one exercise outright is no guess,
        # however close other names score ("Bench Press" beside "Machine Press").
        self._exact: dict[tuple[str, ...], set[int]] = {}
        for index, entry in enumerate(self.entries):
            # A catalog name's parenthetical may be another name for it:
            # "Hyperextensions (Back Extensions)".
            inner = re.findall(r"\(([^)]*)\)", entry.name)
            for text in (entry.name, *entry.aliases, *inner):
                key = _Key.from_text(index, text)
                if key.weights:
                    self._add_key(key)
                    self._exact.setdefault(_plain_key(text), set()).add(index)
        self._vocabulary = list(self._keys_by_token)
        self._names = [entry.name for entry in self.entries]

    @classmethod
    def from_free_exercise_db(cls, path: str | Path) -> CatalogMatcher:
        """A matcher over a free-exercise-db JSON file (a list of objects with a "name")."""
        records = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(CatalogEntry(record["name"]) for record in records)

    def _add_key(self, key: _Key) -> None:
        key_index = len(self._keys)
        self._keys.append(key)
        for token in key.weights:
            self._keys_by_token.setdefault(token, []).append(key_index)

    def match(self, name_as_written: str) -> MatchResult:
        options = _written_alternatives(name_as_written)
        rankings = [self._rank(option) for option in options]
        chosen = rankings[0]
        for ranking in rankings[1:]:
            # "Table or doorframe row": when the first option is poor, a better one wins.
            if ranking and (not chosen or chosen[0].score < MEDIUM_SCORE <= ranking[0].score):
                chosen = ranking
        result = self._result(chosen, [ranking[0] for ranking in rankings if ranking])
        named = self._exact.get(_plain_key(name_as_written), set())
        if len(named) == 1:
            (index,) = named
            exact = self.entries[index].name
            alternatives = [name for name in [result.exercise, *result.alternatives] if name]
            return MatchResult(
                exact,
                CONFIDENCE_HIGH,
                100.0,
                [name for name in dict.fromkeys(alternatives) if name != exact][:MAX_ALTERNATIVES],
            )
        if result.exercise is None:
            # Nothing is good: offer the names that look most alike, for the user to pick from.
            suggestions = self._look_alikes(name_as_written)
            alternatives = list(dict.fromkeys(result.alternatives + suggestions))
            result = replace(result, alternatives=alternatives[:MAX_ALTERNATIVES])
        return result

    def _look_alikes(self, written: str) -> list[str]:
        """Catalog names most similar to the written one as whole strings, best first."""
        found = process.extract(
            written,
            self._names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=MAX_ALTERNATIVES,
        )
        return [name for name, _score, _index in found]

    def _rank(self, written: str) -> list[_Scored]:
        """Catalog entries sharing a word with the written name, best first."""
        tokens = normalise_name(written, written=True)
        if not tokens:
            return []
        weights = _query_weights(tokens)
        similar = self._similar_tokens(tokens)
        query = _Query(weights, sum(weights.values()), similar, _conventions_for(tokens))
        best: dict[int, _Scored] = {}
        scores: list[float] = []  # best score of each entry in best, ascending
        # Branch and bound: a key's score cannot exceed what its coverage alone allows, so keys
        # are scored in order of that bound until none left can enter the ranks that count
        # (the best, the runner-up and the alternatives).
        for bound, key_index in self._coverage_bounds(query):
            ranks = MAX_ALTERNATIVES + 1
            if len(scores) >= ranks and 100 * bound**COVERAGE_EXPONENT < scores[-ranks]:
                break
            key = self._keys[key_index]
            scored = _score(query, key)
            previous = best.get(key.entry)
            if previous is None or scored.score > previous.score:
                if previous is not None:
                    scores.pop(bisect.bisect_left(scores, previous.score))
                bisect.insort(scores, scored.score)
                best[key.entry] = scored
        # Ties go to what the text said: fewer conventional words, then the exact name.
        written_lower = written.strip().lower()
        return sorted(
            best.values(),
            key=lambda scored: (
                -round(scored.score, 6),
                scored.convention_share,
                self.entries[scored.entry].name.lower() != written_lower,
                self.entries[scored.entry].name,
            ),
        )

    def _coverage_bounds(self, query: _Query) -> list[tuple[float, int]]:
        """(upper bound of the coverage, key index) for every key sharing a word, best first."""
        bounds: dict[int, float] = {}
        for token, matches in query.similar.items():
            credit = sum(
                query.weights[written] * similarity for written, similarity in matches.items()
            )
            for key_index in self._keys_by_token[token]:
                bounds[key_index] = bounds.get(key_index, 0.0) + credit
        return sorted(
            ((min(1.0, credit / query.total), key_index) for key_index, credit in bounds.items()),
            reverse=True,
        )

    def _similar_tokens(self, query: tuple[str, ...]) -> dict[str, dict[str, float]]:
        """For each catalog word, how similar it is to each query word that resembles it."""
        similar: dict[str, dict[str, float]] = {}
        for token in query:
            if token in self._keys_by_token:
                similar.setdefault(token, {})[token] = 1.0
            if len(token) < MIN_FUZZY_TOKEN_LENGTH:
                continue
            for candidate, ratio, _index in process.extract(
                token,
                self._vocabulary,
                scorer=fuzz.ratio,
                score_cutoff=TOKEN_SIMILARITY_CUTOFF,
                limit=None,
            ):
                if len(candidate) >= MIN_FUZZY_TOKEN_LENGTH:
                    similarity = similar.setdefault(candidate, {})
                    similarity[token] = max(similarity.get(token, 0.0), ratio / 100)
        return similar

    def _result(self, ranking: list[_Scored], option_bests: list[_Scored]) -> MatchResult:
        if not ranking:
            return MatchResult(None, CONFIDENCE_LOW, 0.0, [])
        best = ranking[0]
        runner_up = ranking[1].score if len(ranking) > 1 else 0.0
        confidence = confidence_level(best.score, best.score - runner_up, best.convention_share)
        others = [scored.entry for scored in option_bests + ranking if scored.entry != best.entry]
        alternatives = [self.entries[index].name for index in dict.fromkeys(others)]
        exercise = self.entries[best.entry].name if best.score >= MIN_GUESS_SCORE else None
        if exercise is None:
            alternatives.insert(0, self.entries[best.entry].name)
        return MatchResult(
            exercise, confidence, round(best.score, 1), alternatives[:MAX_ALTERNATIVES]
        )


def _written_alternatives(name: str) -> list[str]:
    """ "A or B" names: each option, the first one first.

    A bare first word shares the last option's noun: "Table or doorframe row" offers
    "Table row" and "doorframe row".
    """
    options = [part.strip() for part in re.split(r"\s+or\s+", name, flags=re.I) if part.strip()]
    if len(options) < 2:
        return [name]
    last_words = options[-1].split()
    if len(last_words) > 1:
        options = [
            f"{option} {last_words[-1]}" if len(option.split()) == 1 else option
            for option in options
        ]
    return options


def _conventions_for(query: tuple[str, ...]) -> frozenset[str]:
    """Variant words that conventions add to a written name ("squat" -> barbell)."""
    words: set[str] = set()
    present = set(query)
    for key, variant in _CONVENTION_KEYS:
        if key <= present:
            words |= variant
    if present & _EQUIPMENT_WORDS:
        words -= _EQUIPMENT_WORDS  # "Smith squat" names its equipment: no default barbell
    return frozenset(words - present)


def _score(query: _Query, key: _Key) -> _Scored:
    """Score 0-100 from weighted coverage of the query and precision of the catalog name."""
    query_credit: dict[str, float] = {}  # best similarity of each query token to a key token
    key_credit = convention_credit = 0.0
    for token, weight in key.weights.items():
        matches = query.similar.get(token)
        if matches:
            best = 0.0
            for query_token, similarity in matches.items():
                if similarity > query_credit.get(query_token, 0.0):
                    query_credit[query_token] = similarity
                best = max(best, similarity)
            key_credit += weight * best
        elif token in query.conventions:
            key_credit += weight * CONVENTION_CREDIT
            convention_credit += weight
    covered = sum(query.weights[token] * credit for token, credit in query_credit.items())
    coverage = covered / query.total
    precision = key_credit / key.total
    score = 100 * coverage**COVERAGE_EXPONENT * precision**PRECISION_EXPONENT
    return _Scored(key.entry, score, convention_credit / key.total)


def confidence_level(score: float, margin: float, convention_share: float = 0.0) -> str:
    """high, medium or low, from the best score, its lead over the runner-up, and the share of
    the chosen name that conventions supplied rather than the text."""
    if score >= HIGH_SCORE and margin >= HIGH_MARGIN:
        level = CONFIDENCE_HIGH
    elif score >= MEDIUM_SCORE and margin >= MEDIUM_MARGIN:
        level = CONFIDENCE_MEDIUM
    else:
        return CONFIDENCE_LOW
    # Words the text did not say, filled in by convention, make the match a guess.
    if convention_share > MAX_CONVENTION_SHARE_FOR_MEDIUM:
        return CONFIDENCE_LOW
    if convention_share > 0:
        return CONFIDENCE_MEDIUM
    return level
