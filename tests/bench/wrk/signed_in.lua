-- wrk script: one signed-in request, repeated. The session cookie (and, for
-- POSTs, the CSRF cookie and form token) come from the environment, set by
-- tests/bench (see tests/bench/common.py):
--   BENCH_COOKIE   "sessionid=...; csrftoken=..."
--   BENCH_METHOD   GET (default) or POST
--   BENCH_BODY     form body for POSTs, including csrfmiddlewaretoken=...
--   BENCH_EXPECT   the only status that counts as success (default 200)
-- Any other status is counted as an error; done() prints one JSON line that
-- starts with "BENCH " for the Python side to read.
local cookie = os.getenv("BENCH_COOKIE") or ""
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")

wrk.method = method
wrk.headers["Cookie"] = cookie
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  last_status = 0
end

function response(status, headers, body)
  if status ~= expect then
    unexpected = unexpected + 1
    last_status = status
  end
end

function done(summary, latency, requests)
  local bad, seen = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    local s = thread:get("last_status")
    if s ~= 0 then seen = s end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "unexpected": %d, "last_unexpected": %d, '
      .. '"socket_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, bad, seen,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
