"""Pairing questions with answers.

Rules: consecutive turns of one side merge; short interviewer back-channels ("mm-hm",
"right", "okay") said while the candidate talks do not split the answer, nor, once the questions
have begun, do short remarks that ask nothing ("That must have been hard."); a follow-up question
starts a new answer linked to the one before (``follow_up_of``); small talk before the first real
question (and closing pleasantries) is kept in ``small_talk`` but not scored. A recording that starts
mid-answer (the candidate speaks first, after at most a back-channel) opens with an answer to an unknown
question (empty question text; ``question: null`` in the JSON report). One speaker
(self-practice): questions come from a list (matched in order, as read aloud or paragraph by
paragraph) or are detected where the speaker reads them aloud.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzer.datamodel import Answer, Transcript, Turn, Utterance, Word
from analyzer.text.questions import classify_question, is_question, is_small_talk

BACKCHANNELS = frozenset(
    """mm-hm mm-hmm mhm mm hmm uh-huh uh huh right okay ok yeah yes yep sure got it i see great nice
    cool interesting makes sense gotcha wow oh ah alright all right good sounds good of course absolutely
    go on go ahead perfect exactly true wonderful lovely excellent thanks thank you""".split()
)
_BACKCHANNEL_PHRASES = frozenset({"got it", "i see", "makes sense", "sounds good", "of course", "go on",
                                  "go ahead", "all right", "thank you", "uh huh", "mm hmm"})
_FOLLOW_UP_START = re.compile(r"^\s*(and|so|but|also)\b[,\s]+(?!tell me about a time|describe|moving on|next)", re.I)
_FOLLOW_UP_PHRASE = re.compile(
    r"\b(tell me more|say more|elaborate|expand on|go deeper|what happened (next|then|after)|"
    r"what was the (result|outcome|impact)|how did (that|it|they|he|she) |why did you (do|choose|decide) that|"
    r"(do|would) (anything )?differently|looking back|in hindsight|what did you learn|how did you measure|"
    r"what was your (role|part) in (that|it|this))",
    re.I,
)
_ANAPHORA = re.compile(r"\b(that|it|this|those|these|then|there|they|he|she)\b", re.I)
_NEW_TOPIC = re.compile(
    r"\b(next question|moving on|let's (talk|move|switch|turn)|switching gears|another question|different topic|"
    r"change of topic|my next|let me ask you about|tell me about a time|tell me about yourself|describe a (time|situation))\b",
    re.I,
)
_NORM = re.compile(r"[^a-z0-9' -]")
REMARK_MAX_WORDS = 8
"""An interviewer's remark this short that asks nothing does not split the answer it interrupts."""


def is_backchannel(text: str) -> bool:
    """A short acknowledgement that is not a question ("Mm-hm.", "Right, okay.")."""
    if "?" in text:
        return False
    words = _NORM.sub(" ", text.lower()).split()
    if not words or len(words) > 4:
        return False
    i = 0
    while i < len(words):
        if i + 1 < len(words) and f"{words[i]} {words[i + 1]}" in _BACKCHANNEL_PHRASES:
            i += 2
        elif words[i] in BACKCHANNELS:
            i += 1
        else:
            return False
    return True


def is_remark(text: str) -> bool:
    """A short comment that asks nothing, opens no new topic and is no pleasantry ("That sounds
    stressful."): said while the candidate answers, the candidate's next words go on with the answer."""
    return (
        len(text.split()) <= REMARK_MAX_WORDS
        and not is_question(text)
        and not _NEW_TOPIC.search(text)
        and not is_small_talk(text)
    )


def is_real_question(text: str) -> bool:
    """A question (by punctuation, syntax or a request) that is not small talk ("How are you?")."""
    return is_question(text) and not is_small_talk(text)


def is_follow_up(question: str) -> bool:
    """A question that digs into the previous answer rather than opening a new topic."""
    if _NEW_TOPIC.search(question) or classify_question(question).value in {"behavioural", "motivation"}:
        return False
    if _FOLLOW_UP_START.match(question) or _FOLLOW_UP_PHRASE.search(question):
        return True
    words = len(question.split())
    return words <= 3 or (words <= 10 and bool(_ANAPHORA.search(question)))


