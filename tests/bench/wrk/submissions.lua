-- wrk script: trainees hand in a practical task from phones that retry.
-- Each wrk thread has one connection and walks its share of the trainees:
-- POST the submission (text + two photos, as task-submit.js sends them
-- after downscaling), expected 302; POST it again (a retry after a lost
-- answer), expected 400 (a version already waits: nothing is taken twice).
-- Inputs (environment): BENCH_USERS, lines "index task_id cookie csrf";
-- BENCH_BODY_FILE, the multipart body (the same for everyone: the CSRF
-- token goes in the X-CSRFToken header); BENCH_BOUNDARY; BENCH_SLOTS;
-- BENCH_DONE_FILE (see trainees.lua). done() prints one "BENCH {json}" line.
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
      local index, task, cookie, csrf = line:match("^(%d+) (%d+) (%S+) (%S+)$")
      table.insert(mine, {
        index = tonumber(index), task = task, cookie = cookie:gsub("|", " "),
        csrf = csrf, step = 1,
      })
    end
  end
  return mine
end

local steps = {{"POST", "submit", 302}, {"POST", "retry", 400}}

function init(args)
  users = load_users(slot, tonumber(os.getenv("BENCH_SLOTS")))
  local file = io.open(os.getenv("BENCH_BODY_FILE"), "rb")
  body = file:read("*a")
  file:close()
  content_type = "multipart/form-data; boundary=" .. os.getenv("BENCH_BOUNDARY")
  turn = 0
  current = nil
  finished = 0
  unexpected = 0
  last_unexpected = ""
end

local function next_user()
  for _ = 1, #users do
    turn = turn % #users + 1
    local user = users[turn]
    if user.step <= #steps then
      return user
    end
  end
  return nil
end

function request()
  current = next_user()
  if current == nil then
    local marker = io.open(os.getenv("BENCH_DONE_FILE"), "a")
    marker:write("done\n")
    marker:close()
    wrk.thread:stop()
    return wrk.format("GET", "/bench/bare/")
  end
  local headers = {
    Cookie = current.cookie,
    ["X-CSRFToken"] = current.csrf,
    ["Content-Type"] = content_type,
  }
  return wrk.format("POST", "/aksi/tugas/" .. current.task .. "/kirim/", headers, body)
end

function response(status, headers, body)
  local user = current
  if user == nil then
    return
  end
  local step = steps[user.step]
  if status ~= step[3] then
    unexpected = unexpected + 1
    last_unexpected = step[2] .. ":" .. status
  end
  user.step = user.step + 1
  if user.step > #steps then
    finished = finished + 1
  end
end

dofile(os.getenv("BENCH_WRK_DIR") .. "/journeys.lua") -- done()
