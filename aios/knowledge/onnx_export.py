"""Exports the packaged transformer to ONNX: ``python -m aios.knowledge.onnx_export MODEL OUT``.

Run once per model (by :mod:`aios.knowledge.embedder_onnx`, in a child process, so the process
that embeds never imports torch). The graph takes ``input_ids``, ``attention_mask`` and
``token_type_ids`` of shape (batch, sequence), both axes dynamic, and returns the last hidden
state (batch, sequence, dimension); pooling and normalisation are the runner's. The file is
written beside ``OUT`` under a temporary name and renamed onto it, so a reader never sees half.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from pathlib import Path

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "last_hidden_state"
OPSET = 17


def export(model_dir: Path, out: Path) -> None:
    """Trace the model at ``model_dir`` and write its ONNX graph to ``out`` atomically."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class HiddenStates(torch.nn.Module):
        """The model with positional inputs and the one output the runner pools."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(
            self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor
        ) -> torch.Tensor:
            out = self.model(input_ids=ids, attention_mask=mask, token_type_ids=types)
            hidden: torch.Tensor = out.last_hidden_state
            return hidden

    # A padded example (the second row shorter), so the mask is traced as a real input and not
    # folded away as all ones.
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    mask = (ids != 0).long()
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, OUTPUT)}
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            # The tracer warns of Python conditions it freezes; they hold for every input here.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                HiddenStates(),
                (ids, mask, torch.zeros_like(ids)),
                tmp,
                input_names=list(INPUTS),
                output_names=[OUTPUT],
                dynamic_axes=axes,
                opset_version=OPSET,
                dynamo=False,  # the dynamo exporter needs onnxscript; the tracer needs only onnx
            )
        os.chmod(tmp, 0o644)  # mkstemp's file is its owner's alone; the export is for all
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m aios.knowledge.onnx_export MODEL_DIR OUT.onnx")
    export(Path(sys.argv[1]), Path(sys.argv[2]))
