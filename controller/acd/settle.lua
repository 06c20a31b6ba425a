-- Moves a reserved agent on, only if the reservation is still ours: to 'ringing' (confirm) or
-- back to 'available' (release). A lapsed lease another controller has since taken is refused.
-- KEYS[1]: agent hash   ARGV[1]: reservation id   ARGV[2]: next state
-- ARGV[3]: channel that announces state changes   ARGV[4]: the agent id
-- ARGV[5]: with 'available', ms before the agent may be offered a call again (0: at once)
-- returns 1 if done, 0 if the reservation is no longer ours
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state, lease = unpack(redis.call('HMGET', KEYS[1], 'state', 'lease'))
if lease ~= ARGV[1] or (state ~= 'reserved' and state ~= 'ringing') then
  return 0
end
if ARGV[2] == 'available' then
  redis.call('HSET', KEYS[1], 'state', 'available', 'since', now, 'cooldownUntil', now + tonumber(ARGV[5] or '0'))
  redis.call('HDEL', KEYS[1], 'lease', 'leaseUntil')
else
  redis.call('HSET', KEYS[1], 'state', ARGV[2], 'since', now)
  redis.call('HDEL', KEYS[1], 'leaseUntil')
end
redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' ' .. ARGV[2] .. ' ' .. now)
return 1
