-- wrk script: trainees' phones send their offline work back. Each wrk
-- thread has one connection and walks its share of the trainees, POSTing
-- each one's sync once (JSON, one attempt_submit item answering every
-- question of a downloaded attempt), expecting 200 and the item's outcome
-- BENCH_OUTCOME in the answer ("counted" on the first pass; on a replay of
-- the same bodies the stored outcome comes back, still "counted").
-- Inputs (environment): BENCH_USERS, lines "index<TAB>cookie<TAB>csrf<TAB>body";
-- BENCH_SLOTS; BENCH_OUTCOME; BENCH_DONE_FILE (see trainees.lua). done()
-- prints one "BENCH {json}" line (journeys.lua).
local users_file = os.getenv("BENCH_USERS")

threads = {} -- global: journeys.lua's done() reads it
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("slot", thread_count)
  table.insert(threads, thread)
end

local function load_users(slot, slots)
  local mine = {}
  local n = 0
  for line in io.lines(users_file) do
    n = n + 1
    if (n - 1) % slots == slot - 1 then
      local index, cookie, csrf, body = line:match("^(%d+)\t([^\t]+)\t([^\t]+)\t(.+)$")
      table.insert(mine, {index = tonumber(index), cookie = cookie, csrf = csrf, body = body})
    end
  end
  return mine
end

function init(args)
  users = load_users(slot, tonumber(os.getenv("BENCH_SLOTS")))
  expect = '"outcome": "' .. (os.getenv("BENCH_OUTCOME") or "counted") .. '"'
  turn = 0
  current = nil
  finished = 0
  unexpected = 0
  last_unexpected = ""
  marked = false
end

-- The next trainee whose sync has not been answered yet: wrk may build a
-- request it never sends (a connection gunicorn's sync worker closed is
-- opened again), so a trainee counts as done only once answered.
local function next_user()
  for _ = 1, #users do
    turn = turn % #users + 1
    if not users[turn].done then
      return users[turn]
    end
  end
  return nil
end

function request()
  current = next_user()
  if current == nil then
    if not marked then
      marked = true
      local marker = io.open(os.getenv("BENCH_DONE_FILE"), "a")
      marker:write("done\n")
      marker:close()
    end
    wrk.thread:stop()
    return wrk.format("GET", "/bench/bare/")
  end
  local headers = {
    Cookie = current.cookie,
    ["X-CSRFToken"] = current.csrf,
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", "/luring/sinkron/", headers, current.body)
end

function response(status, headers, body)
  if current == nil then
    return
  end
  if status ~= 200 or not string.find(body, expect, 1, true) then
    unexpected = unexpected + 1
    last_unexpected = "sync:" .. status
  end
  if not current.done then
    current.done = true
    finished = finished + 1
  end
end

dofile(os.getenv("BENCH_WRK_DIR") .. "/journeys.lua") -- done()
