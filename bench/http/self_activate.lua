-- wrk script: one selfActivate per request, each for a distinct (user, role, scope) pair.
-- The pairs file (env PIM_BENCH_PAIRS) has one line per pair: token<TAB>principalId<TAB>roleId<TAB>scope.
-- If the pairs run out, requests start over from the first pair (those answers are conflicts) and
-- the result says "exhausted". Prints one line: SELFACTIVATE {json}.
--
-- There is no response() function: with one, wrk hands every answer's status, headers and body to
-- Lua, which cost the client ~2 us of CPU per request on the CPUs it shares with pimd. "other" is
-- wrk's own count of answers with a status of 400 or more; "created" is the rest. A selfActivate
-- answers 201 or an error, and the callers check "created" against pimd's own count of 201s on
-- the route (/metrics), so nothing else is counted as created.

local pairs_file = os.getenv("PIM_BENCH_PAIRS")
local path = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- Every request is formatted here, once, so the client spends its CPU on the socket, not on
  -- string building: on a 2-core machine the client shares the CPUs with pimd.
  items = {}
  for line in io.lines(pairs_file) do
    local token, principal, role, scope = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
    if token then
      local body = '{"action":"selfActivate","principalId":"' .. principal ..
          '","roleDefinitionId":"' .. role .. '","directoryScopeId":"' .. scope ..
          '","justification":"benchmark","scheduleInfo":{"expiration":{"type":"afterDuration",' ..
          '"duration":"PT1H"}}}'
      table.insert(items, wrk.format("POST", path, {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
      }, body))
    end
  end
  next_item = 1
  exhausted = 0
end

function request()
  local req = items[next_item]
  next_item = next_item + 1
  if next_item > #items then
    next_item = 1
    exhausted = 1
  end
  return req
end

function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do e = math.max(e, t:get("exhausted") or 0) end
  local o = summary.errors.status
  local c = summary.requests - o
  io.write(string.format(
      'SELFACTIVATE {"created":%d,"other":%d,"exhausted":%d,"duration_us":%d,' ..
      '"requests":%d,"p50_us":%d,"p99_us":%d,"socket_errors":%d}\n',
      c, o, e, summary.duration, summary.requests, latency:percentile(50),
      latency:percentile(99), summary.errors.connect + summary.errors.read +
      summary.errors.write + summary.errors.timeout))
end
