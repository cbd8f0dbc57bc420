-- load: puts an item into the gate at warm-up.
-- KEYS[1] meta  KEYS[2] tokens  KEYS[3] buyers
-- ARGV[1] startsAt ms  ARGV[2] endsAt ms  ARGV[3] per-user limit  ARGV[4] tokens (PostgreSQL's available)
-- ARGV[5..] pairs userId, units: what buyers already hold in PostgreSQL
-- Returns the tokens in the gate after the call. The window and limit are always refreshed; tokens
-- and buyers only if the item was not loaded, so a second warm-up keeps what is already reserved.
redis.call('HSET', KEYS[1], 'startsAt', ARGV[1], 'endsAt', ARGV[2], 'limit', ARGV[3])
if redis.call('SET', KEYS[2], ARGV[4], 'NX') then
  redis.call('DEL', KEYS[3])
  for i = 5, #ARGV, 2 do
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  end
end
return tonumber(redis.call('GET', KEYS[2]))
