"""Negative talk about former employers: clause units, features and the classifier that scores them.

An answer is parsed with spaCy and cut into units: its sentences and, inside them, the
independent clauses (coordinated or subordinated clauses with a subject of their own;
reported clauses such as "I wouldn't say it was terrible" stay whole so that negation
and softening keep their scope). Each unit is scored by a logistic regression over

* TF-IDF n-grams of a normalised token stream: target words become their group
  (``T_management``, ``T_colleagues`` ...), third-person pronouns become ``PRON3`` and words
  inside the scope of a negation get a ``NOT_`` prefix;
* dense features: VADER sentiment, whether a target (or, when the question is about a
  former job, "they"/"he"/"she") is the subject, negation, first-person subject,
  hostility markers (insults, profanity, contempt, blame) and constructive phrasing.


The words and patterns are in :mod:`~analyzer.detectors.negativity.lexicon`, the units in
:mod:`~analyzer.detectors.negativity.clauses`, the features and the target of a remark in
:mod:`~analyzer.detectors.negativity.features`, the classifier in
:mod:`~analyzer.detectors.negativity.model`. It is trained by ``scripts/train_negativity.py`` on
``models/negativity_examples.jsonl``.
"""
