#!/usr/bin/python3
"""Generate float64 reference vectors for stacked recurrent cells (RNN, LSTM, GRU).

Run with Debian's python and PyTorch (see README.md beside this script):
    /usr/bin/python3 src/test/reference/make_reference.py --check \
        --legacy-compare ../shared/reference/gru/pytorch_I1_H4_seed1.json

writes cases/*.json and cases/index.json beside this script (schema "recurrent-reference/2").

Cells (all float64, num_layers L >= 1, every layer of hidden size H):
  * rnn  / pytorch : torch.nn.RNN (tanh), computed with nn.RNN(num_layers=L) itself.
  * lstm / pytorch : torch.nn.LSTM (gate order i,f,g,o; state (h, c)), nn.LSTM(num_layers=L).
  * gru  / pytorch : torch.nn.GRU (gate order r,z,n), nn.GRU(num_layers=L).
  * gru  / cho     : lecture-notes GRU on [h_{t-1}; u_t] (reset before the matmul,
                     h' = (1-z)*h + z*h_tilde), written with plain torch ops.
Stacking: layer k's output sequence is layer k+1's input; y_t = W_y @ h^(L-1)_t + b_y.

For cell gru with L = 1 the random draws and all computations are those of the previous
generator (schema "gru-reference/1"); --legacy-compare regenerates such files and compares
every value (see README.md, section "Relation to gru-reference/1").

The output is deterministic for a given torch build and BLAS (seeded torch.Generator,
one thread).
"""
import argparse
import json
import math
import os
import platform
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
DT = torch.float64

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(SCRIPT_DIR, "cases")
T_DEFAULT = 24    # sequence length (number of steps)
K_DEFAULT = 8     # TBPTT chunk length, k1 = k2 = K
MAX_NORM = 1.0    # clip_grad_norm_ threshold
ADAM_LR, ADAM_B1, ADAM_B2, ADAM_EPS = 1e-3, 0.9, 0.999, 1e-8
FD_EPS = 1e-6     # central finite-difference step
SCHEMA = "recurrent-reference/2"
LEGACY_SCHEMA = "gru-reference/1"

# (cell, formulation, num_layers, input_size, hidden_size, seed) -- one file each
CASES = [
    ("rnn", "pytorch", 1, 1, 4, 13), ("rnn", "pytorch", 1, 3, 5, 14),
    ("rnn", "pytorch", 2, 1, 4, 15), ("rnn", "pytorch", 2, 3, 5, 16),
    ("lstm", "pytorch", 1, 1, 4, 9), ("lstm", "pytorch", 1, 3, 5, 10),
    ("lstm", "pytorch", 2, 1, 4, 11), ("lstm", "pytorch", 2, 3, 5, 12),
    ("gru", "pytorch", 1, 1, 4, 5), ("gru", "pytorch", 1, 3, 5, 6),
    ("gru", "pytorch", 2, 1, 4, 7), ("gru", "pytorch", 2, 3, 5, 8),
    ("gru", "cho", 1, 1, 4, 1), ("gru", "cho", 1, 3, 5, 2),
    ("gru", "cho", 2, 1, 4, 3), ("gru", "cho", 2, 3, 5, 4),
]

NUM_GATES = {"rnn": 1, "lstm": 4, "gru": 3}
GATE_NAMES = {("rnn", "pytorch"): [], ("lstm", "pytorch"): ["i", "f", "g", "o"],
              ("gru", "pytorch"): ["r", "z", "n"], ("gru", "cho"): ["r", "z", "h_tilde"]}
TORCH_LAYER_TENSORS = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
CHO_LAYER_TENSORS = ["W_r", "W_z", "W_h", "b_r", "b_z", "b_h"]


def file_name(cell, form, L, I, H, seed):
    kind = cell if cell != "gru" else f"gru-{form}"
    return f"{kind}_L{L}_I{I}_H{H}_seed{seed}.json"


def state_names(cell):
    return ["h", "c"] if cell == "lstm" else ["h"]


# ----------------------------------------------------------------------------------------
# Data: all random draws of one file, in a fixed order from one seeded generator
# ----------------------------------------------------------------------------------------
def make_case(cell, form, L, I, H, seed, T):
    """Draw order: series, h_init [L,H], (lstm) c_init [L,H], W_y, b_y, cell parameters.

    Cell parameters: rnn/lstm: per layer k = 0..L-1: weight_ih_lk, weight_hh_lk, bias_ih_lk,
    bias_hh_lk. gru (either formulation): first the nn.GRU tensors of all layers, then the
    cho tensors W_r, W_z, W_h, b_r, b_z, b_h of all layers; the file keeps the set of its
    formulation. For gru with L = 1 this is exactly the draw sequence of gru-reference/1.
    """
    g = torch.Generator().manual_seed(seed)

    def U(shape, k):  # uniform(-k, k)
        return (torch.rand(shape, generator=g, dtype=DT) * 2.0 - 1.0) * k

    # synthetic series s[0..T] (T+1 values) per channel: two sines + gaussian noise
    t = torch.arange(T + 1, dtype=DT).unsqueeze(1)                  # [T+1, 1]
    offset = 2.0 * torch.rand(I, generator=g, dtype=DT) - 1.0       # [-1, 1)
    amp1 = 1.0 + 2.0 * torch.rand(I, generator=g, dtype=DT)         # [1, 3)
    per1 = 8.0 + 12.0 * torch.rand(I, generator=g, dtype=DT)        # period 8..20 steps
    ph1 = 2 * math.pi * torch.rand(I, generator=g, dtype=DT)
    amp2 = torch.rand(I, generator=g, dtype=DT)                     # [0, 1)
    per2 = 3.0 + 4.0 * torch.rand(I, generator=g, dtype=DT)         # period 3..7 steps
    ph2 = 2 * math.pi * torch.rand(I, generator=g, dtype=DT)
    noise = 0.2 * torch.randn((T + 1, I), generator=g, dtype=DT)
    s = (offset + amp1 * torch.sin(2 * math.pi * t / per1 + ph1)
         + amp2 * torch.sin(2 * math.pi * t / per2 + ph2) + noise)
    x = s[:T].clone()          # inputs x[0..T-1]
    target = s[1:].clone()     # target[t] = s[t+1] = x[t+1] for t < T-1

    state = OrderedDict(h=U((L, H), 0.5))
    if cell == "lstm":
        state["c"] = U((L, H), 0.5)
    k = 1.0 / math.sqrt(H)
    readout = OrderedDict(W_y=U((I, H), k), b_y=U(I, k))
    G = NUM_GATES[cell]

    def torch_layers():
        p = OrderedDict()
        for l in range(L):
            D = I if l == 0 else H
            p[f"weight_ih_l{l}"] = U((G * H, D), k)
            p[f"weight_hh_l{l}"] = U((G * H, H), k)
            p[f"bias_ih_l{l}"] = U(G * H, k)
            p[f"bias_hh_l{l}"] = U(G * H, k)
        return p

    def cho_layers():
        p = OrderedDict()
        for l in range(L):
            D = I if l == 0 else H
            for n in ("W_r", "W_z", "W_h"):
                p[f"{n}_l{l}"] = U((H, H + D), k)
            for n in ("b_r", "b_z", "b_h"):
                p[f"{n}_l{l}"] = U(H, k)
        return p

    tp = torch_layers()
    if cell == "gru":
        cp = cho_layers()
        vals = tp if form == "pytorch" else cp
    else:
        assert form == "pytorch"
        vals = tp
    vals.update(readout)
    return dict(x=x, target=target, state=state, vals=vals)


