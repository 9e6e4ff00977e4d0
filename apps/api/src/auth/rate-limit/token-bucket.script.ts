/**
 * The token bucket of token-bucket.ts as one Redis script, so that taking a token is atomic across
 * replicas. Time comes from the Redis server (TIME), so replicas with skewed clocks share one
 * bucket correctly. Returns { allowed (0/1), tokens left (as a string: Lua numbers would be cut to
 * integers) }. The key expires once the bucket would be full again.
 */
export const TOKEN_BUCKET_SCRIPT = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(stored[1])
local updated = tonumber(stored[2])
if tokens == nil or updated == nil then
  tokens = burst
  updated = now
end
if now > updated then
  tokens = tokens + (now - updated) * rate / 1000
  updated = now
end
if tokens > burst then tokens = burst end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(updated))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return { allowed, tostring(tokens) }
`;
