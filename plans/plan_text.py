"""Parse workout plans pasted as free text into exercises.

People write plans in many shapes: "Bench Press 3x8-12", "3 x 10 Lat Pulldown", "Squat: 5 sets
of 5", "Curls - 3 sets, 10-12 reps, rest 1:00", numbered and bulleted lists, "A1/A2" superset
labels, a name on one line with its sets on the next, logbook lines ("135x12, 185x10"), "3 sets:"
headers over a circuit, and Markdown or plain-text tables.

The parser reads line by line. Each line is scanned for tokens (sets, reps, rest, loads,
intensities, durations); every recognised token is masked out, and what is left is split into
segments, the first name-like one being the exercise name. A small state machine then attaches
scheme-only lines to the name line above them, applies "N sets:" block headers and stand-alone
rest lines to their block, and skips headers ("Day 1", "Push Day", "Week 1"), notes and prose.

Pure Python and deterministic: no Django, no network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

# "20x5" cannot be 20 sets of 5, so a first number above this is a load ("135x12" in a log).
MAX_PLAUSIBLE_SETS = 12
# A rest written without a unit ("30-45 rest") is in minutes up to this value, else seconds.
MAX_UNITLESS_REST_MINUTES = 10
# Sentences longer than this are prose: they only yield an exercise when they state both the
# sets and the reps ("Next came leg press, 5 sets of 10"), never from a stray number.
PROSE_MIN_WORDS = 13
# Exercise names are short; a longer "name" is a sentence.
MAX_NAME_WORDS = 8
# A short parenthetical right after a name describes a variant and stays part of the name
# ("Smith Machine Hacks (wide stance, toes out)"); a longer one is a comment, kept in notes.
MAX_NAME_PARENTHETICAL_WORDS = 6


@dataclass(frozen=True)
class ParsedExercise:
    """One exercise read from a plan; numbers that the text does not give are None."""

    name_as_written: str
    sets: int | None = None
    reps_min: int | None = None
    reps_max: int | None = None
    rest_seconds: int | None = None
    notes: str = ""
    sets_max: int | None = None  # "3-4 sets": sets 3, sets_max 4
    rest_seconds_max: int | None = None  # "rest 2-3 min": rest_seconds 120, max 180
    amrap: bool = False  # reps open-ended on every set ("5+", "AMRAP", "to failure")
    amrap_last_set: bool = False  # "4x5, 1x5+": only the last set is open-ended
    duration_seconds: int | None = None  # timed holds and carries ("3 x 30s plank")
    superset_group: str | None = None
    per_side: bool = False  # "8 reps per leg", "both sides"
    reps_per_set: tuple[int, ...] = ()  # "10, 10, 6, 6 reps", "135x12, 185x10"
    total_reps: int | None = None  # "50 total reps": spread over as many sets as needed


def parse_plan_text(text: str) -> list[ParsedExercise]:
    """Return the exercises of a plan written as free text, in the order they appear."""
    builder = _PlanBuilder()
    for line in _read_lines(text):
        builder.feed(line)
    return builder.finish()


# --------------------------------------------------------------------------------------------
# Text normalisation

_CHARACTER_FIXES = str.maketrans(
    {
        "\u00d7": "x",  # multiplication sign
        "\u2715": "x",
        "\u2716": "x",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
        "\u2026": "...",  # ellipsis, used as dot leaders
        "\u00a0": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2033": '"',  # double prime, as in 1"30
        "\u2032": "'",
    }
)
# Private-use characters stand in for parentheticals kept in a name while the line is scanned,
# and NUL marks where a token was taken out (a character that regular expressions see as
# neither a word nor a space, so no pattern matches across it); both are removed from the text
# first.
_PLACEHOLDER_BASE = 0xE000
_INTERNAL_MARKS = re.compile("[\ue000-\uf8ff\x00]")
_MASK = " \x00 "
_DIGIT = re.compile(r"\d")

# --------------------------------------------------------------------------------------------
# Token patterns. Each recognised token is replaced by _MASK so that later patterns and the
# name extraction never see its numbers.

_LOAD_UNIT = r"(?:lbs?|kgs?|kilos?|pounds?|#)"
# Units of a timed set; a rest may also be in "m" ("2m"), which in a set means metres.
_TIME_UNIT = r"(?:seconds?|secs?|s|minutes?|mins?)\b"
_DURATION_UNIT = r"(?:seconds?|secs?|s|minutes?|mins?|m)\b"
_NUMBER = r"\d+(?:\.\d+)?"
_CLOCK = r"(?P<clock_m>\d{1,2})\s*[:\"']\s*(?P<clock_s>\d{2})(?!\d)"  # 1:30, and the typo 1"30
_AMOUNT = (
    rf"(?<!\w)(?<!\d\.)(?<!x\s)(?P<lo>{_NUMBER})(?:\s*(?:-|to)\s*(?P<hi>{_NUMBER}))?"
    rf"(?:\s*-?\s*(?P<unit>{_DURATION_UNIT}))?(?!\s*(?:x\b|%|{_LOAD_UNIT}))"
)
_DURATION = rf"(?:{_CLOCK}|{_AMOUNT})"

_REST_NONE = re.compile(r"\bno\s+rest\b", re.I)
_REST_PATTERNS = (
    re.compile(
        rf"\brest(?:ing)?\b(?:\s+(?:time|period))?\s*(?:of|for|is|:|=|-|~)?\s*"
        rf"(?:about\s+|approx\.?\s*|~\s*)?{_DURATION}",
        re.I,
    ),
    re.compile(rf"{_DURATION}\s*(?:of\s+)?(?:rest|recovery|break)\b", re.I),
    re.compile(rf"{_DURATION}\s+(?:between|b/w|btw)\s+(?:each\s+)?(?:sets?|rounds?)\b", re.I),
)

_TEMPO = re.compile(r"(?:@\s*|\btempo\s*:?\s*)\d[\dx]{3}\b", re.I)
# Intensity: "65% int", "@ 80% 1RM", "RPE7", "6 RPE", "2 RIR" (a leading "@" or "at" is left
# for the name extraction to drop).
_INTENSITY = re.compile(
    r"(?<!\w)(?<!\d\.)\d+(?:\.\d+)?\s*%"
    r"(?:\s*(?:int(?:ensity)?|1\s*rm|tm|of\s+(?:1\s*rm|max|tm|training\s+max))\b)?"
    r"|\brpe\s*\d+(?:\.\d+)?|\b\d+(?:\.\d+)?\s*rpe\b|\b\d\s*rir\b|\brir\s*\d\b",
    re.I,
)
# Logbook notation: load x reps [x reps ...], e.g. "135X12X12", "50lbs x 12", "270lb x 10, 10".
_LOG_ITEM = re.compile(
    rf"(?<!\w)(?<!\d\.)(?P<load>{_NUMBER})\s*(?P<unit>{_LOAD_UNIT})?\s*x\s*"
    rf"(?P<reps>\d{{1,3}}(?:\s*x\s*\d{{1,3}})*)(?!\d|\.\d)(?:\s*reps?\b)?"
    rf"(?P<more>(?:\s*,\s*\d{{1,3}}(?!\d|\.\d|\s*(?:{_LOAD_UNIT}|x)))*)",
    re.I,
)
_LOAD = re.compile(
    rf"@\s*{_NUMBER}(?:\s*{_LOAD_UNIT}(?![a-z]))?"
    rf"|(?<!\w)(?<!\d\.){_NUMBER}\s*{_LOAD_UNIT}(?![a-z])"
    r"|\b\d+\s*plates?(?:\s+(?:a|per|each)\s+side)?\b",
    re.I,
)
_LEADING_LOAD = re.compile(rf"^\s*(?:@\s*)?{_NUMBER}\s*{_LOAD_UNIT}(?![a-z])", re.I)
_TOTAL_REPS = re.compile(
    r"\b(?P<n>\d{1,4})\s*total\s*reps?\b|\btotal\s*(?:of\s*)?(?P<n2>\d{1,4})\s*reps?\b", re.I
)

_SETS_COUNT = r"(?P<sets>\d{1,2})(?:\s*(?:-|to)\s*(?P<sets_hi>\d{1,2}))?"
_REP_RANGE = r"\d{1,3}(?:\s*(?:-|to)\s*\d{1,3}(?!\s*-\s*\d))?\+?"
# Per-set reps: "10, 10, 6, 6", "5/3/1", drop sets "8/10 8/10 8/10"; an item followed by "x"
# starts the next "sets x reps" group instead ("4x5, 1x5+").
_REP_LIST = r"\d{1,3}\+?(?:(?:\s*[,/]\s*|\s+(?=\d{1,3}\s*/))\d{1,3}(?!\d|\.\d|\s*x\s*\d)\+?)+"
_AMRAP = (
    r"(?<!sub\s)(?<!sub-)(?:amrap|a\.m\.r\.a\.p\.?|max(?:imum)?(?:\s+reps?)?"
    r"|(?:reps?\s+)?to\s+failure|failure|as\s+many\s+(?:reps\s+)?as\s+possible)\b"
)
_DISTANCE_UNIT = r"(?:m|meters?|metres?|yds?|yards?|km|miles?|ft|feet)\b"
_REP_SPEC = (
    rf"(?P<amrap>{_AMRAP}|f\b)"  # "3xF": to failure
    rf"|(?P<dist>{_NUMBER}\s*{_DISTANCE_UNIT})"  # carries and sprints: "3 x 40m"
    rf"|(?P<dur>\d{{1,3}})\s*-?\s*(?P<dur_unit>{_TIME_UNIT})"
    rf"|(?P<reps>{_REP_LIST}|{_REP_RANGE})(?!\d|\.\d|\s*(?:{_LOAD_UNIT}|%))"
)
_REPS_WORD = r"(?:reps?|rps|repetitions|steps)\b"
_REPS_WORD_ANYWHERE = re.compile(rf"\b{_REPS_WORD}", re.I)
_PER_SIDE = r"(?:per|each|a)\s+(?:leg|side|arm)\b"

# "5x2-1-3": a complex of several movements (2 reps, 1 rep, 3 reps), not a rep range.
_COMPLEX = re.compile(
    r"(?<!\w)(?<!\d\.)(?P<sets>\d{1,2})\s*x\s*(?P<complex>\d{1,2}(?:\s*-\s*\d{1,2}){2,})(?![\w.])",
    re.I,
)
_SETS_X_REPS = re.compile(
    rf"(?<!\w)(?<!\d\.){_SETS_COUNT}\s*x\s*(?:{_REP_SPEC})(?:\s*{_REPS_WORD})?", re.I
)
# Between two "sets x reps" groups of one exercise ("4x5, 1x5+", "2x5 + 1x5+").
_GROUP_JOINER = re.compile(r"\s*(?:,|;|\+|&|and|then)?\s*", re.I)
_SETS = re.compile(
    rf"(?<!\w)(?<!\d\.){_SETS_COUNT}\s*"
    r"(?:(?:drop|working|work|straight|hard|top|total|giant|super)\s*-?\s*)?"
    rf"(?:sets?|rounds?)\b(?P<side>\s+{_PER_SIDE})?"
    rf"(?:(?:\s*(?:of|x|,|:|-)\s*|\s+)(?:{_REP_SPEC})(?:\s*{_REPS_WORD})?)?",
    re.I,
)
_REPS = re.compile(
    rf"(?<![\w/])(?<!\d\.)(?P<reps>{_REP_LIST}|{_REP_RANGE})\s*-?\s*{_REPS_WORD}"
    rf"(?P<side>\s+{_PER_SIDE})?(?:\s+(?:per|each|a)\s+set\b)?",
    re.I,
)
_X_REPS = re.compile(rf"(?<!\w)x\s*(?:{_REP_SPEC})(?:\s*{_REPS_WORD})?", re.I)
_AMRAP_ALONE = re.compile(rf"\b{_AMRAP}", re.I)
_SLASH_LIST = re.compile(r"(?<![\w/])(?<!\d\.)\d{1,2}(?:\s*/\s*\d{1,2}){2,}(?![\w./])")
_SIDE_WORDS = re.compile(rf"\b{_PER_SIDE}|\bboth\s+sides\b|\beach\s+way\b", re.I)
_LEADING_DURATION = re.compile(
    rf"^\s*(?P<dur>\d{{1,3}})\s*-?\s*(?P<dur_unit>{_TIME_UNIT})\s+(?=[a-z])", re.I
)
# "10 pull ups": a count before a name is reps.
_LEADING_REPS = re.compile(r"^\s*(?P<reps>\d{1,3})\s+(?=[a-z])", re.I)
_DURATION_ALONE = re.compile(
    rf"(?<!\w)(?<!\d\.)(?P<dur>\d{{1,3}})\s*-?\s*(?P<dur_unit>{_TIME_UNIT})", re.I
)


def _hint(*words: str) -> re.Pattern[str]:
    """A cheap test for words without which a costlier pattern cannot match."""
    return re.compile("|".join(re.escape(word) for word in words))


_REST_HINT = _hint("rest", "recovery", "break", "between", "b/w", "btw")
_X_HINT = _hint("x")
# The scanning order of _LineScanner: (hint or None, pattern, handler method). A None pattern
# means the handler scans by itself. Earlier tokens are masked before later patterns run, so
# "2:00 rest" is never read as reps, and loads never as sets.
_NUMERIC_STEPS = (
    (_hint("@", "tempo"), _TEMPO, "_note"),
    (_hint("%", "rpe", "rir"), _INTENSITY, "_note"),
    *((_REST_HINT, pattern, "_rest") for pattern in _REST_PATTERNS),
    (_X_HINT, None, "_take_log_items"),
    (_hint("@", "lb", "kg", "kilo", "pound", "#", "plate"), _LOAD, "_note"),
    (_hint("total"), _TOTAL_REPS, "_total_reps"),
    (_X_HINT, _COMPLEX, "_complex"),
    (_X_HINT, None, "_take_sets_x_reps"),
    (_hint("set", "round"), _SETS, "_sets"),
    (_hint("rep", "rps", "step"), _REPS, "_reps"),
    (_X_HINT, _X_REPS, "_x_reps"),
    (_hint("/"), _SLASH_LIST, "_slash_list"),
    (None, _LEADING_DURATION, "_duration"),
    (None, None, "_take_leading_reps"),
    (None, None, "_take_lone_duration"),
)
_WORD_STEPS = (
    (_hint("no rest"), _REST_NONE, "_no_rest"),
    (_hint("amrap", "max", "fail", "many", "a.m.r.a.p"), _AMRAP_ALONE, "_amrap"),
    (_hint("leg", "side", "arm", "way"), _SIDE_WORDS, "_per_side"),
)

# --------------------------------------------------------------------------------------------
# Line-level patterns

_LABEL = re.compile(
    r"^\s*(?:[-*+>/\u2022\u25aa\u25e6\u2023\u00b7\u25cf\u25cb]+\s*)*"  # bullets
    r"(?:(?P<letter>[A-Z])(?P<number>\d{1,2})\s*[.):]?\s+"  # A1. / B2)
    r"|[A-Za-z][.)]\s+"  # A. / b)
    r"|\d{1,2}[.)]\s+(?!\d))?"  # 1. / 2)
)
_MARKDOWN_HEADER = re.compile(r"^\s*#{1,6}\s")
_SEPARATOR_LINE = re.compile(r"^\s*(?:[-=*_~\u2022]\s*)+$")
_NOTES_LINE = re.compile(r"^\s*\**\s*(?:notes?|tips?|comments?|n\.?b\.?)\s*\**\s*:", re.I)
_HEADER = re.compile(
    r"\b(?:day|week|wk|workout|session|phase|stage|tier|block|wave|cycle|month)\s*#?\s*"
    r"(?:\d+|[a-e]|[ivx]+)\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|\b(?:workout|routine|program|programme)\b"
    r"|\b(?:push|pull|legs?|upper|lower|chest|back|arms?|shoulders?|full[- ]body|rest|core|"
    r"cardio|conditioning|accessory|heavy|light|volume|power|hypertrophy|strength)\s+day\b",
    re.I,
)
# Words without which _HEADER cannot match (a cheap test before the costly pattern).
_HEADER_HINT = re.compile(
    r"day|week|wk|workout|session|phase|stage|tier|block|wave|cycle|month|routine|program", re.I
)
# A heading before a colon, with the exercises after it: "Mon: Squat 5x5", "Push: Bench 4x8".
_HEADING_PREFIX = re.compile(r"^\s*(?P<heading>[^:]{1,40}?)\s*:\s+(?=\S)")
_FOCUS_WORD = (
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?|push|pull|legs?|upper|lower|chest|"
    r"back|arms?|shoulders?|full[- ]body|core|abs|conditioning|accessor(?:y|ies)|"
    r"biceps?|triceps?|glutes?|hamstrings?|quads?|calves"
)
_DAY_OR_FOCUS = re.compile(rf"{_FOCUS_WORD}(?:\s*(?:/|&|\+|,|and)\s*{_FOCUS_WORD})*", re.I)
_GROUP_WORD = r"(?:super\s*-?\s*set|giant\s*set|tri\s*-?\s*set|circuit)"
_SUPERSET_MARKER = re.compile(rf"^{_GROUP_WORD}s?\s*\w?$", re.I)
# "Superset: Curls 3x12 + Pushdowns 3x12": the marker opens the line.
_SUPERSET_PREFIX = re.compile(rf"^\s*{_GROUP_WORD}\s*\w?\s*[:-]\s*(?=\S)", re.I)
_PAIR_JOIN = re.compile(r"\s+[+&]\s+|,?\s+(?:and\s+)?then\s+", re.I)
_LIST_JOIN = re.compile(r"\s*[,;]\s*")
# "Machine Rows Superset w/ Machine Pulldowns": one line, two exercises done back to back.
_SUPERSET_JOIN = re.compile(r"\s+(?:super\s*-?\s*set(?:ted)?|ss)\s+(?:w/|with)\s*", re.I)
_SENTENCE_END = re.compile(r"(?<=[a-z)\]][.!?])\s+(?=[A-Z])|(?<=\d[.!?])\s+(?=[A-Z][a-z])")
# "Deadlifts 1x5+/Barbell rows 4x5": a slash after a scheme starts another exercise.
_ALTERNATION = re.compile(r"(?<=[\d+])\s*/\s*(?=[A-Za-z][\w'-]*\s+[A-Za-z0-9])")
_TABLE_SPLIT = re.compile(r"\t+|\s{2,}")
# A table header has cells (pipes, tabs or wide gaps) and names a sets or reps column.
_TABLE_HEADER_HINT = re.compile(r"^(?=.*(?:\||\t|\S\s{2,}\S))(?=.*\b(?:sets?|reps?)\b)", re.I)
_SEGMENT_SPLIT = re.compile(
    r"\x00|[,;:|@\[\]]|\s+x\s+|\s+-+\s+|\s+-+$|^-+\s+|\.{2,}|\s/\s|\.(?=\s|$)"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'/-]*|\d+")
_LETTER = re.compile(r"[A-Za-z]")
_LETTERS = re.compile(r"[A-Za-z]{2}")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Connecting words trimmed from the ends of a name segment ("x", "of", "on leg extensions").
_EDGE_WORDS = _word_set("x of and at with on to for or then a an + & - w/ per each")
# Words that carry no name of their own; a segment made only of them is not an exercise name.
_FILLER_WORDS = _EDGE_WORDS | _word_set(
    "reps rep rps sets set rest between int intensity total side sides leg legs arm arms sec "
    "secs seconds min mins minutes lb lbs kg kgs working work drop range done all sub max "
    "maximum plus approx about were was top weight load"
)
# Words that only open a name in prose: "First up were squats", "Next came leg press".
_LEAD_IN_WORDS = _word_set(
    "first up next came then finally followed by to finish finished did do and on of with were "
    "was started start moved a an some"
)
# Pronouns and verbs that exercise names never contain: their presence marks a sentence.
_PROSE_WORDS = _word_set(
    "i i'm i've my me we our you your he she they them was were is are been had has have it "
    "it's its that's this these those because which would should could will can did does "
    "don't didn't when while if but so than there here what why how just really very felt "
    "feel"
)
# Warm-ups, cool-downs and general activity ("5 minutes cardio/stretching") are not exercises
# of the plan; a named stretch ("Cat Stretch") is.
_WARM_UP = re.compile(
    r"\b(?:warm[\s-]?ups?|cool[\s-]?downs?|cardio|stretching|mobility|foam\s+rolling)\b"
    r"|^stretch(?:es)?$",
    re.I,
)


# --------------------------------------------------------------------------------------------
# Scheme: what one line says about sets, reps and rest


@dataclass
class _Scheme:
    sets: int | None = None
    sets_max: int | None = None
    reps_min: int | None = None
    reps_max: int | None = None
    reps_open: bool = False  # "5+": at least 5
    reps_per_set: list[int] = field(default_factory=list)
    per_set_count: int | None = None  # sets implied by a per-set list ("5/3/1" is 3 sets)
    logged_sets: list[int] = field(default_factory=list)  # reps of each logged set
    amrap: bool = False
    amrap_last_set: bool = False
    rest: int | None = None
    rest_max: int | None = None
    duration: int | None = None
    total_reps: int | None = None
    per_side: bool = False
    complex_name: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_reps(self) -> bool:
        return self.reps_min is not None or bool(self.reps_per_set or self.logged_sets)

    @property
    def has_volume(self) -> bool:
        """Whether the line says how much work to do, not only how long to rest."""
        return (
            self.sets is not None
            or self.has_reps
            or self.amrap
            or self.duration is not None
            or self.total_reps is not None
            or self.complex_name is not None
        )

    def absorb(self, other: _Scheme) -> None:
        """Add a continuation line's scheme: logged sets accumulate, other fields fill gaps."""
        self.logged_sets.extend(other.logged_sets)
        for name in (
            "sets",
            "sets_max",
            "reps_min",
            "reps_max",
            "per_set_count",
            "rest",
            "rest_max",
            "duration",
            "total_reps",
        ):
            if getattr(self, name) is None:
                setattr(self, name, getattr(other, name))
        if not self.reps_per_set:
            self.reps_per_set = list(other.reps_per_set)
        self.reps_open = self.reps_open or other.reps_open
        self.amrap = self.amrap or other.amrap
        self.amrap_last_set = self.amrap_last_set or other.amrap_last_set
        self.per_side = self.per_side or other.per_side
        self.notes.extend(other.notes)


