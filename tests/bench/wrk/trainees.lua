-- wrk script: simulated trainees on phones that retry. Each wrk thread has
-- one connection and walks its share of the trainees (interleaved, one
-- request at a time per connection) through a quiz:
--   start the attempt (POST), then for each of the 10 questions: GET the
--   question, POST the answer twice (a retry); mark a lesson done after
--   question 5 and another one twice after question 10; submit twice.
-- The answer to question q of trainee u is option (u + q) mod n of the page,
-- so the database check (tests/bench/write.py) knows what each attempt must
-- hold. Inputs (environment): BENCH_USERS, a file of lines
-- "index quiz_id lesson_a lesson_b cookie csrf"; BENCH_QUESTIONS (10);
-- BENCH_SLOTS (the number of connections); BENCH_DONE_FILE, where each
-- connection adds a line when its trainees are done (wrk itself only stops
-- at the end of -d or on SIGINT, which the bench then sends).
-- done() prints one "BENCH {json}" line.
local users_file = os.getenv("BENCH_USERS")
local questions = tonumber(os.getenv("BENCH_QUESTIONS") or "10")

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
      local index, quiz, a, b, cookie, csrf =
        line:match("^(%d+) (%d+) (%d+) (%d+) (%S+) (%S+)$")
      table.insert(mine, {
        index = tonumber(index), quiz = quiz, lesson_a = a, lesson_b = b,
        cookie = cookie:gsub("|", " "), csrf = csrf, step = 1, attempt = nil,
        keys = nil, field = nil,
      })
    end
  end
  return mine
end

-- The plan of one trainee: a list of {method, path builder, expected status}.
local function plan()
  local steps = {{"POST", "start", 302}}
  for q = 1, questions do
    table.insert(steps, {"GET", "question", 200, q})
    table.insert(steps, {"POST", "answer", 302, q})
    table.insert(steps, {"POST", "answer", 302, q})
    if q == math.floor(questions / 2) then
      table.insert(steps, {"POST", "done_a", 302})
    end
  end
  table.insert(steps, {"POST", "done_b", 302})
  table.insert(steps, {"POST", "done_b", 302})
  table.insert(steps, {"POST", "submit", 302})
  table.insert(steps, {"POST", "submit", 302})
  return steps
end

function init(args)
  users = load_users(slot, tonumber(os.getenv("BENCH_SLOTS")))
  steps = plan()
  turn = 0
  current = nil
  finished = 0
  unexpected = 0
  last_unexpected = ""
  active = #users
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
    -- This connection's trainees are done: say so (the bench stops wrk
    -- once every connection has), and stop this thread's loop.
    local marker = io.open(os.getenv("BENCH_DONE_FILE"), "a")
    marker:write("done\n")
    marker:close()
    wrk.thread:stop()
    return wrk.format("GET", "/bench/bare/")
  end
  local step = steps[current.step]
  local kind = step[2]
  local headers = {Cookie = current.cookie}
  local path
  local body = "csrfmiddlewaretoken=" .. current.csrf
  if kind == "start" then
    path = "/aksi/kuis/" .. current.quiz .. "/mulai/"
  elseif kind == "question" or kind == "answer" then
    path = "/kuis/percobaan/" .. current.attempt .. "/soal/" .. step[4] .. "/"
    if kind == "answer" then
      local keys = current.keys
      local key = keys[(current.index + step[4]) % #keys + 1]
      body = body .. "&" .. current.field .. "=" .. key .. "&go=next"
    end
  elseif kind == "done_a" then
    path = "/aksi/pelajaran/" .. current.lesson_a .. "/selesai/"
  elseif kind == "done_b" then
    path = "/aksi/pelajaran/" .. current.lesson_b .. "/selesai/"
  elseif kind == "submit" then
    path = "/kuis/percobaan/" .. current.attempt .. "/kumpulkan/"
  end
  if step[1] == "GET" then
    return wrk.format("GET", path, headers)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", path, headers, body)
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
    if step[2] == "start" or step[2] == "question" then
      user.step = #steps + 1 -- cannot go on without the attempt or the keys
      return
    end
  elseif step[2] == "start" then
    user.attempt = (headers["Location"] or ""):match("/kuis/percobaan/(%d+)/")
    if user.attempt == nil then
      unexpected = unexpected + 1
      last_unexpected = "start:no-attempt"
      user.step = #steps + 1
      return
    end
  elseif step[2] == "question" then
    local keys, field = {}, nil
    for name, key in body:gmatch('name="(%a+)" id="%a+%-%d+" value="([^"]+)"') do
      field = name
      table.insert(keys, key)
    end
    user.keys, user.field = keys, field
  end
  user.step = user.step + 1
  if user.step > #steps then
    finished = finished + 1
  end
end

dofile(os.getenv("BENCH_WRK_DIR") .. "/journeys.lua") -- done()