# ----------------------------------------------------------------------------------------
# Models. params() -> OrderedDict name -> leaf tensor (in param_order);
# run(x [T,I], state {h: [L,H], c: [L,H]}) -> (top-layer outputs [T,H], final state dict);
# readout(hs [T,H]) -> [T,I].
# ----------------------------------------------------------------------------------------
class TorchStack:
    """nn.RNN / nn.LSTM / nn.GRU with num_layers = L, plus nn.Linear(H, I) readout."""

    def __init__(self, cell, vals, L, I, H):
        self.cell, self.L, self.I, self.H = cell, L, I, H
        self.vals = vals
        self.mod = self.module(I, L)
        self.lin = nn.Linear(H, I).to(DT)
        self.names = [f"{n}_l{l}" for l in range(L) for n in TORCH_LAYER_TENSORS]
        with torch.no_grad():
            for n in self.names:
                getattr(self.mod, n).copy_(vals[n])
            self.lin.weight.copy_(vals["W_y"])
            self.lin.bias.copy_(vals["b_y"])

    def module(self, D, L):
        if self.cell == "rnn":
            return nn.RNN(D, self.H, num_layers=L, nonlinearity="tanh").to(DT)
        if self.cell == "lstm":
            return nn.LSTM(D, self.H, num_layers=L).to(DT)
        return nn.GRU(D, self.H, num_layers=L).to(DT)

    def params(self):
        p = OrderedDict((n, getattr(self.mod, n)) for n in self.names)
        p["W_y"] = self.lin.weight
        p["b_y"] = self.lin.bias
        return p

    def run(self, x, st):
        h0 = st["h"].unsqueeze(1)                                  # [L, 1, H] (batch 1)
        if self.cell == "lstm":
            out, (hn, cn) = self.mod(x.unsqueeze(1), (h0, st["c"].unsqueeze(1)))
            return out[:, 0, :], OrderedDict(h=hn[:, 0, :], c=cn[:, 0, :])
        out, hn = self.mod(x.unsqueeze(1), h0)
        return out[:, 0, :], OrderedDict(h=hn[:, 0, :])

    def readout(self, hs):
        return self.lin(hs)

    @torch.no_grad()
    def layerwise(self, x, st):
        """Every layer's output sequence [L,T,H]: layer l run as its own single-layer module
        (same class, layer l's weights) on the whole sequence of layer l-1's outputs -- what
        the stacked module does internally."""
        inp, outs = x.unsqueeze(1), []
        for l in range(self.L):
            m = self.module(self.I if l == 0 else self.H, 1)
            for n in TORCH_LAYER_TENSORS:
                getattr(m, f"{n}_l0").copy_(self.vals[f"{n}_l{l}"])
            h0 = st["h"][l].reshape(1, 1, -1)
            if self.cell == "lstm":
                inp, _ = m(inp, (h0, st["c"][l].reshape(1, 1, -1)))
            else:
                inp, _ = m(inp, h0)
            outs.append(inp[:, 0, :])
        return torch.stack(outs)


class ChoStack:
    """Lecture-notes GRU with plain torch ops (autograd for the gradients)."""
    cell = "gru"

    def __init__(self, vals, L):
        self.L = L
        self.p = OrderedDict((n, v.clone().requires_grad_(True)) for n, v in vals.items())

    def params(self):
        return self.p

    def step(self, l, u, h):
        p = self.p
        hu = torch.cat([h, u])                      # [h_{t-1}; u_t]
        r = torch.sigmoid(p[f"W_r_l{l}"] @ hu + p[f"b_r_l{l}"])
        z = torch.sigmoid(p[f"W_z_l{l}"] @ hu + p[f"b_z_l{l}"])
        ht = torch.tanh(p[f"W_h_l{l}"] @ torch.cat([r * h, u]) + p[f"b_h_l{l}"])
        return (1 - z) * h + z * ht, r, z, ht

    def run(self, x, st):
        inp, finals = x, []
        for l in range(self.L):
            h = st["h"][l]
            out = []
            for t in range(inp.shape[0]):
                h = self.step(l, inp[t], h)[0]
                out.append(h)
            inp = torch.stack(out)
            finals.append(h)
        return inp, OrderedDict(h=torch.stack(finals))

    def readout(self, hs):
        return hs @ self.p["W_y"].T + self.p["b_y"]

    @torch.no_grad()
    def equations(self, x, st):
        """Per-layer states and gate traces, [L,T,H] each."""
        res = OrderedDict((k, []) for k in ("h", "r", "z", "h_tilde"))
        inp = x
        for l in range(self.L):
            h = st["h"][l]
            tr = OrderedDict((k, []) for k in res)
            for t in range(inp.shape[0]):
                h, r, z, ht = self.step(l, inp[t], h)
                tr["r"].append(r); tr["z"].append(z); tr["h_tilde"].append(ht); tr["h"].append(h)
            for k in res:
                res[k].append(torch.stack(tr[k]))
            inp = res["h"][-1]
        return OrderedDict((k, torch.stack(v)) for k, v in res.items())


def make_model(cell, form, vals, L, I, H):
    if cell == "gru" and form == "cho":
        return ChoStack(vals, L)
    return TorchStack(cell, vals, L, I, H)


