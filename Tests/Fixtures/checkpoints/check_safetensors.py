"""Loads a safetensors file with the safetensors library and prints it as
JSON, checking the layout on the way; gradlab's tests run it on files gradlab
wrote, so the real library vouches for them.

    python3 check_safetensors.py FILE

Prints {"tensors": {name: {"dtype", "shape", "values"}}, "metadata": {...},
"torch": "..."} on one line. Exits non-zero (with the reason) when the
library refuses the file or the layout differs from what the library writes.
Needs safetensors and numpy; with torch installed, also loads a linear
checkpoint into the tutorial's `Linear` with load_state_dict(strict=True).
"""
import json
import sys

import numpy as np
import safetensors.numpy
from safetensors import safe_open


def check_layout(path):
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    assert (8 + n) % 8 == 0, f"header of {n} bytes leaves the data unaligned"
    text = raw[8:8 + n].decode("utf-8")
    assert text == text.rstrip(" ") + " " * (len(text) - len(text.rstrip(" "))), "padding is not spaces"
    header = json.loads(text)
    entries = [(k, v) for k, v in header.items() if k != "__metadata__"]
    if "__metadata__" in header:
        assert next(iter(header)) == "__metadata__", "__metadata__ is not first"
    # The library's order: larger dtypes first, then by name; data back to back.
    size = {"F64": 8, "F32": 4}
    expected = sorted(entries, key=lambda kv: (-size[kv[1]["dtype"]], kv[0]))
    assert [k for k, _ in entries] == [k for k, _ in expected], f"tensor order {[k for k, _ in entries]}"
    position = 0
    for name, info in entries:
        begin, end = info["data_offsets"]
        assert begin == position, f"{name} starts at {begin}, expected {position}"
        assert end - begin == size[info["dtype"]] * int(np.prod(info["shape"], dtype=np.int64)), f"{name} span"
        position = end
    assert 8 + n + position == len(raw), "data does not end at the end of the file"


def main():
    path = sys.argv[1]
    check_layout(path)
    tensors = safetensors.numpy.load_file(path)
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    result = {
        "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "values": [float(x) for x in v.reshape(-1)]}
                    for k, v in sorted(tensors.items())},
        "metadata": metadata,
        "torch": "not installed",
    }
    try:
        import torch
        from safetensors.torch import load_file as torch_load_file
    except ImportError:
        torch = None
    # An optimizer companion (metadata "optimizer") holds buffers, not the model.
    if torch is not None and metadata.get("lab") == "linear" and "optimizer" not in metadata:
        class Linear(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.weight = torch.nn.Parameter(torch.rand(1))
                self.bias = torch.nn.Parameter(torch.rand(1))
        model = Linear()
        model.load_state_dict(torch_load_file(path), strict=True)
        result["torch"] = f"Linear.load_state_dict strict: weight={model.weight.item()!r} bias={model.bias.item()!r}"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
