-- repair: sets an item's tokens and buyers to PostgreSQL's, only if nothing moved since they were measured.
-- KEYS[1] tokens  KEYS[2] pending  KEYS[3] confirmed  KEYS[4] buyers
-- ARGV[1] the tokens measured  ARGV[2] PostgreSQL's CONFIRMED orders of the item  ARGV[3] PostgreSQL's available
-- ARGV[4..] pairs userId, units: what buyers hold in PostgreSQL (read in one snapshot with ARGV[2] and ARGV[3])
-- Applies only when no reservation is pending and the confirmed set holds as many orders as
-- PostgreSQL confirmed: then every unit is either sold and counted on both sides, or free on both
-- sides, and PostgreSQL's counts are the right ones. An order that settles after the snapshot is
-- counted by confirm.lua against the repaired values, as it would have been against the old ones.
-- Any reservation, release or confirm in between changes the tokens or the pending hash, and the
-- repair does nothing. Returns 1 if it repaired, else 0.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HLEN', KEYS[2]) ~= 0 then return 0 end
if redis.call('SCARD', KEYS[3]) ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('DEL', KEYS[4])
for i = 4, #ARGV, 2 do
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
end
return 1