def utterance_from_turns(turns: list[Turn], indices: list[int]) -> Utterance:
    """Join turns into one utterance; word character offsets are rebased onto the joined text."""
    pieces: list[str] = []
    length = 0
    words: list[Word] = []
    for turn in turns:  # joined once at the end: adding to one string turn by turn costs quadratic time
        offset = length + (1 if length else 0)
        pieces.extend([" ", turn.text] if length else [turn.text])
        length = offset + len(turn.text)
        for word in turn.words:
            if word.start_char is None or word.end_char is None:
                continue
            words.append(replace(word, start_char=word.start_char + offset, end_char=word.end_char + offset))
    starts = [t.start for t in turns if t.start is not None]
    ends = [t.end for t in turns if t.end is not None]
    return Utterance(
        text="".join(pieces),
        speaker=turns[0].speaker,
        start_s=min(starts) if starts else None,
        end_s=max(ends) if ends else None,
        words=words,
        turn_indices=indices,
    )


def slice_utterance(utt: Utterance, start: int, end: int) -> Utterance:
    """The part of ``utt`` between two character offsets, trimmed, with its words and times."""
    while start < end and utt.text[start].isspace():
        start += 1
    while end > start and utt.text[end - 1].isspace():
        end -= 1
    words = [
        replace(w, start_char=w.start_char - start, end_char=w.end_char - start)
        for w in utt.words
        if w.start_char is not None and w.end_char is not None and w.start_char >= start and w.end_char <= end
    ]
    timed = [w for w in words if w.start is not None and w.end is not None]
    if timed:
        start_s, end_s = timed[0].start, timed[-1].end
    elif not utt.words:
        start_s, end_s = utt.start_s, utt.end_s
    else:
        start_s = end_s = None
    return Utterance(text=utt.text[start:end], speaker=utt.speaker, start_s=start_s, end_s=end_s,
                     words=words, turn_indices=list(utt.turn_indices))


def _blocks(transcript: Transcript) -> list[tuple[str, list[int]]]:
    """Consecutive turns by role; back-channels inside candidate speech become interjections."""
    blocks: list[tuple[str, list[int]]] = []
    for i, turn in enumerate(transcript.turns):
        if blocks and blocks[-1][0] == turn.role:
            blocks[-1][1].append(i)
        else:
            blocks.append((turn.role, [i]))
    return blocks


def pair(transcript: Transcript, questions: list[str] | None = None) -> tuple[list[Answer], list[Utterance]]:
    """Answers (question + answer) and unscored small talk, from a transcript with roles set."""
    if len(transcript.speakers) == 1:
        return _pair_self_practice(transcript, questions), []
    turns = transcript.turns
    blocks = _blocks(transcript)

    # Fold interjections: candidate, short interviewer acknowledgement (or, once a real question
    # has been asked, a short remark), candidate -> one answer.
    folded: list[tuple[str, list[int], list[int]]] = []  # role, turn indices, interjection turn indices
    asked = False
    for i, (role, idx) in enumerate(blocks):
        text = " ".join(turns[j].text for j in idx)
        if role == "candidate" and folded and folded[-1][0] == "candidate":
            folded[-1][1].extend(idx)
        elif (
            role == "interviewer"
            and folded
            and folded[-1][0] == "candidate"
            and i + 1 < len(blocks)
            and (all(is_backchannel(turns[j].text) for j in idx) or asked and is_remark(text))
        ):
            folded[-1][2].extend(idx)
        else:
            folded.append((role, list(idx), []))
            asked = asked or role == "interviewer" and is_real_question(text)

    answers: list[Answer] = []
    small_talk: list[Utterance] = []
    pending: list[int] = []
    real_question_seen = False
    first_reply = True
    for role, idx, interjections in folded:
        if role != "candidate":
            pending.extend(idx)
            continue
        reply = utterance_from_turns([turns[j] for j in idx], idx)
        opening, first_reply = first_reply, False
        if opening and _starts_mid_answer(reply, [turns[j] for j in pending]):
            answers.append(Answer(id="q1", question=Utterance(text="", speaker=""), answer=reply,
                                  question_kind=classify_question("").value,
                                  interjections=[utterance_from_turns([turns[j]], [j]) for j in pending + interjections]))
            pending = []
            continue
        if not pending:
            if answers:  # the candidate goes on after an unrecognised interruption
                prev = answers[-1]
                merged = prev.answer.turn_indices + idx
                prev.answer = utterance_from_turns([turns[j] for j in merged], merged)
            else:
                small_talk.append(reply)
            continue
        question = utterance_from_turns([turns[j] for j in pending], pending)
        pending = []
        chatty = not is_real_question(question.text)
        if chatty and not real_question_seen or is_small_talk(question.text):
            small_talk.extend([question, reply])
            continue
        real_question_seen = True
        follow_up_of = answers[-1].id if answers and is_follow_up(question.text) else None
        answers.append(
            Answer(
                id=f"q{len(answers) + 1}",
                question=question,
                answer=reply,
                question_kind=classify_question(question.text).value,
                follow_up_of=follow_up_of,
                interjections=[utterance_from_turns([turns[j]], [j]) for j in interjections],
            )
        )
    if pending:
        small_talk.append(utterance_from_turns([turns[j] for j in pending], pending))
    return answers, small_talk