def _ints(text: str) -> list[int]:
    return [int(number) for number in re.findall(r"\d+", text)]


def _apply_rep_spec(scheme: _Scheme, match: re.Match[str]) -> None:
    """Record the reps named by a _REP_SPEC match: AMRAP, a timed hold, a range or a list."""
    if match.group("amrap"):
        scheme.amrap = True
    elif match.group("dist"):
        scheme.notes.append(match.group("dist"))
    elif match.group("dur"):
        scheme.duration = _seconds(float(match.group("dur")), match.group("dur_unit"))
    elif match.group("reps"):
        _apply_reps(scheme, match.group("reps"))


def _apply_reps(scheme: _Scheme, text: str) -> None:
    if scheme.has_reps:
        return
    if re.search(r"\d\s*[,/]\s*\d|\d\s+\d", text):
        _apply_rep_list(scheme, text)
        return
    numbers = _ints(text)
    scheme.reps_min = numbers[0]
    scheme.reps_max = numbers[-1] if len(numbers) > 1 else numbers[0]
    if text.rstrip().endswith("+"):
        scheme.reps_open = True
        scheme.reps_max = None
        scheme.amrap = True


def _apply_rep_list(scheme: _Scheme, text: str) -> None:
    """Per-set reps: "10, 10, 6, 6" is four sets; drop sets "8/10 8/10 8/10" are three."""
    scheme.reps_per_set = _ints(text)
    groups = [group for group in re.split(r"[\s,]+", text.strip()) if group]
    scheme.per_set_count = len(groups) if len(groups) > 1 else len(scheme.reps_per_set)