def torch_cell_equations(cell, P, L, x, st):
    """nn.RNN / nn.LSTM / nn.GRU equations written out with torch ops (autograd-capable).

    Returns OrderedDict of [L,T,H] tensors: h, (lstm) c, and the gate traces."""
    names = ["h"] + (["c"] if cell == "lstm" else []) + GATE_NAMES[(cell, "pytorch")]
    res = OrderedDict((k, []) for k in names)
    inp = x
    for l in range(L):
        Wi, Wh = P[f"weight_ih_l{l}"], P[f"weight_hh_l{l}"]
        bi, bh = P[f"bias_ih_l{l}"], P[f"bias_hh_l{l}"]
        h = st["h"][l]
        c = st["c"][l] if cell == "lstm" else None
        tr = OrderedDict((k, []) for k in names)
        for t in range(inp.shape[0]):
            gi = Wi @ inp[t] + bi
            gh = Wh @ h + bh
            if cell == "rnn":
                h = torch.tanh(gi + gh)
            elif cell == "lstm":
                a_i, a_f, a_g, a_o = (gi + gh).chunk(4)
                i = torch.sigmoid(a_i)
                f = torch.sigmoid(a_f)
                g = torch.tanh(a_g)
                o = torch.sigmoid(a_o)
                c = f * c + i * g
                h = o * torch.tanh(c)
                tr["c"].append(c); tr["i"].append(i); tr["f"].append(f); tr["g"].append(g); tr["o"].append(o)
            else:
                i_r, i_z, i_n = gi.chunk(3)
                h_r, h_z, h_n = gh.chunk(3)
                r = torch.sigmoid(i_r + h_r)
                z = torch.sigmoid(i_z + h_z)
                n = torch.tanh(i_n + r * h_n)
                h = (1 - z) * n + z * h
                tr["r"].append(r); tr["z"].append(z); tr["n"].append(n)
            tr["h"].append(h)
        for k in names:
            res[k].append(torch.stack(tr[k]))
        inp = res["h"][-1]
    return OrderedDict((k, torch.stack(v)) for k, v in res.items())


@torch.no_grad()
def torch_cell_loop(cell, vals, L, I, H, x, st):
    """nn.RNNCell / nn.LSTMCell / nn.GRUCell, one cell per layer, stepped time-major."""
    cells = []
    for l in range(L):
        D = I if l == 0 else H
        c_ = (nn.RNNCell(D, H, nonlinearity="tanh") if cell == "rnn" else
              nn.LSTMCell(D, H) if cell == "lstm" else nn.GRUCell(D, H)).to(DT)
        for n in TORCH_LAYER_TENSORS:
            getattr(c_, n).copy_(vals[f"{n}_l{l}"])
        cells.append(c_)
    h = [st["h"][l].unsqueeze(0) for l in range(L)]
    c = [st["c"][l].unsqueeze(0) for l in range(L)] if cell == "lstm" else None
    hs, cs = [[] for _ in range(L)], [[] for _ in range(L)]
    for t in range(x.shape[0]):
        u = x[t:t + 1]
        for l in range(L):
            if cell == "lstm":
                h[l], c[l] = cells[l](u, (h[l], c[l]))
                cs[l].append(c[l][0])
            else:
                h[l] = cells[l](u, h[l])
            hs[l].append(h[l][0])
            u = h[l]
    out = OrderedDict(h=torch.stack([torch.stack(v) for v in hs]))
    if cell == "lstm":
        out["c"] = torch.stack([torch.stack(v) for v in cs])
    return out


def cho_numpy_forward(vals, L, x, st):
    """Independent numpy implementation of the stacked Cho formulation (cross-check only)."""
    v = {k: t.detach().numpy() for k, t in vals.items()}
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))
    inp = x.numpy()
    layers = []
    for l in range(L):
        h = st["h"][l].numpy().copy()
        out = []
        for t in range(inp.shape[0]):
            hu = np.concatenate([h, inp[t]])
            r = sig(v[f"W_r_l{l}"] @ hu + v[f"b_r_l{l}"])
            z = sig(v[f"W_z_l{l}"] @ hu + v[f"b_z_l{l}"])
            ht = np.tanh(v[f"W_h_l{l}"] @ np.concatenate([r * h, inp[t]]) + v[f"b_h_l{l}"])
            h = (1 - z) * h + z * ht
            out.append(h)
        inp = np.stack(out)
        layers.append(inp)
    return np.stack(layers)


# ----------------------------------------------------------------------------------------
# Keras layout cross-check (numpy transcriptions of Keras' cell call(); TF is not installed)
# ----------------------------------------------------------------------------------------
def keras_gru_forward(kernel, recurrent_kernel, bias, reset_after, x, h):
    """Keras GRUCell equations (row-vector convention, gate blocks [z | r | h]) in numpy."""
    H = recurrent_kernel.shape[0]
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))
    bx, bh = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * H))
    out = []
    for t in range(x.shape[0]):
        mx = x[t] @ kernel + bx
        if reset_after:
            mh = h @ recurrent_kernel + bh
            z = sig(mx[:H] + mh[:H]); r = sig(mx[H:2 * H] + mh[H:2 * H])
            hh = np.tanh(mx[2 * H:] + r * mh[2 * H:])
        else:
            mh = h @ recurrent_kernel[:, :2 * H]
            z = sig(mx[:H] + mh[:H]); r = sig(mx[H:2 * H] + mh[H:2 * H])
            hh = np.tanh(mx[2 * H:] + (r * h) @ recurrent_kernel[:, 2 * H:])
        h = z * h + (1 - z) * hh
        out.append(h)
    return np.stack(out)


def keras_lstm_forward(kernel, recurrent_kernel, bias, x, h, c):
    """Keras LSTMCell (gate blocks [i | f | c | o], one bias) in numpy."""
    H = recurrent_kernel.shape[0]
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))
    out = []
    for t in range(x.shape[0]):
        z = x[t] @ kernel + h @ recurrent_kernel + bias
        i, f, o = sig(z[:H]), sig(z[H:2 * H]), sig(z[3 * H:])
        c = f * c + i * np.tanh(z[2 * H:3 * H])
        h = o * np.tanh(c)
        out.append(h)
    return np.stack(out)


def keras_rnn_forward(kernel, recurrent_kernel, bias, x, h):
    """Keras SimpleRNNCell (activation tanh) in numpy."""
    out = []
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ kernel + bias + h @ recurrent_kernel)
        out.append(h)
    return np.stack(out)


