"""rambling: an answer much longer than its kind of question calls for."""

from __future__ import annotations

import re
from typing import Any, Mapping

from analyzer.checks.base import AnswerContext, Findings, Option, Rule, flag, span
from analyzer.datamodel import Answer, QuestionKind

RULE = Rule(
    code="rambling",
    name="Rambling answer",
    summary="Answer is too long for its kind of question",
    what="Measures the answer's length in words (and seconds when timings are known) "
    "against a limit that depends on the kind of question.",
    why="Long, unfocused answers make an interviewer work to find the point and read as "
    "nervous or unprepared. Behavioural stories deserve about two minutes; factual "
    "questions much less.",
    example_bad="(a 500-word reply to 'What is your notice period?')",
    example_good="'Four weeks. I could start on the first of next month.'",
    severity="warning",
    options=(
        Option("max-words-behavioural", 330, "Word limit for behavioural (STAR) questions."),
        Option("max-words-other", 200, "Word limit for motivation and open questions."),
        Option("max-words-factual", 150, "Word limit for short factual questions."),
        Option("max-seconds-behavioural", 150.0, "Speaking-time limit for behavioural questions."),
        Option("max-seconds-other", 100.0, "Speaking-time limit for other questions."),
        Option("max-seconds-factual", 75.0, "Speaking-time limit for factual questions."),
    ),
)

_WORD = re.compile(r"[A-Za-z0-9']+")


def _limits(kind: str, opts: Mapping[str, Any]) -> tuple[int, float]:
    if kind == QuestionKind.BEHAVIOURAL.value:
        return opts["max-words-behavioural"], opts["max-seconds-behavioural"]
    if kind == QuestionKind.FACTUAL.value:
        return opts["max-words-factual"], opts["max-seconds-factual"]
    return opts["max-words-other"], opts["max-seconds-other"]


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    text = answer.answer.text
    words = list(_WORD.finditer(text))
    duration = answer.answer.duration_s
    found = Findings(metrics={"words": len(words), "duration_s": duration})
    max_words, max_seconds = _limits(answer.question_kind, opts)
    if len(words) > max_words:
        cut = words[max_words - 1].end()
        found.flags.append(
            flag(
                RULE,
                f"Answer runs {len(words)} words; the limit for a {answer.question_kind} question is {max_words}.",
                "Lead with your point in the first sentence, keep one example, and stop once you have said the result.",
                measure="words",
                value=len(words),
                threshold=max_words,
                evidence=[span(text, cut, len(text), note=f"beyond word {max_words}")],
            )
        )
    elif duration is not None and duration > max_seconds:
        found.flags.append(
            flag(
                RULE,
                f"Answer lasts {duration:.0f} s; the limit for a {answer.question_kind} question is {max_seconds:.0f} s.",
                "Lead with your point in the first sentence, keep one example, and stop once you have said the result.",
                measure="seconds",
                value=duration,
                threshold=max_seconds,
                evidence=[span(text, 0, len(text))],
            )
        )
    return found