def _seconds(amount: float, unit: str | None) -> int:
    if unit and unit.lower().startswith("m"):
        return round(amount * 60)
    return round(amount)


def _duration_range(match: re.Match[str]) -> tuple[int, int | None]:
    """Seconds (and upper bound) of a _DURATION match; bare numbers are rest-style guesses."""
    if match.group("clock_m") is not None:
        return int(match.group("clock_m")) * 60 + int(match.group("clock_s")), None
    low, high, unit = float(match.group("lo")), match.group("hi"), match.group("unit")
    if unit is None:
        unit = "min" if low <= MAX_UNITLESS_REST_MINUTES else "s"
    if high is None or float(high) <= low:
        return _seconds(low, unit), None
    return _seconds(low, unit), _seconds(float(high), unit)


# --------------------------------------------------------------------------------------------
# Reading one line


@dataclass
class _Line:
    """One line (or sentence) of the plan, read."""

    kind: str  # "line", "blank", "header" or "notes"
    scheme: _Scheme = field(default_factory=_Scheme)
    name: str | None = None
    label: str | None = None  # "A" of an "A1." superset label
    is_header: bool = False  # "Day 1", "Push Day", "Workout A"
    is_superset_marker: bool = False  # "Superset" alone on its line
    ends_with_colon: bool = False  # "Incline Press:", "3 sets:"
    starts_with_load: bool = False  # "135 lbs, 4 sets x 8": completes the name above it
    is_prose: bool = False  # a long sentence that does not state both sets and reps
    is_sentence: bool = False  # ends like one: not a name waiting for its scheme
    is_commentary: bool = False  # speaks of the writer ("I also do dips ..."): not a plan line