def keras_mapping_check(cell, form, vals, L, x, st, hs):
    """Map each layer's weights to Keras layout as documented in README.md, run the Keras cell
    equations layer after layer and compare with forward.h (all layers)."""
    v = {k: t.detach().numpy() for k, t in vals.items()}
    H = st["h"].shape[1]
    inp = x.numpy()
    worst = 0.0
    for l in range(L):
        h0 = st["h"][l].numpy()
        if cell == "gru" and form == "pytorch":  # -> reset_after=True: transpose, reorder (r,z,n) -> (z,r,h)
            def zrh(m):
                return np.concatenate([m[H:2 * H], m[:H], m[2 * H:]], axis=0)
            K, R = zrh(v[f"weight_ih_l{l}"]).T, zrh(v[f"weight_hh_l{l}"]).T
            bias = np.stack([zrh(v[f"bias_ih_l{l}"]), zrh(v[f"bias_hh_l{l}"])])
            ks = keras_gru_forward(K, R, bias, True, inp, h0)
        elif cell == "gru":                      # -> reset_after=False: negate z, split [U | V]
            U = {g: v[f"W_{g}_l{l}"][:, :H] for g in "rzh"}
            V = {g: v[f"W_{g}_l{l}"][:, H:] for g in "rzh"}
            K = np.concatenate([-V["z"].T, V["r"].T, V["h"].T], axis=1)
            R = np.concatenate([-U["z"].T, U["r"].T, U["h"].T], axis=1)
            bias = np.concatenate([-v[f"b_z_l{l}"], v[f"b_r_l{l}"], v[f"b_h_l{l}"]])
            ks = keras_gru_forward(K, R, bias, False, inp, h0)
        elif cell == "lstm":                     # same gate order i,f,g(c),o; biases summed
            ks = keras_lstm_forward(v[f"weight_ih_l{l}"].T, v[f"weight_hh_l{l}"].T,
                                    v[f"bias_ih_l{l}"] + v[f"bias_hh_l{l}"], inp, h0, st["c"][l].numpy())
        else:
            ks = keras_rnn_forward(v[f"weight_ih_l{l}"].T, v[f"weight_hh_l{l}"].T,
                                   v[f"bias_ih_l{l}"] + v[f"bias_hh_l{l}"], inp, h0)
        worst = max(worst, float(np.abs(ks - hs[l].numpy()).max()))
        inp = ks
    return worst


# ----------------------------------------------------------------------------------------
# Gradients
# ----------------------------------------------------------------------------------------
def zero_grads(model):
    for p in model.params().values():
        p.grad = None


def grads_of(model):
    return OrderedDict((n, p.grad.detach().clone()) for n, p in model.params().items())


def global_norm(grads):
    return float(torch.sqrt(sum((g * g).sum() for g in grads.values())))


def sum_sq(model, hs, tgt):
    return ((model.readout(hs) - tgt) ** 2).sum()


def detached(st):
    return OrderedDict((k, v.detach()) for k, v in st.items())


def full_bptt(model, x, tgt, st):
    N = tgt.numel()
    zero_grads(model)
    s0 = OrderedDict((k, v.clone().requires_grad_(True)) for k, v in st.items())
    hs, _ = model.run(x, s0)
    loss = sum_sq(model, hs, tgt) / N
    loss.backward()
    g0 = OrderedDict((k, v.grad.detach().clone()) for k, v in s0.items())
    return float(loss), grads_of(model), g0, hs.detach()


@torch.no_grad()
def per_step_states(model, x, st):
    """Call the model once per time step (sequence length 1), as a streaming caller does,
    and record every layer's state after each step: {h: [L,T,H], c: [L,T,H]}."""
    rec = OrderedDict((k, []) for k in st)
    for t in range(x.shape[0]):
        _, st = model.run(x[t:t + 1], st)
        for k in st:
            rec[k].append(st[k])
    return OrderedDict((k, torch.stack(v, dim=1)) for k, v in rec.items())


def chunk_bounds(T, K):
    return [(s, min(s + K, T)) for s in range(0, T, K)]


def tbptt(model, x, tgt, st, T, K):
    """Per-chunk gradients at fixed parameters; chunk losses normalized by the full count N."""
    N = tgt.numel()
    chunks = []
    hs_all = []
    for s, e in chunk_bounds(T, K):
        zero_grads(model)
        start = detached(st)
        hs, st = model.run(x[s:e], start)
        loss_c = sum_sq(model, hs, tgt[s:e]) / N
        loss_c.backward()
        chunks.append(dict(start=s, end=e, loss=float(loss_c), grad=grads_of(model),
                           state=OrderedDict((k, v.clone()) for k, v in start.items())))
        hs_all.append(hs.detach())
    gsum = OrderedDict((n, sum(c["grad"][n] for c in chunks)) for n in chunks[0]["grad"])
    return chunks, gsum, torch.cat(hs_all)


def clip(model, grads):
    """Apply torch.nn.utils.clip_grad_norm_ (max_norm=MAX_NORM, L2 over all params)."""
    params = list(model.params().values())
    for (n, p) in model.params().items():
        p.grad = grads[n].clone()
    total = float(torch.nn.utils.clip_grad_norm_(params, MAX_NORM))
    coef = min(1.0, MAX_NORM / (total + 1e-6))
    out = grads_of(model)
    zero_grads(model)
    return total, coef, out


def tbptt_adam_run(new_model, x, tgt, st, T, K):
    """TBPTT training run: per chunk mean-MSE loss, backward, clip_grad_norm_, torch.optim.Adam step."""
    model = new_model()
    params = list(model.params().values())
    opt = torch.optim.Adam(params, lr=ADAM_LR, betas=(ADAM_B1, ADAM_B2), eps=ADAM_EPS)
    recs = []
    for s, e in chunk_bounds(T, K):
        opt.zero_grad(set_to_none=True)
        hs, st = model.run(x[s:e], detached(st))
        loss = sum_sq(model, hs, tgt[s:e]) / tgt[s:e].numel()    # == F.mse_loss(y, target) (mean)
        loss.backward()
        total = float(torch.nn.utils.clip_grad_norm_(params, MAX_NORM))
        opt.step()
        recs.append(OrderedDict(start=s, end=e, loss=float(loss), grad_norm_before_clip=total,
                                clip_coef=min(1.0, MAX_NORM / (total + 1e-6))))
    final = OrderedDict((n, p.detach().clone()) for n, p in model.params().items())
    return recs, detached(st), final


def manual_adam_run(new_model, x, tgt, st, T, K):
    """Same as tbptt_adam_run but with a hand-written Adam (checks the README's formula)."""
    model = new_model()
    P = model.params()
    m = {n: torch.zeros_like(p) for n, p in P.items()}
    v = {n: torch.zeros_like(p) for n, p in P.items()}
    step = 0
    for s, e in chunk_bounds(T, K):
        zero_grads(model)
        hs, st = model.run(x[s:e], detached(st))
        loss = sum_sq(model, hs, tgt[s:e]) / tgt[s:e].numel()
        loss.backward()
        g = grads_of(model)
        norm = global_norm(g)
        coef = min(1.0, MAX_NORM / (norm + 1e-6))
        step += 1
        with torch.no_grad():
            for n, p in P.items():
                gn = g[n] * coef
                m[n] = ADAM_B1 * m[n] + (1 - ADAM_B1) * gn
                v[n] = ADAM_B2 * v[n] + (1 - ADAM_B2) * gn * gn
                bc1 = 1 - ADAM_B1 ** step
                bc2 = 1 - ADAM_B2 ** step
                p -= (ADAM_LR / bc1) * m[n] / (torch.sqrt(v[n]) / math.sqrt(bc2) + ADAM_EPS)
    return OrderedDict((n, p.detach().clone()) for n, p in P.items())


