-- wrk script: one selfActivate per request, each for a distinct (user, role, scope) pair.
-- The pairs file (env PIM_BENCH_PAIRS) has one line per pair: token<TAB>principalId<TAB>roleId<TAB>scope.
-- Counts 201 Created apart from every other status. If the pairs run out, requests start over from
-- the first pair (those answers are conflicts, not counted) and the result says "exhausted".
-- Prints one line: SELFACTIVATE {json}.

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
  created = 0
  other = 0
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

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    if other <= 3 then
      io.stderr:write("selfActivate answered " .. status .. ": " .. (body or ""):sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local c, o, e = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + (t:get("created") or 0)
    o = o + (t:get("other") or 0)
    e = math.max(e, t:get("exhausted") or 0)
  end
  io.write(string.format(
      'SELFACTIVATE {"created":%d,"other":%d,"exhausted":%d,"duration_us":%d,' ..
      '"requests":%d,"p50_us":%d,"p99_us":%d,"socket_errors":%d}\n',
      c, o, e, summary.duration, summary.requests, latency:percentile(50),
      latency:percentile(99), summary.errors.connect + summary.errors.read +
      summary.errors.write + summary.errors.timeout))
end
