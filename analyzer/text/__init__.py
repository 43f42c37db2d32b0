"""The shared text layer: the spaCy pipeline and readability (:mod:`~analyzer.text.nlp`), words as the
checks count them (:mod:`~analyzer.text.tokens`) and questions (:mod:`~analyzer.text.questions`)."""
