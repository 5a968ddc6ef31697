-- The write path: each connection is one editor (its own token, the line
-- of BENCH_TOKENS matching its thread), chaining POST /api/v1/articles (a
-- draft) and POST /api/v1/articles/{id}/publish with the id read from the
-- create answer. Run with as many threads as connections (-t N -c N): the
-- chain state lives in the thread. Step latencies are timed here with a
-- monotonic clock (LuaJIT ffi); done() prints published articles/s and the
-- p50/p99 of create, publish and the pair.
dofile(os.getenv("BENCH_LUA") .. "/stats.lua")
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local threads = {}
setup = function(thread)
  local i = #threads + 1
  thread:set("token", tokens[(i - 1) % #tokens + 1])
  thread:set("id", i)
  threads[i] = thread
end

math.randomseed(os.time() + math.floor(os.clock() * 1e6))
local run, n, step, article, started, created = math.random(1e9), 0, "create", nil, 0, 0
creates, publishes, pairs_, failures = {}, {}, {}, {}
local paragraph = "Theo đó, tiếp tục tổ chức quán triệt, tuyên truyền, nâng cao nhận thức sâu sắc về nội dung cơ bản của tư tưởng, đạo đức, phong cách Hồ Chí Minh. "
local text = string.rep(paragraph, 4)

request = function()
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  started = now_ms()
  if step == "create" then
    n = n + 1
    local body = string.format(
      '{"title":"Bản tin thử tải %d, biên tập viên %d, số %d","sapo":"(QNO) - Bài viết của phép đo ghi.",' ..
      '"category_id":"xa-hoi","author_ids":["le-thi-nhu-thuy"],"tag_ids":["quang-nam","tam-ky"],' ..
      '"body":[{"type":"paragraph","text":"%s"},{"type":"heading","level":2,"text":"Triển khai"},' ..
      '{"type":"paragraph","text":"%s"}]}', run, id, n, text, text)
    return wrk.format("POST", "/api/v1/articles", headers, body)
  end
  return wrk.format("POST", "/api/v1/articles/" .. article .. "/publish", headers, "")
end

response = function(status, headers, body)
  local took = now_ms() - started
  if step == "create" then
    article = status == 201 and body:match('^{"id":"([^"]+)"') or nil
    if article then
      creates[#creates + 1], created, step = took, took, "publish"
    else
      failures[#failures + 1] = "create " .. status .. " " .. body:sub(1, 200)
    end
  else
    if status == 200 then
      publishes[#publishes + 1], pairs_[#pairs_ + 1] = took, created + took
    else
      failures[#failures + 1] = "publish " .. status .. " " .. body:sub(1, 200)
    end
    step = "create"
  end
end

local function percentile(list, p)
  if #list == 0 then return 0 end
  table.sort(list)
  return list[math.max(1, math.ceil(#list * p / 100))]
end

done = function(summary, latency)
  bench_stats(summary, latency)
  local c, p, both, failed = {}, {}, {}, {}
  for _, t in ipairs(threads) do
    for _, v in ipairs(t:get("creates")) do c[#c + 1] = v end
    for _, v in ipairs(t:get("publishes")) do p[#p + 1] = v end
    for _, v in ipairs(t:get("pairs_")) do both[#both + 1] = v end
    for _, v in ipairs(t:get("failures")) do failed[#failed + 1] = v end
  end
  io.write(string.format("WRITE %.2f %.2f %.2f %.2f %.2f %.2f %.2f %d\n", #both / (summary.duration / 1e6),
    percentile(c, 50), percentile(c, 99), percentile(p, 50), percentile(p, 99),
    percentile(both, 50), percentile(both, 99), #failed))
  for i = 1, math.min(3, #failed) do io.write("WRITE-FAILURE " .. failed[i] .. "\n") end
end
