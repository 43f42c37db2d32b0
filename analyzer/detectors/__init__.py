"""The models behind the checks: what each check measures, without the flag it raises.

* :mod:`~analyzer.detectors.fillers`: context-aware filler detection (filler-words, rambling);
* :mod:`~analyzer.detectors.negativity`: employer-negativity classifier over clause units;
* :mod:`~analyzer.detectors.star`: STAR clause tagging (missing-star);
* :mod:`~analyzer.detectors.enthusiasm` and :mod:`~analyzer.detectors.voice`: the enthusiasm score
  from the words and, with audio, the voice (low-enthusiasm);
* :mod:`~analyzer.detectors.encoder`: the bundled transformer encoders, kept here as a name for
  :mod:`analyzer.text.encoder` (they moved to the text layer, which the question classifier needs).

Trained weights are in ``models/`` (installed as ``analyzer.models``); training is in ``scripts/``.
"""
