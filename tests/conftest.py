"""Shared fixtures: tiny training scripts probed once per test session (TF import costs ~2 s each)."""

from __future__ import annotations

import os

# Tests never need TensorFlow's chatter, and the probe children inherit this.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
