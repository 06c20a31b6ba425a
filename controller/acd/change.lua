-- A person's or the router's own change of an agent's state, checked and applied in one step, so
-- a reservation made at the same moment by any controller can never be overwritten unseen.
-- (WATCH/MULTI cannot give that on a connection shared by many calls: any EXEC clears the watch.)
-- KEYS[1]: agent hash
-- ARGV[1]: the agent id   ARGV[2]: the next state   ARGV[3]: space-separated states it may come from
-- ARGV[4]: reason ('' for none)   ARGV[5]: ms the state lasts ('' when untimed: wrap-up is timed)
-- ARGV[6]: channel that announces state changes   ARGV[7]: '1' to end the agent's lease
-- returns {1, since, untilMs or ''} when done, {0, current state} when the change is not allowed
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = redis.call('HGET', KEYS[1], 'state') or 'logged-out'
if not string.find(' ' .. ARGV[3] .. ' ', ' ' .. current .. ' ', 1, true) then
  return {0, current}
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'since', now)
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'reason', ARGV[4])
else
  redis.call('HDEL', KEYS[1], 'reason')
end
local untilMs = ''
if ARGV[5] ~= '' then
  untilMs = now + tonumber(ARGV[5])
  redis.call('HSET', KEYS[1], 'until', untilMs)
else
  redis.call('HDEL', KEYS[1], 'until')
end
if ARGV[7] == '1' then
  redis.call('HDEL', KEYS[1], 'lease', 'leaseUntil')
end
-- A person's own change (log in, resume) ends any rest imposed after a missed call.
redis.call('HDEL', KEYS[1], 'cooldownUntil')
redis.call('PUBLISH', ARGV[6], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. now)
return {1, now, tostring(untilMs)}