def _scan(text: str, pattern: re.Pattern[str], handle: Callable[[re.Match[str]], bool]) -> str:
    """Mask every match of pattern that handle accepts (handle returns False to keep it)."""

    def replacement(match: re.Match[str]) -> str:
        return _MASK if handle(match) is not False else match.group(0)

    return pattern.sub(replacement, text)


class _LineScanner:
    """Finds the tokens of one line, masking each, and keeps the rest for the name."""

    def __init__(self, text: str) -> None:
        self.scheme = _Scheme()
        self.kept_parentheticals: list[str] = []
        self.text = self._take_parentheticals(text)

    def run(self) -> None:
        lowered = self.text.lower()
        # Most patterns need a digit; once the digits are all masked, the rest are skipped.
        for hint, pattern, handler_name in _NUMERIC_STEPS:
            if not _DIGIT.search(self.text):
                break
            if hint is not None and not hint.search(lowered):
                continue
            handler = getattr(self, handler_name)
            if pattern is None:
                handler()
            else:
                self._take(pattern, handler)
        for hint, pattern, handler_name in _WORD_STEPS:
            if hint.search(lowered):
                self._take(pattern, getattr(self, handler_name))

    def _take(self, pattern: re.Pattern[str], handle: Callable[[re.Match[str]], bool]) -> None:
        self.text = _scan(self.text, pattern, handle)

    def _take_leading_reps(self) -> None:
        if not self.scheme.has_reps:
            self._take(_LEADING_REPS, self._leading_reps)

    def _take_lone_duration(self) -> None:
        """A time with no reps is a hold or a timed set ("Plank: 60 seconds")."""
        if not self.scheme.has_reps and self.scheme.duration is None:
            self._take(_DURATION_ALONE, self._duration)

    # Parentheticals ------------------------------------------------------------------------

    def _take_parentheticals(self, text: str) -> str:
        return re.sub(r"\(([^()]*)\)", self._parenthetical, text)

    def _parenthetical(self, match: re.Match[str]) -> str:
        inner = match.group(1)
        if _SETS_X_REPS.search(inner) or _SETS.search(inner):
            return f" {inner} "  # "Squat (3x5)": the scheme itself, in brackets
        if self._rest_in(inner):
            return _MASK  # "(90s rest)"
        if _SIDE_WORDS.search(inner):
            self.scheme.per_side = True
        words = inner.split()
        if len(words) <= MAX_NAME_PARENTHETICAL_WORDS and not _REPS_WORD_ANYWHERE.search(inner):
            self.kept_parentheticals.append(match.group(0))
            return chr(_PLACEHOLDER_BASE + len(self.kept_parentheticals) - 1)
        self.scheme.notes.append(inner.strip())
        return _MASK

    def _rest_in(self, text: str) -> bool:
        """Record the rest that text gives, if any; whether it gave one."""
        for pattern in _REST_PATTERNS:
            match = pattern.search(text)
            if match:
                self._rest(match)
                return True
        return False

    def restore_parentheticals(self, text: str) -> str:
        for index, original in enumerate(self.kept_parentheticals):
            text = text.replace(chr(_PLACEHOLDER_BASE + index), original)
        return text

    # Token handlers ------------------------------------------------------------------------

    def _note(self, match: re.Match[str]) -> bool:
        self.scheme.notes.append(match.group(0).strip())
        return True

    def _no_rest(self, match: re.Match[str]) -> bool:
        if self.scheme.rest is None:
            self.scheme.rest = 0
        return True

    def _rest(self, match: re.Match[str]) -> bool:
        if self.scheme.rest is None:
            self.scheme.rest, self.scheme.rest_max = _duration_range(match)
        return True

    def _take_log_items(self) -> None:
        """Logbook sets: ',' separates sets, ';' separates drops within one set."""
        items: list[tuple[int, int, list[int]]] = []

        def collect(match: re.Match[str]) -> bool:
            load = match.group("load")
            if not (match.group("unit") or "." in load or float(load) > MAX_PLAUSIBLE_SETS):
                return False
            reps = _ints(match.group("reps")) + _ints(match.group("more"))
            items.append((match.start(), match.end(), reps))
            self.scheme.notes.append(match.group(0).strip())
            return True

        original = self.text
        self.text = _scan(self.text, _LOG_ITEM, collect)
        for index, (start, _end, reps) in enumerate(items):
            between = original[items[index - 1][1] : start] if index else ""
            if index and ";" in between and "," not in between:
                self.scheme.logged_sets[-1] += sum(reps)  # a drop: same set, more reps
            else:
                self.scheme.logged_sets.extend(reps)

    def _total_reps(self, match: re.Match[str]) -> bool:
        self.scheme.total_reps = int(match.group("n") or match.group("n2"))
        return True

    def _complex(self, match: re.Match[str]) -> bool:
        self.scheme.sets = int(match.group("sets"))
        self.scheme.complex_name = re.sub(r"\s+", "", match.group("complex"))
        return True

    def _take_sets_x_reps(self) -> None:
        """One or more "sets x reps" groups; adjacent groups add up ("4x5, 1x5+" is 5 sets)."""
        groups = list(_SETS_X_REPS.finditer(self.text))
        if not groups:
            return
        chain = [groups[0]]
        for group in groups[1:]:
            joiner = self.text[chain[-1].end() : group.start()]
            if not _GROUP_JOINER.fullmatch(joiner):
                break
            chain.append(group)
        self._record_groups(chain)
        start, end = chain[0].start(), chain[-1].end()
        self.text = self.text[:start] + _MASK + self.text[end:]

    def _record_groups(self, chain: list[re.Match[str]]) -> None:
        first = chain[0]
        if self.scheme.sets is None:
            self.scheme.sets = sum(int(group.group("sets")) for group in chain)
            if first.group("sets_hi") and len(chain) == 1:
                self.scheme.sets_max = int(first.group("sets_hi"))
                self.scheme.notes.append(f"{first.group('sets')}-{first.group('sets_hi')} sets")
        if len(chain) == 1:
            _apply_rep_spec(self.scheme, first)
            return
        # Several groups: the reps of the fixed groups bound the range; an open last group
        # ("1x5+", "1xAMRAP") marks the last set as AMRAP without widening the range.
        counted = [group for group in chain if group.group("reps")]
        if not counted:
            _apply_rep_spec(self.scheme, first)
            return
        fixed = [group for group in counted if not group.group("reps").endswith("+")]
        self.scheme.reps_min = min(min(_ints(group.group("reps"))) for group in counted)
        if fixed:
            self.scheme.reps_max = max(max(_ints(group.group("reps"))) for group in fixed)
        else:
            self.scheme.amrap = True
        self.scheme.amrap_last_set = bool(fixed) and len(fixed) < len(chain)

    def _sets(self, match: re.Match[str]) -> bool:
        if self.scheme.sets is None:
            self.scheme.sets = int(match.group("sets"))
            if match.group("sets_hi"):
                self.scheme.sets_max = int(match.group("sets_hi"))
                self.scheme.notes.append(f"{match.group('sets')}-{match.group('sets_hi')} sets")
        if match.group("side"):
            self.scheme.per_side = True
        _apply_rep_spec(self.scheme, match)
        return True

    def _reps(self, match: re.Match[str]) -> bool:
        _apply_reps(self.scheme, match.group("reps"))
        if match.group("side"):
            self.scheme.per_side = True
        return True

    def _x_reps(self, match: re.Match[str]) -> bool:
        _apply_rep_spec(self.scheme, match)
        return True

    def _amrap(self, match: re.Match[str]) -> bool:
        self.scheme.amrap = True
        return True

    def _slash_list(self, match: re.Match[str]) -> bool:
        if not self.scheme.has_reps:
            _apply_rep_list(self.scheme, match.group(0))
        return True

    def _per_side(self, match: re.Match[str]) -> bool:
        self.scheme.per_side = True
        return True

    def _duration(self, match: re.Match[str]) -> bool:
        if self.scheme.duration is None:
            self.scheme.duration = _seconds(float(match.group("dur")), match.group("dur_unit"))
        return True

    def _leading_reps(self, match: re.Match[str]) -> bool:
        _apply_reps(self.scheme, match.group("reps"))
        return True


