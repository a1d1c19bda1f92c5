-- wrk script for tools/bench: POST the JSON body in IBIKI_BENCH_BODY with
-- the bearer token in IBIKI_BENCH_TOKEN (the same request every time).
wrk.method = "POST"
wrk.body = os.getenv("IBIKI_BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("IBIKI_BENCH_TOKEN")
