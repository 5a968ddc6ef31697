-- POST /api/v1/auth/login. BENCH_LOGIN says which:
--   ok     the right password of BENCH_EMAIL (a successful login each time)
--   wrong  a wrong password for BENCH_EMAIL (one account from one address:
--          the per-account-and-address throttle answers 429 after
--          TOASOAN_LOGIN_MAX_FAILURES failures, before any password hashing)
--   spray  a wrong password for a new, unknown e-mail each time (one address,
--          many accounts: no per-account key repeats, so each attempt is
--          answered 401 after as long as an argon2id check takes, until the
--          per-address budget is spent; then 429 without hashing)
--   botnet a wrong password for a new, unknown e-mail from a new address each
--          time (X-Forwarded-For, the server trusting 127.0.0.1 as its
--          proxy): no budget ever fills, every attempt is answered after as
--          long as an argon2id check takes (a drawn duration, or at most four
--          times a second a real check of the dummy hash), bounded by the
--          password slots and TOASOAN_PASSWORD_QUEUE (503)
-- Each thread counts the answers by status; done() prints their sum.
dofile(os.getenv("BENCH_LUA") .. "/stats.lua")
local mode, email, password = os.getenv("BENCH_LOGIN"), os.getenv("BENCH_EMAIL"), os.getenv("BENCH_PASSWORD")
local headers = { ["Content-Type"] = "application/json" }
local threads = {}
setup = function(thread) thread:set("id", #threads + 1); threads[#threads + 1] = thread end
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
local run, n = math.random(1e9), 0
statuses = {}
request = function()
  local body
  if mode == "ok" then
    body = string.format('{"email":"%s","password":"%s"}', email, password)
  elseif mode == "wrong" then
    body = string.format('{"email":"%s","password":"not-the-password-%d"}', email, n)
  else
    n = n + 1
    body = string.format('{"email":"spray-%d-%d-%d@bench.toasoan.test","password":"guess-%d"}', run, id, n, n)
  end
  if mode == "botnet" then
    headers["X-Forwarded-For"] = string.format("%d.%d.%d.%d", math.random(1, 223), math.random(0, 255),
      math.random(0, 255), math.random(1, 254))
  end
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end
response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
done = function(summary, latency)
  bench_stats(summary, latency)
  local sum = {}
  for _, t in ipairs(threads) do
    for status, count in pairs(t:get("statuses")) do sum[status] = (sum[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(sum) do parts[#parts + 1] = string.format("%s:%d", status, count) end
  table.sort(parts)
  io.write("STATUSES " .. table.concat(parts, ",") .. "\n")
end
