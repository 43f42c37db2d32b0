"""Negative talk about former employers: clause units, features and the classifier that scores them.

An answer is parsed with spaCy and cut into units: its sentences and, inside them, the
independent clauses (coordinated or subordinated clauses with a subject of their own;
reported clauses such as "I wouldn't say it was terrible" stay whole so that negation
and softening keep their scope). Each unit is scored by a calibrated logistic regression over

* its all-MiniLM-L6-v2 sentence vector (all units of an answer encoded in one batch), and the same
  vector gated by whether the parse finds a workplace target in it (employer, manager, team,
  colleagues, clients, the company, "they" in an answer about a job, an unnamed "there");
* dense features: VADER sentiment, whether a target is the subject, negation, first-person subject,
  hostility markers and constructive phrasing.

A second logistic regression on the same features gives a flagged unit's intensity (mild, harsh,
hostile). The words and patterns are in :mod:`~analyzer.detectors.negativity.lexicon`, the features and
the target of a remark in :mod:`~analyzer.detectors.negativity.features`, the classifiers in
:mod:`~analyzer.detectors.negativity.model`. They are trained by ``scripts/train_negativity.py`` on
``models/negativity_examples.jsonl`` and ``data/realspeech/negativity_train.jsonl``.
"""
