#!/usr/bin/python3
"""Fixtures of `model import-pytorch --cell` and `model forecast` (issue #15), made by PyTorch.

For each cell (rnn, lstm, gru) and num_layers (1, 2): the float64 state dict of the module and
of an nn.Linear(H, D) readout, exported as the README says, and what PyTorch forecasts for the
rows of input.csv: every key from a zero state, inputs normalized by MEAN/STD, the readout
denormalized; horizon 1 from the module, horizons 2..HORIZON by feeding each forecast back as the
next input (what an iterated readout does). Also two state dicts that must be refused: a
bidirectional LSTM and an LSTM with a projection (proj_size).

Run from the project root with Debian's python3-torch (`apt-get install -y python3-torch`):

    /usr/bin/python3 src/test/resources/pytorch-import/make_fixtures.py

Deterministic: one thread, seeded generator; the same command writes the same bytes.
"""
import csv
import json
import os

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
D, H, HORIZON = 2, 5, 3
MEAN = [10.0, -2.0]
STD = [2.0, 0.5]
KEYS = ["a", "b"]
ROWS_PER_KEY = 20
T0 = 1714564800000


def series(gen):
    """Rows (key, timestamp, x0, x1), keys interleaved, 1 s apart per key."""
    rows = []
    for t in range(ROWS_PER_KEY):
        for i, key in enumerate(KEYS):
            noise = torch.randn(D, generator=gen)
            x0 = MEAN[0] + 3.0 * torch.sin(torch.tensor(0.3 * t + i)).item() + 0.5 * noise[0].item()
            x1 = MEAN[1] + 0.8 * torch.cos(torch.tensor(0.2 * t - i)).item() + 0.1 * noise[1].item()
            rows.append((key, T0 + 1000 * t, round(x0, 6), round(x1, 6)))
    return rows


def module(cell, layers):
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    return kind(input_size=D, hidden_size=H, num_layers=layers)


def state_dict(*modules):
    sd = {}
    for m in modules:
        sd.update({k: v.detach().double().tolist() for k, v in m.state_dict().items()})
    return sd


def forecasts(net, head, rows):
    mean = torch.tensor(MEAN)
    std = torch.tensor(STD)
    state = {}
    out = []
    with torch.no_grad():
        for key, ts, x0, x1 in rows:
            x = (torch.tensor([x0, x1]) - mean) / std
            y, s = net(x.view(1, 1, D), state.get(key))
            state[key] = s
            f = head(y[-1, 0]) * std + mean
            row = [f.tolist()]
            ahead = s
            for _ in range(1, HORIZON):
                xin = (f - mean) / std
                y, ahead = net(xin.view(1, 1, D), ahead)
                f = head(y[-1, 0]) * std + mean
                row.append(f.tolist())
            out.append({"key": key, "timestamp": ts, "forecasts": row})
    return out


def write_json(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def main():
    gen = torch.Generator().manual_seed(15)
    torch.manual_seed(15)
    rows = series(gen)
    with open(os.path.join(HERE, "input.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["key", "timestamp", "x0", "x1"])
        for r in rows:
            w.writerow([r[0], r[1], repr(r[2]), repr(r[3])])
    cases = []
    for cell in ["rnn", "lstm", "gru"]:
        for layers in [1, 2]:
            net = module(cell, layers)
            head = torch.nn.Linear(H, D)
            name = f"{cell}_L{layers}"
            write_json(f"{name}.state_dict.json", state_dict(net, head))
            write_json(f"{name}.forecasts.json", {"cell": cell, "num_layers": layers, "mean": MEAN, "std": STD,
                                                   "horizon": HORIZON, "rows": forecasts(net, head, rows)})
            cases.append(name)
    write_json("lstm_bidirectional.state_dict.json",
               state_dict(torch.nn.LSTM(input_size=D, hidden_size=H, bidirectional=True)))
    write_json("lstm_projected.state_dict.json",
               state_dict(torch.nn.LSTM(input_size=D, hidden_size=H, proj_size=2)))
    write_json("index.json", {"torch": torch.__version__, "cases": cases, "input": "input.csv"})


if __name__ == "__main__":
    main()
