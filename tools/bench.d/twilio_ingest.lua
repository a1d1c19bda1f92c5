-- wrk script for tools/bench: POST /twilio/incoming with pre-signed,
-- never-repeated requests (tools/bench.d/twilio_sign.py writes one file
-- per thread; the path prefix comes in IBIKI_BENCH_SIGNED).
local counter = 0
local threads = {}

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
	table.insert(threads, thread)
end

-- Each run starts where the previous one stopped (the warm-up, then the
-- measurement), so no request is ever sent twice.
function init(args)
	local prefix = os.getenv("IBIKI_BENCH_SIGNED")
	local start_file = prefix .. "-" .. id .. ".next"
	local f = io.open(start_file, "r")
	first = f and tonumber(f:read("*l")) or 1
	if f then f:close() end
	reqs = {}
	for line in io.lines(prefix .. "-" .. id .. ".txt") do
		local tab = line:find("\t", 1, true)
		local sig, body = line:sub(1, tab - 1), line:sub(tab + 1)
		reqs[#reqs + 1] = wrk.format("POST", "/twilio/incoming", {
			["Content-Type"] = "application/x-www-form-urlencoded",
			["X-Twilio-Signature"] = sig,
		}, body)
	end
	n = first - 1
end

function done(summary, latency, requests)
	local prefix = os.getenv("IBIKI_BENCH_SIGNED")
	for _, t in ipairs(threads) do
		local f = io.open(prefix .. "-" .. t:get("id") .. ".next", "w")
		f:write(tostring(t:get("n") + 1) .. "\n")
		f:close()
	end
end

function request()
	n = n + 1
	if n > #reqs then
		n = 1 -- wrapped: replays from here on (bench.sh sizes files to avoid it)
		wrapped = true
	end
	return reqs[n]
end
