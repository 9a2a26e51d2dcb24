import csv, os, sys, glob, math
import numpy as np
# Offline prototype of an ARTime-style shape channel (values only, so independent of the forecaster):
# coarse series (mean of every c rows), windows of L coarse points normalised by their own min/max,
# plus the window's amplitude against the range; fuzzy ART (complement coding) with vigilance rho;
# a new category after the probation is novel -> score s on that row; mask m coarse steps after one.
# combined = max(novelty channel, shape score).
nab, base, out, protocol = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
L, rho, s_novel, mask, cdiv = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
for path in glob.glob(base + '/*/grustreams_*.csv'):
    rel = os.path.relpath(path, base)
    with open(path) as f: rows = list(csv.reader(f))[1:]
    vals = np.array([float(r[1]) for r in rows]); n = len(vals)
    nov = np.array([float(r[2]) for r in rows])
    prob = min(750, int(math.floor(0.15 * n)))
    c = max(1, round(prob / cdiv))
    lo_d, hi_d = vals.min(), vals.max()
    shape = np.zeros(n)
    cats = []
    coarse = []; acc = 0.0; k = 0
    lo = hi = vals[0]; masked = 0
    for i in range(n):
        lo = min(lo, vals[i]); hi = max(hi, vals[i])
        acc += vals[i]; k += 1
        if k < c: continue
        coarse.append(acc / k); acc = 0.0; k = 0
        if len(coarse) < L: continue
        w = np.array(coarse[-L:])
        width = (hi_d - lo_d) if protocol == 'standard' else (hi - lo)
        a, b = w.min(), w.max()
        amp = (b - a) / width if width > 0 else 0.0
        x = (w - a) / (b - a) if b - a > 1e-12 * max(1.0, abs(b)) else np.full(L, 0.5)
        x = np.append(x, min(1.0, amp))
        I = np.concatenate([x, 1 - x]); m = len(x)
        best = None; bestT = -1; bestM = 0.0
        for j, wj in enumerate(cats):
            inter = np.minimum(I, wj).sum()
            bestM = max(bestM, inter / m)
            if inter / m >= rho:
                T = inter / (0.001 + wj.sum())
                if T > bestT: bestT, best = T, j
        if best is None:
            cats.append(I.copy())
            if i >= prob and masked == 0:
                shape[i] = s_novel if s_novel > 0 else 0.6 + 0.39 * (1 - bestM); masked = mask
        else:
            cats[best] = np.minimum(I, cats[best])
        if masked > 0: masked -= 1
    comb = np.where(nov >= 1.0, nov, np.maximum(nov, shape))
    os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
    with open(os.path.join(out, rel), 'w') as f:
        wr = csv.writer(f, lineterminator='\n'); wr.writerow(['timestamp', 'anomaly_score'])
        for r, s in zip(rows, comb): wr.writerow([r[0], repr(float(s))])
