"""Last-resort localization by name, for scripts whose structure the data flow cannot use
(no `compile`/`fit` call found, or source libcst cannot parse). Unlike DeepFD's substring match,
lines that set a literal value (`lr = 0.1`, `epochs=2`) rank first.
"""

from __future__ import annotations

import re

_WORDS = {
    "learning_rate": ("learning_rate", "lr"),
    "optimizer": ("optimizer", "optimizers", "sgd", "adam", "rmsprop", "adagrad", "adadelta", "nadam"),
    "loss": ("loss",),
    "activation": ("activation",),
    "epochs": ("epochs", "epoch", "nb_epoch"),
    "batch_size": ("batch_size",),
    "preprocessing": ("scale", "scaler", "normalize", "standardize", "to_categorical"),
    "initialization": ("kernel_initializer", "initializer"),
    "layers": ("dense", "conv2d", "lstm"),
}


def keyword_lines(text: str, fault_type: str) -> list[int]:
    """Lines mentioning the fault's keywords as identifiers, literal settings first."""
    words = _WORDS.get(fault_type, ())
    if not words:
        return []
    alternatives = "|".join(re.escape(w) for w in words)
    mention = re.compile(
        rf"(?<![A-Za-z0-9])(?:\w+_)?(?:{alternatives})(?:_\w+)?(?![A-Za-z0-9])", re.IGNORECASE
    )
    setting = re.compile(rf"(?:{mention.pattern})\s*=\s*[-+]?(?:\d|\.\d|['\"])", re.IGNORECASE)
    settings, mentions = [], []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
        if setting.search(code):
            settings.append(number)
        elif mention.search(code):
            mentions.append(number)
    return settings + mentions