def _parse_line(text: str) -> _Line:
    label_match = _LABEL.match(text)
    label = label_match.group("letter") if label_match.group("number") else None
    body = text[label_match.end() :].strip().rstrip("*").strip()
    scanner = _LineScanner(body)
    scanner.run()
    leftover = scanner.text
    words = _WORD.findall(_INTERNAL_MARKS.sub(" ", leftover))
    line = _Line(
        kind="line",
        scheme=scanner.scheme,
        label=label,
        ends_with_colon=body.endswith(":"),
        starts_with_load=bool(_LEADING_LOAD.match(body)),
        is_sentence=body.endswith((".", "!", "?")),
    )
    remainder = " ".join(words)
    line.is_header = bool(_HEADER_HINT.search(remainder) and _HEADER.search(remainder))
    line.is_superset_marker = bool(_SUPERSET_MARKER.match(body.strip(" :-")))
    long_sentence = len(body.split()) >= PROSE_MIN_WORDS
    states_both = bool(scanner.scheme.sets and scanner.scheme.has_reps)
    line.is_prose = long_sentence and not (states_both or scanner.scheme.logged_sets)
    line.is_commentary = _has_prose_words(leftover)
    # In a sentence the exercise opens it ("Next came leg press, ..."); a name-like phrase
    # further on ("... and then add weight") is commentary.
    name, other_segments = _split_name(leftover, first_only=long_sentence)
    if name is not None:
        line.name = scanner.restore_parentheticals(name).strip()
    scanner.scheme.notes.extend(
        scanner.restore_parentheticals(segment) for segment in other_segments
    )
    if name is None and scanner.scheme.complex_name:
        line.name = scanner.scheme.complex_name
    return line


