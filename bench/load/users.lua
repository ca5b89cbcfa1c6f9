-- Simulated dashboard users for wrk (driven by bench/load.py; not meant to be run by hand).
--
--   wrk -t N -c N -d 60s --timeout 10s -s bench/load/users.lua http://127.0.0.1:PORT -- PLAN.lua OUTDIR
--
-- One wrk thread = one connection = one user (threads == connections, so every response belongs to
-- the request this thread sent last). A user repeats: think (delay()), then one action drawn by the
-- plan's weights: a page load (the page's HTML, then /_dash-layout with the page as Referer, no
-- pause between them, as the browser does), a router callback, a chart download, a catalogue
-- file, an API call, a static bundle, or an address expected to answer 404.
--
-- Every response is written as one tab-separated line to OUTDIR/thread-<id>.tsv:
--   kind  start  end  status  x-data-version  body-version(s)  expected-status  label
-- start and end are wall-clock seconds (CLOCK_REALTIME via LuaJIT's FFI), so bench/load.py can put
-- them on the same time line as the publishes. A request that got no response before the next one
-- was sent (a timeout or a broken connection: wrk reconnects and asks for the next request) is
-- written with status 0. The body version is read from API JSON answers ("version": …) and from
-- the page footer ("<version>, published …") of uncompressed layouts and callbacks.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } migdash_timespec;
  int clock_gettime(int clock_id, migdash_timespec *tp);
]]
local timespec = ffi.new("migdash_timespec")
local function now()
  ffi.C.clock_gettime(0, timespec) -- CLOCK_REALTIME
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

-- main Lua state: number the threads, collect their counters at the end -------------------------
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function done(summary, latency, requests)
  local outdir = os.getenv("MIGDASH_LOAD_OUT")
  if not outdir then return end
  local recorded, lost = 0, 0
  for _, thread in ipairs(threads) do
    recorded = recorded + (thread:get("recorded") or 0)
    lost = lost + (thread:get("lost") or 0)
  end
  local e = summary.errors
  local f = assert(io.open(outdir .. "/wrk-summary.json", "w"))
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "recorded": %d, "lost": %d, "threads": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    recorded, lost, #threads))
  f:close()
end

-- per thread: one user -------------------------------------------------------------------------
local plan, out, host
local kinds, cumulative, total_weight = {}, {}, 0
local queue = {}          -- steps that follow without a pause (the layout after its page)
local current, t0, pending = nil, 0, false
recorded, lost = 0, 0     -- globals: read by done() through thread:get

local function build(spec, identity)
  local headers = {}
  for k, v in pairs(spec.headers or {}) do headers[k] = v end
  if not identity and spec.compress then headers["Accept-Encoding"] = "br, gzip" end
  return wrk.format(spec.method or "GET", spec.path, headers, spec.body)
end

local function prepare(spec)
  spec.request = build(spec, false)
  if spec.check == "footer" then spec.identity_request = build(spec, true) end
  if spec.layout then prepare(spec.layout) end
  return spec
end

function init(args)
  plan = dofile(args[1])
  host = plan.host
  math.randomseed(id * 7919 + os.time())
  for _ = 1, 10 do math.random() end
  for _, pair in ipairs(plan.weights) do
    local kind, weight = pair[1], pair[2]
    if weight > 0 and #plan.requests[kind] > 0 then
      total_weight = total_weight + weight
      table.insert(kinds, kind)
      table.insert(cumulative, total_weight)
    end
  end
  for _, kind in ipairs(kinds) do
    for _, spec in ipairs(plan.requests[kind]) do prepare(spec) end
  end
  out = assert(io.open(string.format("%s/thread-%03d.tsv", args[2], id), "w"))
  out:setvbuf("full", 65536)
end

local function next_action()
  local r = math.random() * total_weight
  local kind = kinds[#kinds]
  for i, edge in ipairs(cumulative) do
    if r < edge then kind = kinds[i]; break end
  end
  local list = plan.requests[kind]
  local spec = list[math.random(#list)]
  if spec.layout then table.insert(queue, spec.layout) end
  return spec
end

local function write(kind, start, finish, status, header_version, body_version, expect, label)
  out:write(kind, "\t", string.format("%.6f\t%.6f", start, finish), "\t", status, "\t", header_version, "\t",
            body_version, "\t", expect, "\t", label, "\n")
  recorded = recorded + 1
end

function delay()
  -- wrk calls request() once in thread 1 before the run, to check what it returns, and never sends
  -- that request; the run then starts with delay(), which otherwise only follows a response.
  if pending then pending = false; queue = {} end
  if #queue > 0 then return 0 end
  return math.floor(plan.think_min_ms + math.random() * (plan.think_max_ms - plan.think_min_ms))
end

function request()
  if pending then -- the last request got no response: timeout or broken connection
    lost = lost + 1
    write(current.kind, t0, now(), 0, "-", "-", current.expect or 200, current.label or "-")
  end
  current = table.remove(queue, 1) or next_action()
  current.sent_identity = current.identity_request ~= nil and math.random() < plan.identity_share
  pending = true
  t0 = now()
  return current.sent_identity and current.identity_request or current.request
end

local function header(headers, name)
  return headers[name] or headers[string.lower(name)]
end

local function footer_versions(body)
  local seen, list = {}, {}
  for v in string.gmatch(body, "(%d%d%d%d%d%d%d%dT%d%d%d%d%d%dZ[%-%d]*), ") do
    if not seen[v] then seen[v] = true; table.insert(list, v) end
  end
  return #list > 0 and table.concat(list, "|") or "none"
end

function response(status, headers, body)
  local finish = now()
  pending = false
  local spec = current
  local body_version = "-"
  if status == 200 and spec.check == "api" then
    body_version = string.match(body, '"version":%s*"([^"]*)"') or "none"
  elseif status == 200 and spec.sent_identity and not header(headers, "Content-Encoding") then
    body_version = footer_versions(body)
  end
  write(spec.kind, t0, finish, status, header(headers, "X-Data-Version") or "-", body_version,
        spec.expect or 200, spec.label or "-")
end
