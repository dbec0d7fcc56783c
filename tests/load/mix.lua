-- wrk: a mix of small and large files, round robin over the paths given as arguments.
-- (No response() hook: it would make wrk copy every body into Lua and become the bottleneck;
-- wrk still checks each response's framing, and load.sh compares bodies byte for byte.)
local paths = {}
local i = 0

function init(args)
  for _, path in ipairs(args) do paths[#paths + 1] = path end
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