def _split_name(leftover: str, first_only: bool) -> tuple[str | None, list[str]]:
    """The first name-like segment of what the tokens left, and the other segments (notes).

    With first_only, only the first segment with words may be the name.
    """
    name = None
    others = []
    searching = True
    for segment in _SEGMENT_SPLIT.split(leftover):
        cleaned = _clean_segment(segment)
        if not _LETTER.search(cleaned):
            continue
        if searching and _is_name(cleaned):
            name, searching = cleaned, False
        elif _LETTERS.search(cleaned):
            others.append(cleaned)
        # Past a sentence's first phrase, or past "I also do dips", names are commentary.
        searching = searching and not first_only and not _has_prose_words(cleaned)
    return name, others


def _clean_segment(segment: str) -> str:
    words = segment.replace("\x00", " ").split()
    while len(words) > 1 and words[0].lower().strip(".*") in _EDGE_WORDS | _LEAD_IN_WORDS:
        words.pop(0)
    while words and words[-1].lower().strip(".*") in _EDGE_WORDS:
        words.pop()
    return " ".join(words).strip(" .*-'\"")


def _words(segment: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(_INTERNAL_MARKS.sub(" ", segment))]


def _is_name(segment: str) -> bool:
    words = _words(segment)
    letters = [word for word in words if word[0].isalpha()]
    if not letters or all(word in _FILLER_WORDS for word in letters):
        return False
    return len(words) <= MAX_NAME_WORDS and not _has_prose_words(segment)


def _has_prose_words(segment: str) -> bool:
    """Pronouns and verbs mark a sentence about the writer, not an exercise name."""
    return any(word in _PROSE_WORDS for word in _words(segment))


# --------------------------------------------------------------------------------------------
# Splitting the text into lines, with tables turned into rows


def _read_lines(text: str) -> Iterator[_Line]:
    raw_lines = _INTERNAL_MARKS.sub("", text.translate(_CHARACTER_FIXES)).splitlines()
    index = 0
    while index < len(raw_lines):
        table_rows, index_after = _read_table(raw_lines, index)
        if table_rows is not None:
            yield from table_rows
            index = index_after
            continue
        yield from _classify_raw_line(raw_lines[index])
        index += 1


