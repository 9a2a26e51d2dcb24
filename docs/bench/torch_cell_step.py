#!/usr/bin/python3
"""PyTorch's recurrent cells at batch 1, float64, one thread: the anchor of `bench step` (README,
"Every cell and layer count"). Run in the same sitting as `./gru-streams bench step --sizes 8x64
--cells gru,rnn,lstm --layers 1,2`, with Debian's python3-torch:

    /usr/bin/python3 docs/bench/torch_cell_step.py

Prints the median of five timed runs of 20,000 steps (after two warm-up runs) per cell.
"""
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
CELLS = {"GRUCell": torch.nn.GRUCell, "LSTMCell": torch.nn.LSTMCell, "RNNCell": torch.nn.RNNCell}
for name, kind in CELLS.items():
    cell = kind(8, 64)
    xs = torch.randn(256, 1, 8)
    h = torch.zeros(1, 64)
    st = (h, torch.zeros(1, 64)) if name == "LSTMCell" else h
    res = []
    with torch.no_grad():
        for rep in range(7):
            n = 20000
            t0 = time.perf_counter()
            for i in range(n):
                st = cell(xs[i & 255], st)
            res.append((time.perf_counter() - t0) / n * 1e9)
    res = sorted(res[2:])
    print(f"{name} (8,64) float64 batch 1, 1 thread: median {res[len(res)//2]:.0f} ns/step (min {res[0]:.0f})")
