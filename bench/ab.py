# Interleaved A/B of two servers, one client: each path of PATHS (one a line, e.g. the
# search-paths.txt .ci/bench leaves in DATA_DIR) goes to A and to B in turn, the order
# alternating, so both see the same machine load; per pass p50/p90/p99/max/mean of each.
#   python3 bench/ab.py PATHS PORT_A PORT_B PASSES
import http.client
import sys
import time

paths = [l.strip() for l in open(sys.argv[1]) if l.strip()]
ports = {"A": int(sys.argv[2]), "B": int(sys.argv[3])}
conns = {k: http.client.HTTPConnection("127.0.0.1", p) for k, p in ports.items()}
def get(k, path):
    t0 = time.perf_counter()
    c = conns[k]; c.request("GET", path); r = c.getresponse(); r.read()
    assert r.status == 200, (k, path, r.status)
    return (time.perf_counter() - t0) * 1000
for p in range(int(sys.argv[4])):
    res = {"A": [], "B": []}
    for i, path in enumerate(paths):
        order = ("A", "B") if i % 2 == 0 else ("B", "A")
        for k in order:
            res[k].append(get(k, path))
    for k, v in res.items():
        s = sorted(v); q = lambda f: s[min(len(s) - 1, int(len(s) * f))]
        print(f"pass {p + 1} {k}: n {len(s)} p50 {q(.5):.1f} p90 {q(.9):.1f} p99 {q(.99):.1f} max {s[-1]:.1f} mean {sum(s)/len(s):.1f} ms", flush=True)
