"""Load on a live server: gunicorn (2 sync workers) on SQLite and on PostgreSQL with the demo.

    python -m bench.load [--quick] [--engine sqlite|postgresql|both]

Real users are signed in over HTTP (the demo patient and clinician, several device sessions
each); `wrk` (Debian's package) then drives each page alone with one connection (latency),
16 and 64 connections (throughput and latency under load), and all pages mixed, on the same
server in the same run. Every figure is a ratio to `/healthz` measured the same way, so the
machine's speed cancels out. Prints one JSON object per line: {"metric", "value", "unit",
"target", "ok"}; errors count 5xx, any other non-200 answer and socket errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import emit

LUA = r"""
local paths, cookies, threads = {}, {}, {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
for line in io.lines(os.getenv("BENCH_COOKIES")) do cookies[#cookies + 1] = line end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = tonumber(id) or 0
  bad = 0
  bad_code = 0
end

function request()
  n = n + 1
  -- As a browser sends them: compressed answers, and a same-site navigation.
  local headers = {["Accept-Encoding"] = "gzip, br", ["Sec-Fetch-Site"] = "same-origin"}
  local cookie = cookies[(n % #cookies) + 1]
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[(n % #paths) + 1], headers)
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1; bad_code = status end
end

function done(summary, latency, requests)
  local total_bad, code = 0, 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    if thread:get("bad_code") ~= 0 then code = thread:get("bad_code") end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "bad_status": %d, "bad_code": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "timeout": %d, "p50": %f, "p95": %f}\n',
    summary.requests, summary.duration / 1e6, total_bad, code,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1e6, latency:percentile(95) / 1e6))
end
"""

# Single-user p50 and throughput targets, as ratios to /healthz (issue 10).
TARGETS = {"home": (5, 0.25), "record_summary": (8, 0.15)}


def wrk(base: str, paths: list[str], cookies: list[str], connections: int, seconds: float,
        work: Path) -> dict:
    (work / "paths").write_text("\n".join(paths) + "\n")
    (work / "cookies").write_text("\n".join(cookies) + "\n")
    (work / "bench.lua").write_text(LUA)
    threads = min(2, connections)
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{int(seconds)}s",
         "--timeout", "10s", "-s", str(work / "bench.lua"), base],
        capture_output=True,
        text=True,
        env={"BENCH_PATHS": str(work / "paths"), "BENCH_COOKIES": str(work / "cookies"),
             "PATH": "/usr/bin:/bin"},
        check=True,
    )
    settle(base)
    line = next(x for x in result.stdout.splitlines() if x.startswith("{"))
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / figures["seconds"]
    kinds = ("bad_status", "connect", "read", "write", "timeout")
    figures["errors"] = sum(figures[kind] for kind in kinds)
    if figures["errors"] and os.environ.get("BENCH_VERBOSE"):
        print(f"# {paths[0]} c{connections}: {figures}", flush=True)
    return figures


def settle(base: str) -> None:
    """Wait for requests wrk left queued on closed connections to be served (a sync worker
    still answers each): a request sent now is answered once the queue ahead of it is done."""
    import urllib.request

    with urllib.request.urlopen(base + "/healthz", timeout=120) as response:  # noqa: S310
        response.read()


def discover_pages(base: str) -> tuple[dict[str, tuple[str, str]], list[str], list[str]]:
    """Sign in users over HTTP and find the pages to drive: name -> (path, who)."""
    from myhealth.demo_people import (
        DEMO_CLINICIAN_EMAIL,
        DEMO_PASSWORD,
        DEMO_PATIENT_EMAIL,
        demo_totp_secret,
    )
    from tests.liveserver import Browser

    patients = []
    for _ in range(4):  # four devices
        person = Browser(base)
        person.sign_in(DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
        patients.append(person)
    # One clinician device: a security code is accepted once.
    staff = Browser(base)
    staff.sign_in(
        DEMO_CLINICIAN_EMAIL,
        DEMO_PASSWORD,
        demo_totp_secret(DEMO_CLINICIAN_EMAIL),
    )
    clinicians = [staff]
    patient = patients[0]
    _, home = patient.get("/home")
    summary = re.search(r'href="(/record/[0-9a-f-]{36})"', home).group(1)
    _, body = patient.get(summary)
    chart = re.search(rf'href="({summary}/results/[^"]+)"', body).group(1)
    section = re.search(rf'href="({summary}/(?!results|print|download)[a-z-]+)"', body).group(1)
    token = patient.csrf("/self-assessment/phq9")
    patient.post("/self-assessment/phq9", {"csrf_token": token})
    question = urllib_path(patient.url)  # this device's self-assessment in progress
    pages = {
        "landing": ("/", "anonymous"),
        "home": ("/home", "patient"),
        "record_summary": (summary, "patient"),
        "record_section": (section, "patient"),
        "result_chart": (chart, "patient"),
        "selfcare_question": (question, "patient_first"),
        "clinician_queue": ("/clinician/reviews", "clinician"),
    }
    return pages, [p.cookie_header() for p in patients], [c.cookie_header() for c in clinicians]


def urllib_path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def run_engine(engine: str, database_url: str, seconds: float, work: Path) -> bool:
    from tests.liveserver import Gunicorn, seed_demo

    logging.disable(logging.INFO)  # the migrations' progress lines
    seed_demo(database_url, work / "seed")
    server = Gunicorn(database_url)
    base = server.start()
    ok_all = True
    try:
        pages, patient_cookies, clinician_cookies = discover_pages(base)
        cookies_for = {"anonymous": [""], "patient": patient_cookies,
                       "patient_first": patient_cookies[:1], "clinician": clinician_cookies}
        for path, who in pages.values():  # warm each worker's caches
            wrk(base, [path], cookies_for[who], 2, 1, work)
        errors = 0
        for connections in (1, 16, 64):
            base_run = wrk(base, ["/healthz"], [""], connections, seconds, work)
            errors += base_run["errors"]
            for name, (path, who) in pages.items():
                run = wrk(base, [path], cookies_for[who], connections, seconds, work)
                errors += run["errors"]
                label = f"{engine}_{name}_c{connections}"
                if connections == 1:
                    p50 = run["p50"] / base_run["p50"]
                    budget = TARGETS.get(name, (None, None))[0]
                    ok = budget is None or p50 <= budget
                    ok_all &= ok
                    emit(f"{label}_p50_vs_healthz", p50, "ratio",
                         f"<= {budget}" if budget else "report", ok)
                    continue
                throughput = run["rps"] / base_run["rps"]
                floor = TARGETS.get(name, (None, None))[1]
                ok = floor is None or throughput >= floor
                ok_all &= ok
                emit(f"{label}_throughput_vs_healthz", throughput, "ratio",
                     f">= {floor}" if floor else "report", ok)
                emit(f"{label}_p50_vs_healthz", run["p50"] / base_run["p50"], "ratio",
                     "report", True)
                emit(f"{label}_p95_vs_healthz", run["p95"] / base_run["p95"], "ratio",
                     "report", True)
        for connections in (16, 64):
            mixed_paths = [path for path, who in pages.values() if who.startswith("patient")]
            mix = wrk(base, mixed_paths, patient_cookies[:1], connections, seconds, work)
            errors += mix["errors"]
            emit(f"{engine}_patient_mix_c{connections}_requests", mix["requests"], "count",
                 "report", True)
        emit(f"{engine}_errors", errors, "count", "== 0", errors == 0)
        ok_all &= errors == 0
        logged = server.errors_logged()
        emit(f"{engine}_server_errors_logged", len(logged), "count", "== 0", not logged)
        ok_all &= not logged
    finally:
        server.stop()
    return ok_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2-second runs instead of 8")
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench.load needs wrk: apt-get install wrk (make install-test does)")
    seconds = 2 if args.quick else 8
    work = Path(tempfile.mkdtemp(prefix="myhealth-load-"))
    ok = True
    if args.engine in {"sqlite", "both"}:
        ok &= run_engine("sqlite", f"sqlite:///{work / 'load.db'}", seconds, work)
    if args.engine in {"postgresql", "both"}:
        from tests.pgserver import PostgresServer

        pg = PostgresServer()
        try:
            ok &= run_engine("postgresql", pg.start(), seconds, work)
        finally:
            pg.stop()
    shutil.rmtree(work, ignore_errors=True)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
