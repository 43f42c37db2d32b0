"""Who can be badmouthed, the words that make a complaint harsh or hostile (hostility markers, harsh
words, softeners: features of the classifier and the words a message quotes; the severity itself is
learned), and the kinds of complaint."""

from __future__ import annotations

import re

from analyzer.text.sentiment import sentiment_analyzer

# Lemmas that name a possible target of badmouthing, by group.
TARGET_GROUPS: dict[str, frozenset[str]] = {
    "management": frozenset(
        "boss manager management supervisor leadership leader lead director executive exec ceo cfo "
        "cto coo vp founder owner president principal foreman chief head hr administration board "
        "partner superior editor chair trainer dentist".split()
    ),
    "colleagues": frozenset(
        "colleague coworker co-worker teammate peer staff people everyone everybody guy folk "
        "employee engineer developer nurse doctor worker associate rep consultant dispatcher".split()
    ),
    "team": frozenset("team department crew division office group unit".split()),
    "company": frozenset(
        "company employer firm organisation organization place business startup agency corporation "
        "outfit workplace store shop restaurant hospital school bank clinic practice studio hotel "
        "headquarters factory plant warehouse club charity airline lab museum".split()
    ),
    "clients": frozenset("client customer patient guest user parent account".split()),
    "job": frozenset("job role position pay salary wage hours workload culture environment overtime".split()),
}
TARGET_OF = {lemma: group for group, lemmas in TARGET_GROUPS.items() for lemma in lemmas}
PRON3 = frozenset({"they", "them", "he", "him", "she", "her", "theirs", "their"})

# Hostility markers: what raises a complaint to an insult. Patterns are matched on lower-case text.
MARKERS: dict[str, re.Pattern[str]] = {
    "insult": re.compile(
        r"\b(idiots?|morons?|fools?|clowns?|jerks?|incompetent|useless|pathetic|stupid|dumb(est)?|clueless|"
        r"liars?|crooks?|snakes?|creeps?|tyrants?|bull(y|ies)|dictators?|narcissists?|amateurs?|slackers?|"
        r"cowards?|spineless|losers?|lazy|cheapskates?|waste of space|piece of work|two-faced|backstabbing)\b"
    ),
    "profanity": re.compile(
        r"\b(damn(ed)?|hell|crap(py)?|shit\w*|suck(s|ed)?|screw(ed)? (it )?up|bullshit|pissed|f+u+c+k\w*|ass(holes?)?|bloody)\b"
    ),
    "contempt": re.compile(
        r"\b(a (total |complete |absolute )?joke|circus|garbage|dump|trash|nightmare|toxic|dirt|"
        r"couldn't care less|bunch of|pack of|sinking ship|hopeless|disaster)\b"
    ),
    "blame": re.compile(
        r"\b(their fault|(his|her) fault|blam(e|ed|ing)|under the bus|pointed fingers|pointing fingers|"
        r"scapegoat|because of them|took credit|take credit|had it in for)\b"
    ),
}
SOFTENER = re.compile(r"\b(a bit|a little|kind of|sort of|somewhat|not very|not the most|could be|at times|sometimes|wasn't great|weren't great|not great)\b")
SOFTENER_REACH_CHARS = 16
"""A softener hedges an insult or harsh word that starts at most this far after it ("kind of a bit
useless", "a little rude", "sort of the worst")."""
HARSH = re.compile(r"\b(awful|terrible|horrible|horribly|worst|miserable|hate[ds]?|cruel|vindictive|corrupt|dishonest|abusive|unbearable|insufferable|nasty|greedy|rude)\b")
CONSTRUCTIVE = re.compile(
    r"\b(looking for|look for|looked for|wanted|want to|grow|growth|learn(ed|t)?|opportunity|challenge|"
    r"ready (for|to)|next step|move into|focus on|taught me|grateful|appreciated?|develop)\b"
)
COMPLAINT_KINDS: dict[str, re.Pattern[str]] = {
    "pay": re.compile(r"\b(pay|paid|paying|salary|wages?|raises?|bonus(es)?|money|underpaid|cheap|stingy|cheapskate|overtime)\b"),
    "workload": re.compile(r"\b(hours|workload|weekends?|overworked|burn(ed|t)? out|shifts?|understaffed|all their work|doing all)\b"),
    "clients": re.compile(r"\b(clients?|customers?|patients?|guests?|parents)\b"),
    "management": re.compile(
        r"\b(boss|manager|management|supervisor|leadership|leaders?|lead|director|executives?|ceo|cfo|vp|founders?|"
        r"owners?|principal|foreman|chief|head|hr|administration|board|partners|in charge|at the top)\b"
    ),
    "colleagues": re.compile(r"\b(colleagues?|coworkers?|co-workers?|teammates?|team|crew|peers?|staff|people|everyone|everybody)\b"),
}


def markers_in(text: str) -> list[tuple[str, str]]:
    """Hostility markers in ``text`` as ``(kind, words)`` pairs, in order of appearance."""
    lower = text.lower()
    found = [(m.start(), kind, m.group(0)) for kind, pattern in MARKERS.items() for m in pattern.finditer(lower)]
    return [(kind, words) for _, kind, words in sorted(found)]


def complaint_kind(text: str, target_group: str) -> str:
    """What the complaint is about: pay, workload, clients, management, colleagues or company."""
    lower = text.lower()
    for kind, pattern in COMPLAINT_KINDS.items():
        if pattern.search(lower):
            return kind
    return {"management": "management", "colleagues": "colleagues", "team": "colleagues", "clients": "clients"}.get(
        target_group, "company"
    )
