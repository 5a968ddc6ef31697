-- GET a path drawn at random from the file BENCH_PATHS (one path a line),
-- e.g. /api/v1/articles/<slug> for every slug the list walk found.
dofile(os.getenv("BENCH_LUA") .. "/stats.lua")
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
