-- load: puts an item into the gate at warm-up, or rebuilds it after Redis lost it.
-- KEYS[1] meta  KEYS[2] tokens  KEYS[3] buyers  KEYS[4] pending  KEYS[5] confirmed  KEYS[6] withdrawn
-- KEYS[7] returned
-- ARGV[1] startsAt ms  ARGV[2] endsAt ms  ARGV[3] per-user limit  ARGV[4] tokens (PostgreSQL's available)
-- ARGV[5] n, ARGV[6] m and ARGV[7] w, then n pairs userId, units (what buyers hold), then m orderIds
-- PostgreSQL counts as sold (CONFIRMED or PAID), then w orderIds the API withdrew, then the orderIds
-- PostgreSQL has CANCELLED (their units are back in ARGV[4]); all read in one snapshot with ARGV[4].
-- Returns the tokens in the gate after the call. The window and limit are always refreshed; the
-- rest only if the item was not loaded, so a second warm-up keeps what is already reserved. A
-- rebuild starts from the snapshot alone: reservations still pending elsewhere are forgotten, and
-- an order among them that is confirmed later is counted by confirm.lua as one not counted yet.
redis.call('HSET', KEYS[1], 'startsAt', ARGV[1], 'endsAt', ARGV[2], 'limit', ARGV[3])
if redis.call('SET', KEYS[2], ARGV[4], 'NX') then
  -- withdrawn and returned ids stay spent: a withdrawal or a return may have added one after the
  -- snapshot was read
  redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
  local holdings, confirmed, withdrawn = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
  local first = 8
  for i = first, first + 2 * holdings - 1, 2 do
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  end
  first = first + 2 * holdings
  for i = first, first + confirmed - 1 do
    redis.call('SADD', KEYS[5], ARGV[i])
  end
  first = first + confirmed
  for i = first, first + withdrawn - 1 do
    redis.call('SADD', KEYS[6], ARGV[i])
  end
  for i = first + withdrawn, #ARGV do
    redis.call('SADD', KEYS[7], ARGV[i])
  end
end
return tonumber(redis.call('GET', KEYS[2]))
