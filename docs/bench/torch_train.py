#!/usr/bin/python3
"""PyTorch's TBPTT training throughput, the anchor of `bench train` (README, "TBPTT training
throughput"): nn.RNN / nn.LSTM / nn.GRU (input 4, hidden H, 1 or 2 layers) + nn.Linear(H, 4),
next-step MSE of noisy sines, batches of 64 sequences x 256 steps, chunks of 32 (the state carried
and detached between chunks), Adam lr 1e-3, clip_grad_norm_ 1.0, float64, 2 threads. Prints
time-steps per second (sequences x steps), the median of 5 timed batches after 2 warm-up ones.

    /usr/bin/python3 docs/bench/torch_train.py [H]      # default H = 64
"""
import math
import sys
import time

import torch

torch.set_num_threads(2)
torch.set_default_dtype(torch.float64)
H = int(sys.argv[1]) if len(sys.argv) > 1 else 64
D, B, T, K = 4, 64, 256, 32

g = torch.Generator().manual_seed(1)
t = torch.arange(T + 1, dtype=torch.float64)
period = 8 + 24 * torch.rand(B, D, generator=g)
phase = 2 * math.pi * torch.rand(B, D, generator=g)
series = torch.sin(2 * math.pi * t.view(-1, 1, 1) / period + phase) + 0.1 * torch.randn(T + 1, B, D, generator=g)
x, y = series[:-1], series[1:]

for cell, kind in [("gru", torch.nn.GRU), ("rnn", torch.nn.RNN), ("lstm", torch.nn.LSTM)]:
    for layers in (1, 2):
        torch.manual_seed(2)
        net = kind(D, H, num_layers=layers)
        head = torch.nn.Linear(H, D)
        params = list(net.parameters()) + list(head.parameters())
        opt = torch.optim.Adam(params, lr=1e-3)
        rates = []
        for rep in range(7):
            t0 = time.perf_counter()
            state = None
            for s in range(0, T, K):
                out, state = net(x[s:s + K], state)
                state = tuple(v.detach() for v in state) if isinstance(state, tuple) else state.detach()
                loss = torch.nn.functional.mse_loss(head(out), y[s:s + K])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
            rates.append(B * T / (time.perf_counter() - t0))
        rates = sorted(rates[2:])
        print(f"{cell} L{layers} H={H}: median {rates[len(rates) // 2]:,.0f} time-steps/s "
              f"(min {rates[0]:,.0f}, max {rates[-1]:,.0f})")