def _classify_raw_line(raw: str) -> Iterator[_Line]:
    if not raw.strip() or _SEPARATOR_LINE.match(raw):
        yield _Line(kind="blank")
    elif _MARKDOWN_HEADER.match(raw):
        yield _Line(kind="header")
    elif _NOTES_LINE.match(raw):
        yield _Line(kind="notes", scheme=_parse_line(raw).scheme)
    else:
        label_match = _LABEL.match(raw)
        prefix, body = raw[: label_match.end()], raw[label_match.end() :]
        heading = _HEADING_PREFIX.match(body)
        if heading and _is_heading(heading.group("heading")):
            yield _Line(kind="header")  # "Mon: Squat 5x5, ..." or "Chest/Triceps: ..."
            prefix, body = "", body[heading.end() :]
        marker = _SUPERSET_PREFIX.match(body)
        if marker:
            yield _Line(kind="line", is_superset_marker=True)
            prefix, body = "", body[marker.end() :]
        parts = [
            part
            for sentence in _SENTENCE_END.split(body)
            for alternative in _ALTERNATION.split(sentence)
            for part in _split_pairs(alternative)
        ]
        yield _parse_line(prefix + parts[0])
        for part in parts[1:]:
            yield _parse_line(part)


def _is_heading(text: str) -> bool:
    return bool(_HEADER.search(text) or _DAY_OR_FOCUS.fullmatch(text.strip()))


def _split_pairs(text: str) -> list[str]:
    """Several exercises on one line, each with its own scheme.

    "Curls 3x12 + Pushdowns 3x12", "bench press, 4 sets of 8, then pull-ups for 3 sets of 10",
    "Squat 5x5, Leg press 3x10, Calf raises 4x15". A part without a name of its own ("4x5,
    1x5+") or without sets ("Curls - 3 sets, 10-12 reps") keeps the line whole.
    """
    if len(_SETS_X_REPS.findall(text)) + len(_SETS.findall(text)) < 2:
        return [text]
    for joiner in (_PAIR_JOIN, _LIST_JOIN):
        parts = joiner.split(text)
        if len(parts) > 1 and all(_is_complete_exercise(part) for part in parts):
            return parts
    return [text]


def _is_complete_exercise(text: str) -> bool:
    line = _parse_line(text)
    return bool(line.name and line.scheme.sets and not line.is_prose)


# Column roles of a table header, best name column first.
_NAME_HEADERS = (r"\bexercises?\b", r"\blifts?\b", r"\bmovements?\b(?!\s*pattern)", r"\bname\b")