def _starts_mid_answer(reply: Utterance, before: list[Turn]) -> bool:
    """The session's first candidate speech answers a question the recording does not hold: nothing but
    back-channels ("Mm-hm.") comes before it, and it is more than a remark and no pleasantry."""
    return (
        all(is_backchannel(turn.text) for turn in before)
        and len(reply.text.split()) > REMARK_MAX_WORDS
        and not is_small_talk(reply.text)
    )


# --- self-practice -----------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9']+")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _find_question(text: str, question: str, start: int) -> tuple[int, int] | None:
    """Where ``question`` was read aloud in ``text`` after ``start``: most of its words in a window."""
    target = [t for t, _, _ in _tokens(question)]
    if not target:
        return None
    tokens = [t for t in _tokens(text) if t[1] >= start]
    n = len(target)
    best, best_span = 0.0, None
    for i in range(len(tokens)):
        window = tokens[i : i + n]
        if not window or window[0][0] != target[0] and window[0][0] not in target[:2]:
            continue
        hits = sum(1 for tok, _, _ in window if tok in target)
        score = hits / n
        if score > best:
            best, best_span = score, (window[0][1], window[-1][2])
    if best >= 0.7 and best_span:
        end = best_span[1]
        if end < len(text) and text[end] in "?.!":
            end += 1
        return best_span[0], end
    return None


def _detect_read_questions(text: str) -> list[tuple[int, int]]:
    """Sentences the speaker asked themselves: they end in '?' or open with a request."""
    spans = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group().strip()
        if sentence.endswith("?") or (is_question(sentence) and classify_question(sentence).value != "factual"
                                      and re.match(r"\s*(tell me|describe|give me|walk me|talk me)", sentence, re.I)):
            lead = len(m.group()) - len(m.group().lstrip())
            spans.append((m.start() + lead, m.start() + lead + len(sentence)))
    return spans


def _pair_self_practice(transcript: Transcript, questions: list[str] | None) -> list[Answer]:
    turns = transcript.turns
    whole = utterance_from_turns(turns, list(range(len(turns))))
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    if questions:
        cursor = 0
        for q in questions:
            found = _find_question(whole.text, q, cursor)
            if found:
                spans.append(found)
                texts.append(q)
                cursor = found[1]
        if not spans:  # not read aloud: one paragraph (turn) per question, in order
            return _paragraph_answers(transcript, questions)
    else:
        spans = _detect_read_questions(whole.text)
        texts = [whole.text[s:e] for s, e in spans]

    answers: list[Answer] = []
    if not spans:
        spans, texts = [(0, 0)], [""]
    for k, ((qs, qe), qtext) in enumerate(zip(spans, texts)):
        end = spans[k + 1][0] if k + 1 < len(spans) else len(whole.text)
        reply = slice_utterance(whole, qe, end)
        if not reply.text:
            continue
        question = slice_utterance(whole, qs, qe) if qe > qs else Utterance(text="", speaker=whole.speaker)
        question.text = qtext or question.text
        answers.append(_answer(len(answers), question, reply))
    prefix = slice_utterance(whole, 0, spans[0][0]) if spans[0][0] > 0 else None
    if prefix and prefix.text and answers:
        # speech before the first question read aloud: answer to an unknown question
        answers.insert(0, _answer(-1, Utterance(text="", speaker=whole.speaker), prefix))
        for n, a in enumerate(answers):
            a.id = f"q{n + 1}"
    return answers


def _paragraph_answers(transcript: Transcript, questions: list[str]) -> list[Answer]:
    turns = transcript.turns
    groups: list[list[int]] = [[] for _ in questions]
    for i in range(len(turns)):
        groups[min(i, len(questions) - 1)].append(i)
    answers = []
    for q, idx in zip(questions, groups):
        if idx:
            reply = utterance_from_turns([turns[j] for j in idx], idx)
            answers.append(_answer(len(answers), Utterance(text=q, speaker="(questions file)"), reply))
    return answers


def _answer(n: int, question: Utterance, reply: Utterance) -> Answer:
    return Answer(id=f"q{n + 1}", question=question, answer=reply,
                  question_kind=classify_question(question.text).value)
