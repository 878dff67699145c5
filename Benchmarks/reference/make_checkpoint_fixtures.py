"""Writes Tests/Fixtures/checkpoints/*.safetensors with the safetensors
library itself, so gradlab's reader is tested on files PyTorch users make.

    pip install safetensors numpy torch
    python3 Benchmarks/reference/make_checkpoint_fixtures.py

- linear_torch.safetensors: the tutorial's `Linear` (weight, bias of shape
  [1], float32) after setting known values, saved from its state_dict with
  safetensors.torch.save_file and metadata {"format": "pt"}.
- landscape_f64.safetensors: x1, x2 float64 arrays of 3 points, saved with
  safetensors.numpy.save_file and gradlab-style metadata.
- mixed_dtypes.safetensors: F32 and F64 tensors in one file (gradlab reads
  it as a SafeTensorsFile; layout: F64 tensors first, then by name).
"""
import json
import pathlib

import numpy as np
import safetensors.numpy
import safetensors.torch
import torch
from torch import nn

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "checkpoints"


class Linear(nn.Module):
    """The tutorial's Example 3 model."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(data=torch.rand(1), requires_grad=True)
        self.bias = nn.Parameter(data=torch.rand(1), requires_grad=True)

    def forward(self, input_tensor: torch.Tensor) -> torch.Tensor:
        return self.weight * input_tensor + self.bias


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    model = Linear()
    with torch.no_grad():
        model.weight.fill_(0.6990000009536743)
        model.bias.fill_(0.30930000543594360)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    safetensors.torch.save_file(state, OUT / "linear_torch.safetensors", metadata={"format": "pt"})

    x1 = np.array([6.2509546660466695, 7.756856902451935, 0.052653045655747244], dtype=np.float64)
    x2 = np.array([8.972138009695755, 2.2520718999059186, 8.212284183827663], dtype=np.float64)
    safetensors.numpy.save_file({"x1": x1, "x2": x2}, OUT / "landscape_f64.safetensors",
                                metadata={"lab": "landscape", "epoch": "12", "dtype": "f64"})

    safetensors.numpy.save_file({
        "b": np.array([1.5, -2.25], dtype=np.float32),
        "a": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float64),
        "s": np.array(0.1, dtype=np.float64),
        "e": np.zeros((0,), dtype=np.float32),
    }, OUT / "mixed_dtypes.safetensors")

    for path in sorted(OUT.glob("*.safetensors")):
        raw = path.read_bytes()
        n = int.from_bytes(raw[:8], "little")
        print(path.name, len(raw), json.loads(raw[8:8 + n]))


if __name__ == "__main__":
    main()
