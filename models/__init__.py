"""Versioned trained models and their training data (installed as ``analyzer.models``)."""
