"""A trained intent model: logistic regression over the frozen sentence embeddings.

Trained from the skills' examples (and the examples people accepted), in well under a second,
and cached on disk under a digest of exactly what it was trained on and with which embedding
model, so a process that starts on unchanged skills loads it instead, and a changed skill file
or a newly accepted example retrains it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

REGULARISATION = 30.0
"""Inverse L2 strength (scikit-learn's ``C``). Chosen by 10-fold cross-validation on the skills'
examples (accuracy 0.82 at C=10 and 30, 0.83 at 100): 30 keeps the probabilities from
saturating, which matters when they are blended with similarities (docs/benchmarks.md)."""


class IntentModel:
    """Per-skill probabilities for embedded texts (rows sum to one)."""

    def __init__(self, weights: npt.NDArray[np.float64], bias: npt.NDArray[np.float64]) -> None:
        self.weights = weights
        self.bias = bias

    def probabilities(self, vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        logits = vectors.astype(np.float64) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return result


def digest(model_name: str, skills: Sequence[str], examples: Sequence[tuple[str, str]]) -> str:
    """What the model depends on: the embedding model, the skills and every training text (so
    a changed skill file or a newly accepted example retrains it, and nothing else does)."""
    payload = json.dumps([model_name, list(skills), REGULARISATION, sorted(examples)])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def train(
    vectors: npt.NDArray[np.float32], targets: npt.NDArray[np.int_], labels: int
) -> IntentModel:
    """Fit on ``vectors`` labelled ``targets`` (indices below ``labels``)."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    # One BLAS thread: on a busy two-core machine the threads' synchronisation made the fit
    # fifteen times slower (measured: 2.6 s on the default threads vs 0.17 s on one).
    with threadpool_limits(1):
        fitted = LogisticRegression(C=REGULARISATION, max_iter=1000).fit(vectors, targets)
    weights = np.zeros((vectors.shape[1], labels))
    # A skill nobody gave an example for is never predicted (a very low bias).
    bias = np.full(labels, -1e3)
    if len(fitted.classes_) == 2:  # scikit-learn keeps one row for two classes
        coef = np.vstack([-fitted.coef_[0], fitted.coef_[0]]) / 2
        intercept = np.array([-fitted.intercept_[0], fitted.intercept_[0]]) / 2
    else:
        coef, intercept = fitted.coef_, fitted.intercept_
    weights[:, fitted.classes_] = coef.T
    bias[fitted.classes_] = intercept
    return IntentModel(weights, bias)


def load_or_train(
    vectors: npt.NDArray[np.float32],
    targets: npt.NDArray[np.int_],
    labels: int,
    *,
    key: str,
    cache: Path | None,
) -> IntentModel:
    """The model cached under ``key`` in ``cache``, else a new one (then cached there)."""
    if cache is None:
        return train(vectors, targets, labels)
    path = cache / f"intents-{key}.npz"
    try:
        with np.load(path) as stored:
            return IntentModel(stored["weights"], stored["bias"])
    except FileNotFoundError:
        pass  # not trained yet, or just replaced by another worker's newer model
    model = train(vectors, targets, labels)
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("intents-*.npz"):
        old.unlink(missing_ok=True)
    # Written aside and renamed: another worker sees the whole file or none.
    partial = cache / f".intents-{key}-{os.getpid()}.npz"
    np.savez(partial, weights=model.weights, bias=model.bias)
    partial.replace(path)
    return model
