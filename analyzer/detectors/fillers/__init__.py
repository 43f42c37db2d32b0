"""Context-aware filler detection: "um" is always a filler, "like" only sometimes.

Two kinds of filler:

* **Hesitations** (um, uh, er, erm, hmm, mm, mm-hmm, ah, eh, with their elongations
  "umm", "uhh", "hmmm"): fillers wherever they occur.
* **Discourse fillers** (like, you know, I mean, so, well, actually, basically, literally,
  kind of, sort of, right, okay): fillers only in some contexts. "It was, like, huge" has
  one; "I like Python" and "it looks like rain" do not. Two scikit-learn classifiers
  (``models/fillers.joblib``, trained by ``scripts/train_fillers.py``, card in
  ``models/fillers.md``) decide together: one from spaCy features of each occurrence (part
  of speech, dependency relation and head, neighbouring words, position in the sentence and
  the punctuation, or, when the audio was measured, the pauses around it), one from a
  bundled transformer's contextual vector of the occurrence (:mod:`analyzer.text.encoder`).

The list is configurable through the ``fillers`` settings table::

    [tool.interview-analyzer.fillers]
    add = ["you see", "just"]
    remove = ["well", "so"]

An added word the model was trained on ("just", "yeah") is judged in context like the

The word lists and their occurrences are in :mod:`~analyzer.detectors.fillers.lexicon`, the
parse features and grammatical uses in :mod:`~analyzer.detectors.fillers.context`, the model and
detection in :mod:`~analyzer.detectors.fillers.model`. Checks share one detection per answer
through :func:`analyzer.checks.fillers.fillers_for` (``ctx.memo("fillers")``).
"""
