"""The bundled transformer encoders live in :mod:`analyzer.text.encoder` (the question classifier of the
text layer needs them); this name is kept for the detectors and scripts that import it from here."""

from analyzer.text.encoder import (  # noqa: F401
    CHECKPOINTS,
    CONTEXT_CHECKPOINT,
    ENCODER_PRECISION,
    MAX_WORDPIECES,
    SENTENCE_CHECKPOINT,
    BundledCheckpoint,
    ContextEncoder,
    SentenceEncoder,
    load_context_encoder,
    load_encoder,
    load_sentence_encoder,
    model_dir,
)