def _column_roles(cells: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        header = cell.lower()
        if re.search(r"\brest\b", header):
            roles.setdefault("rest", index)
        elif re.search(r"\bsets?\b", header) and re.search(r"\breps?\b", header):
            roles.setdefault("scheme", index)
        elif re.search(r"\b(?:sets?|rounds?)\b", header):
            roles.setdefault("sets", index)
        elif re.search(r"\b(?:reps?|repetitions|time|duration)\b", header):
            roles.setdefault("reps", index)
    for pattern in _NAME_HEADERS:
        for index, cell in enumerate(cells):
            if "name" not in roles and re.search(pattern, cell, re.I):
                roles["name"] = index
    return roles


def _table_cells(line: str, pipe: bool) -> list[str]:
    if pipe:
        return [cell.strip() for cell in line.strip().strip("|").split("|")]
    return [cell.strip() for cell in _TABLE_SPLIT.split(line.strip())]


def _read_table(lines: list[str], start: int) -> tuple[list[_Line] | None, int]:
    """A Markdown or plain-text table starting at lines[start]: (rows, index after it)."""
    if not _TABLE_HEADER_HINT.search(lines[start]):
        return None, start
    pipe = lines[start].count("|") >= 2
    header = _table_cells(lines[start], pipe)
    roles = _column_roles(header)
    if len(header) < 2 or "name" not in roles or not {"sets", "reps", "scheme"} & set(roles):
        return None, start
    rows = []
    index = start + 1
    while index < len(lines) and lines[index].strip():
        if pipe and lines[index].count("|") < 2:
            break
        cells = _table_cells(lines[index], pipe)
        if len(cells) < 2:
            break
        if not re.fullmatch(r"[\s|:-]*", lines[index]):  # skip the |---|---| rule
            rows.append(_table_row(cells, roles))
        index += 1
    return rows, index


def _cell(cells: list[str], roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    return cells[index].strip("* ") if index is not None and index < len(cells) else ""


def _table_row(cells: list[str], roles: dict[str, int]) -> _Line:
    """Turn a table row into a line: the name cell as the name, the rest as a scheme."""
    sets, reps, rest = (_cell(cells, roles, role) for role in ("sets", "reps", "rest"))
    if reps and not re.search(r"[A-Za-z]", reps):
        reps = f"{reps} reps"  # a bare number; a cell like "30 sec" or "AMRAP" says what it is
    parts = [_cell(cells, roles, "scheme")]
    if sets:
        parts.append(f"{sets} sets of {reps}" if reps else f"{sets} sets")
    elif reps:
        parts.append(reps)
    if rest:
        parts.append(rest if "rest" in rest.lower() else f"rest {rest}")
    line = _parse_line(", ".join(part for part in parts if part))
    line.name = _cell(cells, roles, "name") or None
    line.is_header = line.is_prose = line.is_sentence = False
    return line


# --------------------------------------------------------------------------------------------
# Assembling exercises from lines


@dataclass
class _Draft:
    name: str
    scheme: _Scheme
    section: int
    label: str | None = None
    superset_group: str | None = None


class _PlanBuilder:
    """Turns classified lines into exercises, tracking blocks, headers and pending names."""

    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self.section = 0
        self.superset_count = 0
        self._reset_block()

    def _reset_block(self) -> None:
        self.block_start = len(self.drafts)
        self.block_sets: int | None = None
        self.block_rest: tuple[int, int | None] | None = None
        self.pending_name: _Line | None = None
        self.open_draft: _Draft | None = None
        self.superset_group: str | None = None
        self.in_notes = False

    def feed(self, line: _Line) -> None:
        if line.kind == "blank":
            self._reset_block()
        elif line.kind == "header":
            self._start_section()
        elif line.kind == "notes" or (self.in_notes and not _is_full_exercise(line)):
            self.in_notes = True
            self._fill_reps_from_notes(line.scheme)
        else:
            self._feed_line(line)

    def _start_section(self) -> None:
        self._reset_block()
        self.section += 1

    def _feed_line(self, line: _Line) -> None:
        scheme = line.scheme
        if line.is_superset_marker and not scheme.has_volume:
            self.superset_count += 1
            self.superset_group = str(self.superset_count)
        elif scheme.rest is not None and not scheme.has_volume:
            self._apply_block_rest(scheme.rest, scheme.rest_max)
        elif line.is_header:
            self._start_section()
        elif self._is_sets_header(line):
            self._reset_block()  # "3 sets:" over the lines that follow
            self.block_sets = scheme.sets
            if scheme.rest is not None:
                self.block_rest = (scheme.rest, scheme.rest_max)
        elif line.is_commentary and line.name is None:
            self.pending_name = self.open_draft = None
        elif scheme.has_volume and (line.name is None or line.starts_with_load):
            self._continue(line)
        elif line.name and not line.is_prose and (scheme.has_volume or self.block_sets):
            draft = self._add_exercise(line.name, line)
            # Logged sets may go on below the line ("Bench 135x10, 155x8" then "175x6").
            self.open_draft = draft if scheme.logged_sets else None
        elif line.name and not line.is_prose and not line.is_sentence:
            self.pending_name = line
            self.open_draft = None
        else:
            self.pending_name = self.open_draft = None

    def _is_sets_header(self, line: _Line) -> bool:
        """ "3 sets:" or "3 rounds" alone on a line, with no name above to complete."""
        scheme = line.scheme
        if scheme.sets is None or scheme.has_reps or line.name is not None:
            return False
        return line.ends_with_colon or (self.pending_name is None and self.open_draft is None)

    def _continue(self, line: _Line) -> None:
        """A scheme-only line: it completes the name above it, or adds sets to it."""
        if self.pending_name is not None:
            pending = self.pending_name
            pending.scheme.absorb(line.scheme)
            self.open_draft = self._add_exercise(pending.name or "", pending)
        elif self.open_draft is not None:
            self.open_draft.scheme.absorb(line.scheme)

    def _add_exercise(self, name: str, line: _Line) -> _Draft | None:
        """Add the exercise(s) a line names; the last one added, if any."""
        self.pending_name = None
        if _WARM_UP.search(name):
            return None
        scheme = line.scheme
        if scheme.sets is None and not scheme.logged_sets and not scheme.reps_per_set:
            scheme.sets = self.block_sets
        if scheme.rest is None and self.block_rest is not None:
            scheme.rest, scheme.rest_max = self.block_rest
        names = _SUPERSET_JOIN.split(name)
        group = self.superset_group
        if len(names) > 1:
            self.superset_count += 1
            group = str(self.superset_count)
        for part in names:
            self.drafts.append(_Draft(part.strip(), scheme, self.section, line.label, group))
        return self.drafts[-1]

    def _apply_block_rest(self, rest: int, rest_max: int | None) -> None:
        """A rest line covers the exercises of its block; before any, the ones that follow."""
        block = self.drafts[self.block_start :]
        if not block:
            self.block_rest = (rest, rest_max)
        for draft in block:
            if draft.scheme.rest is None:
                draft.scheme.rest, draft.scheme.rest_max = rest, rest_max

    def _fill_reps_from_notes(self, scheme: _Scheme) -> None:
        """Notes under an exercise that gave no reps may state them ("Target 6-10 reps")."""
        if not self.drafts or self.drafts[-1].section != self.section:
            return
        target = self.drafts[-1].scheme
        if not target.has_reps and not target.amrap and target.duration is None:
            target.reps_min, target.reps_max = scheme.reps_min, scheme.reps_max

    def finish(self) -> list[ParsedExercise]:
        exercises = [_to_exercise(draft) for draft in self.drafts]
        exercises = _label_supersets(exercises, self.drafts)
        return _merge_repeats(exercises, [draft.section for draft in self.drafts])


def _is_full_exercise(line: _Line) -> bool:
    """A line that names an exercise with its sets and reps, whatever lines surround it."""
    scheme = line.scheme
    return bool(line.name and not line.is_prose and scheme.sets and scheme.has_reps)


def _to_exercise(draft: _Draft) -> ParsedExercise:
    scheme = draft.scheme
    sets, reps_min, reps_max = scheme.sets, scheme.reps_min, scheme.reps_max
    per_set = scheme.logged_sets or scheme.reps_per_set
    if scheme.logged_sets:
        sets = len(scheme.logged_sets)
    elif scheme.reps_per_set and sets is None:
        sets = scheme.per_set_count
    if per_set:
        reps_min, reps_max = min(per_set), max(per_set)
    notes = "; ".join(dict.fromkeys(note for note in scheme.notes if note))
    return ParsedExercise(
        name_as_written=draft.name,
        sets=sets,
        reps_min=reps_min,
        reps_max=reps_max,
        rest_seconds=scheme.rest,
        notes=notes,
        sets_max=scheme.sets_max,
        rest_seconds_max=scheme.rest_max,
        amrap=scheme.amrap or scheme.reps_open,
        amrap_last_set=scheme.amrap_last_set,
        duration_seconds=scheme.duration if reps_min is None else None,
        superset_group=draft.superset_group,
        per_side=scheme.per_side,
        reps_per_set=tuple(per_set) if len(set(per_set)) > 1 else (),
        total_reps=scheme.total_reps,
    )


def _label_supersets(exercises: list[ParsedExercise], drafts: list[_Draft]) -> list[ParsedExercise]:
    """ "A1"/"A2" labels in one section group their exercises as superset "A"."""
    counts: dict[tuple[int, str], int] = {}
    for draft in drafts:
        if draft.label:
            key = (draft.section, draft.label)
            counts[key] = counts.get(key, 0) + 1
    labelled = []
    for exercise, draft in zip(exercises, drafts, strict=True):
        if draft.label and counts[(draft.section, draft.label)] > 1:
            exercise = replace(exercise, superset_group=draft.label)
        labelled.append(exercise)
    return labelled


def _merge_repeats(exercises: list[ParsedExercise], sections: list[int]) -> list[ParsedExercise]:
    """The same exercise and reps repeated within a section is one exercise done more times.

    "5x20 swings" written three times between other lifts is 15 sets of 20; "10 pull ups"
    three times is 3 sets of 10.
    """
    groups: dict[tuple, list[ParsedExercise]] = {}
    for exercise, section in zip(exercises, sections, strict=True):
        key = (
            section,
            re.sub(r"[^a-z0-9]", "", exercise.name_as_written.lower()),
            exercise.reps_min,
            exercise.reps_max,
            exercise.duration_seconds,
        )
        groups.setdefault(key, []).append(exercise)
    merged = []
    for repeats in groups.values():
        first = repeats[0]
        if len(repeats) > 1:
            first = replace(first, sets=sum(exercise.sets or 1 for exercise in repeats))
        merged.append(first)
    return merged
