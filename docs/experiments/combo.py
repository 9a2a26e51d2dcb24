import csv, os, sys, glob
# Combines the novelty-channel results (base) with the dense-likelihood results row by row:
# score = max(novelty, f(dense)); exact, because the dense channel does not change the novelty channel.
base, dense, out, a, b = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
for path in glob.glob(base + '/*/grustreams_*.csv'):
    rel = os.path.relpath(path, base)
    with open(path) as f: rb = list(csv.reader(f))
    with open(os.path.join(dense, rel)) as f: rd = list(csv.reader(f))
    os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
    with open(os.path.join(out, rel), 'w') as f:
        w = csv.writer(f, lineterminator='\n'); w.writerow(['timestamp', 'anomaly_score'])
        for x, y in zip(rb[1:], rd[1:]):
            n, d = float(x[2]), float(y[2])
            s = n if n >= 1.0 else max(n, min(0.999, a * d + b) if d >= 0.5 else 0.0)
            w.writerow([x[0], repr(s)])
