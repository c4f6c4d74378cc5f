-- What the journey scripts (trainees.lua, submissions.lua) share: their
-- report. Each connection counts `unexpected` statuses, the last one seen
-- and its `finished` trainees; done() prints one "BENCH {json}" line that
-- tests/bench/common.py reads. Loaded with dofile from BENCH_WRK_DIR.
function done(summary, latency, requests)
  local bad, seen, fin = 0, "", 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    fin = fin + thread:get("finished")
    local s = thread:get("last_unexpected")
    if s ~= "" then seen = s end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "unexpected": %d, "last_unexpected": "%s", '
      .. '"socket_errors": %d, "finished": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, bad, seen,
    errors.connect + errors.read + errors.write + errors.timeout, fin,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