# ----------------------------------------------------------------------------------------
# Finite-difference checks (--check)
# ----------------------------------------------------------------------------------------
@torch.no_grad()
def fd_tensors(tensors, loss_fn, eps=FD_EPS):
    """Central differences of loss_fn() w.r.t. every entry of the given (name -> tensor) map,
    perturbing the tensors in place."""
    out = OrderedDict()
    for n, p in tensors.items():
        g = torch.zeros_like(p)
        flat = p.view(-1)
        gf = g.view(-1)
        for i in range(flat.numel()):
            old = float(flat[i])
            flat[i] = old + eps
            lp = float(loss_fn())
            flat[i] = old - eps
            lm = float(loss_fn())
            flat[i] = old
            gf[i] = (lp - lm) / (2 * eps)
        out[n] = g
    return out


def max_abs_diff(a, b):
    return max(float((a[n] - b[n]).abs().max()) for n in a)


# ----------------------------------------------------------------------------------------
# JSON output: objects indented, numeric vectors on one line, matrices one row per line.
# ----------------------------------------------------------------------------------------
def tolist(v):
    if isinstance(v, torch.Tensor):
        return v.detach().tolist()
    if isinstance(v, dict):
        return OrderedDict((k, tolist(x)) for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return [tolist(x) for x in v]
    return v


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def dump(v, ind=0):
    pad = "  " * ind
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f'{pad}  {json.dumps(k)}: {dump(x, ind + 1)}' for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        if all(is_num(x) for x in v) or all(isinstance(x, str) for x in v):
            return "[" + ", ".join(json.dumps(x) for x in v) + "]"
        items = [pad + "  " + dump(x, ind + 1) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(v, float):
        assert math.isfinite(v), v
    return json.dumps(v)


def blas_in_use():
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({l.split()[-1] for l in f if "blas" in l.lower() and l.split()[-1].startswith("/")})
        return [os.path.realpath(l) for l in libs]
    except OSError:
        return []


# ----------------------------------------------------------------------------------------
# Equations (informal, stored in each file)
# ----------------------------------------------------------------------------------------
STACK_EQ = [
    "layers l = 0..L-1, all of hidden size H; layer input u^(0)_t = x_t (size D_0 = I), "
    "u^(l)_t = h^(l-1)_t for l >= 1 (size D_l = H)",
    "initial state of layer l: h^(l)_{-1} = h_init[l]",
]
EQUATIONS = {
    ("rnn", "pytorch"): STACK_EQ + [
        "h^(l)_t = tanh(weight_ih_l{l} @ u^(l)_t + bias_ih_l{l} + weight_hh_l{l} @ h^(l)_{t-1} + bias_hh_l{l})",
        "y_t = W_y @ h^(L-1)_t + b_y",
    ],
    ("lstm", "pytorch"): STACK_EQ + [
        "initial cell state of layer l: c^(l)_{-1} = c_init[l]",
        "gi = weight_ih_l{l} @ u^(l)_t + bias_ih_l{l} ; gh = weight_hh_l{l} @ h^(l)_{t-1} + bias_hh_l{l}   "
        "(rows: [i | f | g | o], H each)",
        "i_t = sigmoid(gi[0:H] + gh[0:H])",
        "f_t = sigmoid(gi[H:2H] + gh[H:2H])",
        "g_t = tanh(gi[2H:3H] + gh[2H:3H])",
        "o_t = sigmoid(gi[3H:4H] + gh[3H:4H])",
        "c^(l)_t = f_t * c^(l)_{t-1} + i_t * g_t",
        "h^(l)_t = o_t * tanh(c^(l)_t)",
        "y_t = W_y @ h^(L-1)_t + b_y",
    ],
    ("gru", "pytorch"): STACK_EQ + [
        "gi = weight_ih_l{l} @ u^(l)_t + bias_ih_l{l} ; gh = weight_hh_l{l} @ h^(l)_{t-1} + bias_hh_l{l}   "
        "(rows: [r | z | n], H each)",
        "r_t = sigmoid(gi[0:H] + gh[0:H])",
        "z_t = sigmoid(gi[H:2H] + gh[H:2H])",
        "n_t = tanh(gi[2H:3H] + r_t * gh[2H:3H])",
        "h^(l)_t = (1 - z_t) * n_t + z_t * h^(l)_{t-1}",
        "y_t = W_y @ h^(L-1)_t + b_y",
    ],
    ("gru", "cho"): STACK_EQ + [
        "r_t = sigmoid(W_r_l{l} @ [h^(l)_{t-1}; u^(l)_t] + b_r_l{l})",
        "z_t = sigmoid(W_z_l{l} @ [h^(l)_{t-1}; u^(l)_t] + b_z_l{l})",
        "h_tilde_t = tanh(W_h_l{l} @ [r_t * h^(l)_{t-1}; u^(l)_t] + b_h_l{l})",
        "h^(l)_t = (1 - z_t) * h^(l)_{t-1} + z_t * h_tilde_t",
        "y_t = W_y @ h^(L-1)_t + b_y",
        "columns 0..H-1 of W_*_l{l} multiply h^(l)_{t-1} (resp. r_t * h^(l)_{t-1}); "
        "columns H..H+D_l-1 multiply u^(l)_t",
    ],
}
GATE_ORDER = {
    ("rnn", "pytorch"): "weight_ih_l{l} [H][D_l], weight_hh_l{l} [H][H], bias_ih_l{l} [H], bias_hh_l{l} [H] (no gates)",
    ("lstm", "pytorch"): "weight_ih_l{l}/weight_hh_l{l}/bias_ih_l{l}/bias_hh_l{l} rows: "
                         "[i (0..H-1) | f (H..2H-1) | g (2H..3H-1) | o (3H..4H-1)]",
    ("gru", "pytorch"): "weight_ih_l{l}/weight_hh_l{l}/bias_ih_l{l}/bias_hh_l{l} rows: "
                        "[r (0..H-1) | z (H..2H-1) | n (2H..3H-1)]",
    ("gru", "cho"): "separate matrices W_r_l{l}, W_z_l{l}, W_h_l{l} of shape [H][H+D_l]; "
                    "columns [h^(l)_{t-1} (0..H-1) | u^(l)_t (H..H+D_l-1)]",
}
LOSS_DEFINITION = ("L = (1/(T*I)) * sum_{t=0}^{T-1} sum_j (y[t][j] - target[t][j])^2  "
                   "(= torch.nn.functional.mse_loss(y, target), reduction 'mean')")


# ----------------------------------------------------------------------------------------
# One file
# ----------------------------------------------------------------------------------------
def build(cell, form, L, I, H, seed, T, K, check):
    case = make_case(cell, form, L, I, H, seed, T)
    vals, x, tgt, st0 = case["vals"], case["x"], case["target"], case["state"]
    N = tgt.numel()

    def new_model():
        return make_model(cell, form, vals, L, I, H)

    model = new_model()
    checks = OrderedDict()
    snames = state_names(cell)

    # ---------------- forward (full sequence, the computation behind y, loss and gradients)
    loss, g_full, g_init, hs = full_bptt(model, x, tgt, st0)
    with torch.no_grad():
        y = model.readout(hs)
        _, fin_full = model.run(x, st0)
    # per-layer output sequences h [L,T,H] from whole-sequence calls
    if form == "pytorch":
        fw_h = model.layerwise(x, st0)
        checks["forward_layerwise_vs_stacked_module_max_abs"] = max(
            float((fw_h[L - 1] - hs).abs().max()), float((fw_h[:, T - 1] - fin_full["h"]).abs().max()))
    else:
        eq = model.equations(x, st0)
        fw_h = eq["h"]
    # one model call per step (as a streaming caller): states of all layers after every step;
    # the source of forward.c (lstm), whose per-step values no whole-sequence call returns
    step_states = per_step_states(model, x, st0)
    fw_states = OrderedDict(h=fw_h)
    if cell == "lstm":
        fw_states["c"] = step_states["c"]
    checks["forward_per_step_vs_full_sequence_max_abs"] = max(
        float((step_states["h"] - fw_h).abs().max()),
        max(float((step_states[k][:, T - 1] - fin_full[k]).abs().max()) for k in snames))

    if form == "pytorch":
        eq = torch_cell_equations(cell, vals, L, x, st0)
        checks["forward_vs_manual_equations_max_abs"] = max(
            float((eq[k] - fw_states[k]).abs().max()) for k in snames)
        loop = torch_cell_loop(cell, vals, L, I, H, x, st0)
        checks["forward_vs_cell_loop_max_abs"] = max(
            float((loop[k] - fw_states[k]).abs().max()) for k in snames)
        gates = OrderedDict((gname, eq[gname]) for gname in GATE_NAMES[(cell, form)])
        # gradients by autograd through the written-out equations vs the module's backward
        P = OrderedDict((n, v.clone().requires_grad_(True)) for n, v in vals.items())
        s0 = OrderedDict((k, v.clone().requires_grad_(True)) for k, v in st0.items())
        eqg = torch_cell_equations(cell, P, L, x, s0)
        lm = ((eqg["h"][L - 1] @ P["W_y"].T + P["b_y"] - tgt) ** 2).sum() / N
        lm.backward()
        checks["full_grad_module_vs_manual_equations_autograd_max_abs"] = max(
            max(float((P[n].grad - g_full[n]).abs().max()) for n in P),
            max(float((s0[k].grad - g_init[k]).abs().max()) for k in snames))
    else:
        checks["forward_vs_manual_equations_max_abs"] = float((eq["h"][L - 1] - hs).abs().max())
        checks["forward_vs_numpy_max_abs"] = float(
            np.abs(cho_numpy_forward(vals, L, x, st0) - fw_states["h"].numpy()).max())
        gates = OrderedDict((gname, eq[gname]) for gname in GATE_NAMES[(cell, form)])
    checks["keras_mapping_max_abs"] = keras_mapping_check(cell, form, vals, L, x, st0, fw_states["h"])

    # ---------------- TBPTT
    chunks, g_tb, hs_tb = tbptt(model, x, tgt, st0, T, K)
    checks["tbptt_forward_equals_full_forward_max_abs"] = float((hs_tb - hs).abs().max())
    dev = 0.0
    for c in chunks:
        for k in snames:
            ref = st0[k] if c["start"] == 0 else fw_states[k][:, c["start"] - 1]
            dev = max(dev, float((c["state"][k] - ref).abs().max()))
    checks["tbptt_chunk_start_states_vs_forward_max_abs"] = dev
    checks["tbptt_readout_grad_equals_full_max_abs"] = max(
        float((g_tb[n] - g_full[n]).abs().max()) for n in ("W_y", "b_y"))
    checks["sum_chunk_losses_minus_full_loss"] = sum(c["loss"] for c in chunks) - loss

    # ---------------- clipping
    n_full, c_full, g_full_clip = clip(model, g_full)
    n_tb, c_tb, g_tb_clip = clip(model, g_tb)
    assert abs(n_full - global_norm(g_full)) < 1e-12 * max(1.0, n_full)

    # ---------------- Adam run
    recs, st_fin, p_fin = tbptt_adam_run(new_model, x, tgt, st0, T, K)
    p_fin_manual = manual_adam_run(new_model, x, tgt, st0, T, K)
    checks["adam_run_vs_manual_adam_max_abs"] = max_abs_diff(p_fin, p_fin_manual)

    # ---------------- finite differences (optional, slower)
    if check:
        m2 = new_model()
        fd_full = fd_tensors(m2.params(), lambda: sum_sq(m2, m2.run(x, st0)[0], tgt) / N)
        checks["full_grad_vs_central_fd_max_abs"] = max_abs_diff(g_full, fd_full)

        def tb_loss():  # chunk start states frozen at their base-parameter values
            return sum(sum_sq(m2, m2.run(x[c["start"]:c["end"]], c["state"])[0], tgt[c["start"]:c["end"]])
                       for c in chunks) / N
        fd_tb = fd_tensors(m2.params(), tb_loss)
        checks["tbptt_grad_vs_central_fd_max_abs"] = max_abs_diff(g_tb, fd_tb)
        s_fd = OrderedDict((k, v.clone()) for k, v in st0.items())
        fd_init = fd_tensors(s_fd, lambda: sum_sq(m2, m2.run(x, s_fd)[0], tgt) / N)
        checks["grad_init_state_vs_central_fd_max_abs"] = max_abs_diff(g_init, fd_init)

    for k_, v_ in checks.items():
        lim = 1e-6 if "fd" in k_ else 1e-12
        assert abs(v_) < lim, (cell, form, L, I, H, seed, k_, v_)

    # ---------------- document
    doc = OrderedDict()
    doc["schema"] = SCHEMA
    doc["cell"] = cell
    doc["formulation"] = form
    if cell == "rnn":
        doc["nonlinearity"] = "tanh"
    doc["dtype"] = "float64"
    doc["num_layers"] = L
    doc["input_size"] = I
    doc["hidden_size"] = H
    doc["output_size"] = I
    doc["seq_len"] = T
    doc["seed"] = seed
    doc["equations"] = EQUATIONS[(cell, form)]
    doc["gate_order"] = GATE_ORDER[(cell, form)]
    doc["gate_names"] = GATE_NAMES[(cell, form)]
    doc["state_names"] = snames
    doc["param_order"] = list(vals.keys())
    doc["param_shapes"] = OrderedDict((n, list(p.shape)) for n, p in vals.items())
    doc["param_count"] = sum(p.numel() for p in vals.values())
    doc["params"] = vals
    doc["h_init"] = st0["h"]
    if cell == "lstm":
        doc["c_init"] = st0["c"]
    doc["x"] = x
    doc["target"] = tgt
    fw = OrderedDict()
    fw["h"] = fw_states["h"]
    if cell == "lstm":
        fw["c"] = fw_states["c"]
    for gname, gv in gates.items():
        fw[gname] = gv
    fw["y"] = y
    fw["loss"] = loss
    doc["forward"] = fw
    doc["loss_definition"] = LOSS_DEFINITION
    bf = OrderedDict(loss=loss, grad=g_full, grad_h_init=g_init["h"])
    if cell == "lstm":
        bf["grad_c_init"] = g_init["c"]
    bf["grad_norm"] = global_norm(g_full)
    doc["bptt_full"] = bf
    doc["bptt_full_clipped"] = OrderedDict(max_norm=MAX_NORM, total_norm_before=n_full, clip_coef=c_full,
                                           grad=g_full_clip)
    tb = OrderedDict()
    tb["k1"] = K
    tb["k2"] = K
    tb["num_chunks"] = len(chunks)
    tb["chunk_loss_normalization"] = f"1/(T*I) = 1/{N} (global, so that the chunk losses sum to the full loss)"
    tb_chunks = []
    for c in chunks:
        cd = OrderedDict(start=c["start"], end=c["end"], loss=c["loss"], h_start=c["state"]["h"])
        if cell == "lstm":
            cd["c_start"] = c["state"]["c"]
        cd["grad_norm"] = global_norm(c["grad"])
        cd["grad"] = c["grad"]
        tb_chunks.append(cd)
    tb["chunks"] = tb_chunks
    tb["grad_sum"] = g_tb
    tb["grad_sum_norm"] = global_norm(g_tb)
    doc["tbptt"] = tb
    doc["tbptt_clipped"] = OrderedDict(max_norm=MAX_NORM, total_norm_before=n_tb, clip_coef=c_tb, grad=g_tb_clip)
    ar = OrderedDict()
    ar["optimizer"] = "torch.optim.Adam"
    ar["lr"] = ADAM_LR
    ar["beta1"] = ADAM_B1
    ar["beta2"] = ADAM_B2
    ar["eps"] = ADAM_EPS
    ar["weight_decay"] = 0.0
    ar["amsgrad"] = False
    ar["max_norm"] = MAX_NORM
    ar["chunk_loss"] = "mean over the chunk: sum of squared errors / (chunk_len*I)"
    ar["chunks"] = recs
    ar["h_final"] = st_fin["h"]
    if cell == "lstm":
        ar["c_final"] = st_fin["c"]
    ar["params_final"] = p_fin
    doc["tbptt_adam_run"] = ar
    doc["self_checks"] = checks
    doc["generator"] = OrderedDict(script="make_reference.py", torch=torch.__version__, numpy=np.__version__,
                                   python=platform.python_version(), blas=blas_in_use())
    return tolist(doc)


# ----------------------------------------------------------------------------------------
# Relation to gru-reference/1
# ----------------------------------------------------------------------------------------
LEGACY_EQUATIONS = {
    "pytorch": [
        "gi = weight_ih @ x_t + bias_ih ; gh = weight_hh @ h_{t-1} + bias_hh   (rows: [r | z | n], H each)",
        "r_t = sigmoid(gi[0:H] + gh[0:H])",
        "z_t = sigmoid(gi[H:2H] + gh[H:2H])",
        "n_t = tanh(gi[2H:3H] + r_t * gh[2H:3H])",
        "h_t = (1 - z_t) * n_t + z_t * h_{t-1}",
        "y_t = W_y @ h_t + b_y",
    ],
    "cho": [
        "r_t = sigmoid(W_r @ [h_{t-1}; x_t] + b_r)",
        "z_t = sigmoid(W_z @ [h_{t-1}; x_t] + b_z)",
        "h_tilde_t = tanh(W_h @ [r_t * h_{t-1}; x_t] + b_h)",
        "h_t = (1 - z_t) * h_{t-1} + z_t * h_tilde_t",
        "y_t = W_y @ h_t + b_y",
        "columns 0..H-1 of W_r/W_z/W_h multiply h_{t-1} (resp. r_t*h_{t-1}); columns H..H+I-1 multiply x_t",
    ],
}
LEGACY_GATE_ORDER = {
    "pytorch": "weight_ih/weight_hh/bias_ih/bias_hh rows: [r (0..H-1) | z (H..2H-1) | n (2H..3H-1)]",
    "cho": "separate matrices W_r, W_z, W_h of shape [H][H+I]; columns [h_{t-1} (0..H-1) | x_t (H..H+I-1)]",
}
LEGACY_CHECKS = {
    "pytorch": ["forward_vs_manual_equations_max_abs", ("forward_vs_GRUCell_loop_max_abs", "forward_vs_cell_loop_max_abs")],
    "cho": ["forward_vs_manual_equations_max_abs", "forward_vs_numpy_max_abs"],
}


def legacy_v1_view(doc):
    """The gru-reference/1 document contained in a recurrent-reference/2 document of cell gru with
    num_layers 1: drop the suffix _l0 from parameter names, take layer 0 of every [L]... array,
    drop the fields the old schema did not have. Documented in README.md."""
    assert doc["cell"] == "gru" and doc["num_layers"] == 1
    form = doc["formulation"]

    def ren(d):
        return OrderedDict((n[:-3] if n.endswith("_l0") else n, v) for n, v in d.items())

    v = OrderedDict()
    v["schema"] = LEGACY_SCHEMA
    v["formulation"] = form
    for k in ("dtype", "input_size", "hidden_size", "output_size", "seq_len", "seed"):
        v[k] = doc[k]
    v["equations"] = LEGACY_EQUATIONS[form]
    v["gate_order"] = LEGACY_GATE_ORDER[form]
    v["param_order"] = list(ren(OrderedDict((n, 0) for n in doc["param_order"])).keys())
    v["param_shapes"] = ren(doc["param_shapes"])
    v["params"] = ren(doc["params"])
    v["h_init"] = doc["h_init"][0]
    v["x"] = doc["x"]
    v["target"] = doc["target"]
    fw = OrderedDict()
    for k in ["h"] + doc["gate_names"]:
        fw[k] = doc["forward"][k][0]
    fw["y"] = doc["forward"]["y"]
    fw["loss"] = doc["forward"]["loss"]
    v["forward"] = fw
    v["loss_definition"] = doc["loss_definition"]
    b = doc["bptt_full"]
    v["bptt_full"] = OrderedDict(loss=b["loss"], grad=ren(b["grad"]), grad_h_init=b["grad_h_init"][0],
                                 grad_norm=b["grad_norm"])
    def clipped(key):
        c = OrderedDict(doc[key])
        c["grad"] = ren(c["grad"])
        return c
    v["bptt_full_clipped"] = clipped("bptt_full_clipped")
    tb = OrderedDict(doc["tbptt"])
    tb["chunks"] = [OrderedDict(start=c["start"], end=c["end"], loss=c["loss"], h_start=c["h_start"][0],
                                grad_norm=c["grad_norm"], grad=ren(c["grad"])) for c in tb["chunks"]]
    tb["grad_sum"] = ren(tb["grad_sum"])
    v["tbptt"] = tb
    v["tbptt_clipped"] = clipped("tbptt_clipped")
    ar = OrderedDict(doc["tbptt_adam_run"])
    ar["h_final"] = ar["h_final"][0]
    ar["params_final"] = ren(ar["params_final"])
    v["tbptt_adam_run"] = ar
    sc = OrderedDict()
    for item in LEGACY_CHECKS[form] + ["keras_mapping_max_abs", "tbptt_forward_equals_full_forward_max_abs",
                                       "tbptt_readout_grad_equals_full_max_abs", "sum_chunk_losses_minus_full_loss",
                                       "adam_run_vs_manual_adam_max_abs", "full_grad_vs_central_fd_max_abs",
                                       "tbptt_grad_vs_central_fd_max_abs"]:
        old, new = item if isinstance(item, tuple) else (item, item)
        if new in doc["self_checks"]:
            sc[old] = doc["self_checks"][new]
    v["self_checks"] = sc
    v["generator"] = doc["generator"]
    return v


def compare_trees(a, b, path, stats, skip=("self_checks", "generator")):
    """Compare a (old file) with b (regenerated view): every number, string, key and shape."""
    if isinstance(a, dict):
        if not isinstance(b, dict) or list(a.keys()) != list(b.keys()):
            stats["structure"].append(path)
            return
        for k in a:
            if k not in skip:
                compare_trees(a[k], b[k], f"{path}.{k}", stats, ())
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            stats["structure"].append(path)
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare_trees(x, y, f"{path}[{i}]", stats, ())
    elif is_num(a) and is_num(b):
        stats["numbers"] += 1
        d = abs(float(a) - float(b))
        if a != b:
            stats["different"] += 1
        if d > stats["max_abs"]:
            stats["max_abs"], stats["max_abs_at"] = d, path
    elif a != b:
        stats["other"].append(path)


def legacy_compare(path, check):
    with open(path) as f:
        old = json.load(f, object_pairs_hook=OrderedDict)
    assert old["schema"] == LEGACY_SCHEMA, path
    form, I, H, seed = old["formulation"], old["input_size"], old["hidden_size"], old["seed"]
    T, K = old["seq_len"], old["tbptt"]["k1"]
    doc = build("gru", form, 1, I, H, seed, T, K, check)
    view = legacy_v1_view(doc)
    # round-trip through the writer's text, as a file would be read back
    view = json.loads(dump(view), object_pairs_hook=OrderedDict)
    stats = dict(numbers=0, different=0, max_abs=0.0, max_abs_at=None, structure=[], other=[])
    compare_trees(old, view, "$", stats)
    print(f"legacy-compare {os.path.basename(path)} (gru/{form} L=1 I={I} H={H} seed={seed} T={T} K={K}): "
          f"{stats['numbers']} numbers, {stats['numbers'] - stats['different']} bit-identical, "
          f"{stats['different']} different, max abs diff {stats['max_abs']:.3g}"
          + (f" at {stats['max_abs_at']}" if stats["max_abs_at"] else "")
          + f"; structure mismatches {stats['structure']}; other mismatches {stats['other']}", flush=True)
    print("  old self_checks:", json.dumps(old["self_checks"]), flush=True)
    print("  new self_checks:", json.dumps(doc["self_checks"]), flush=True)
    assert not stats["structure"] and not stats["other"], stats
    assert stats["max_abs"] < 1e-12, stats
    return view


# ----------------------------------------------------------------------------------------
def parse_cases(spec):
    """'cell[-formulation],L,I,H,seed;...' e.g. 'lstm,2,3,5,12;gru-cho,1,1,4,1'."""
    out = []
    for item in spec.split(";"):
        kind, L, I, H, s = item.split(",")
        cell, _, form = kind.partition("-")
        out.append((cell, form or "pytorch", int(L), int(I), int(H), int(s)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="also run central finite-difference gradient checks")
    ap.add_argument("--out", default=OUT_DIR, help="output directory (default: cases/ beside this script)")
    ap.add_argument("--cases", help="'cell[-formulation],L,I,H,seed;...' instead of the built-in list")
    ap.add_argument("--seq-len", type=int, default=T_DEFAULT, help=f"sequence length T (default {T_DEFAULT})")
    ap.add_argument("--k", type=int, default=K_DEFAULT, help=f"TBPTT chunk length k1 = k2 (default {K_DEFAULT})")
    ap.add_argument("--legacy-compare", nargs="*", default=[], metavar="FILE",
                    help="gru-reference/1 files to regenerate (with their own T, K) and compare value by value")
    ap.add_argument("--legacy-out", metavar="DIR", help="also write the regenerated gru-reference/1 documents to DIR")
    a = ap.parse_args()
    cases = parse_cases(a.cases) if a.cases else CASES
    T, K = a.seq_len, a.k
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    names = []
    for (cell, form, L, I, H, seed) in cases:
        assert cell in NUM_GATES and (cell, form) in GATE_NAMES, (cell, form)
        doc = build(cell, form, L, I, H, seed, T, K, a.check)
        name = file_name(cell, form, L, I, H, seed)
        assert name not in names, name
        with open(os.path.join(a.out, name), "w") as f:
            f.write(dump(doc) + "\n")
        names.append(name)
        c = doc["self_checks"]
        print(f"{name}: loss={doc['forward']['loss']:.6f} |g_full|={doc['bptt_full']['grad_norm']:.4f} "
              f"|g_tbptt|={doc['tbptt']['grad_sum_norm']:.4f} "
              + " ".join(f"{k}={v:.1e}" for k, v in c.items()), flush=True)
    index = OrderedDict(schema=SCHEMA, seq_len=T, tbptt_k=K, max_norm=MAX_NORM,
                        cases=[OrderedDict(file=n, cell=cell, formulation=form, num_layers=L,
                                           input_size=I, hidden_size=H, seed=s)
                               for n, (cell, form, L, I, H, s) in zip(names, cases)])
    with open(os.path.join(a.out, "index.json"), "w") as f:
        f.write(dump(index) + "\n")
    print("wrote", len(names) + 1, "files to", a.out, flush=True)
    for path in a.legacy_compare:
        view = legacy_compare(path, a.check)
        if a.legacy_out:
            os.makedirs(a.legacy_out, exist_ok=True)
            with open(os.path.join(a.legacy_out, os.path.basename(path)), "w") as f:
                f.write(dump(view) + "\n")


if __name__ == "__main__":
    main()
