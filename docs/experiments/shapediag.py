import csv, glob, os, sys
# For a shape-combined results dir vs base: rows where shape fired (comb != base), inside/outside windows,
# and windows hit by shape that the novelty channel at its threshold (0.6327) missed.
import json
from datetime import datetime
wins = json.load(open('/work/shared/nab/labels/combined_windows.json'))
d = sys.argv[1]; tot_in=tot_out=0; newwin=0; nwin=0
for path in glob.glob('base/standard/grustreams/*/grustreams_*.csv'):
    rel = os.path.relpath(path, 'base/standard/grustreams')
    key = rel.split('/')[0] + '/' + rel.split('/')[1][len('grustreams_'):]
    b = list(csv.reader(open(path)))[1:]; c = list(csv.reader(open(os.path.join(d, rel))))[1:]
    ws = [(datetime.fromisoformat(a.split('.')[0]), datetime.fromisoformat(z.split('.')[0])) for a, z in wins[key]]
    hit = [False]*len(ws); nh = [False]*len(ws)
    for rb, rc in zip(b, c):
        t = datetime.fromisoformat(rb[0]); inside = [k for k,(a,z) in enumerate(ws) if a <= t <= z]
        if float(rb[2]) >= 0.6327: 
            for k in inside: nh[k] = True
        if float(rc[1]) != float(rb[2]):
            if inside: tot_in += 1; hit[inside[0]] = True
            else: tot_out += 1
    nwin += len(ws); newwin += sum(1 for k in range(len(ws)) if hit[k] and not nh[k])
print(d, 'shape rows in windows', tot_in, 'outside', tot_out, 'windows only shape hits', newwin, 'of', nwin)
