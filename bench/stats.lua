-- Loaded by every scenario of .ci/bench: one machine-readable line at the
-- end of a wrk run (requests/s, p50 and p99 in ms, non-2xx answers, socket
-- errors), read by the script. Without request()/response() functions wrk
-- keeps its fast static request, so this costs nothing per request.
function bench_stats(summary, latency)
  local e = summary.errors
  io.write(string.format("STATS %.1f %.3f %.3f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, summary.requests))
end
done = function(summary, latency, requests) bench_stats(summary, latency) end
