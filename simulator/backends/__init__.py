"""Backends that voice a debtor move as text (scripted, transformers, openai-compatible)."""
