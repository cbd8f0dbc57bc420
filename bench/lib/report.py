#!/usr/bin/env python3
"""Turns a bench/run.sh result directory into results.json, report.md and PNG charts.

Reads, per (sub-)run directory: meta.json (what ran, with which settings), the load generator's
per-response logs (<phase>/wrk-*.log: start µs, latency µs, status, order id or code), the
sampler's CSV (queue depth, rows, tokens, commits over time), check.json (the invariants and the
outcomes in PostgreSQL), settled-<item>.csv (settlement per second) and the ceiling probes.
Exit status: 0 if every invariant held, 1 if not, 2 if BENCH_ENFORCE_BARS=1 and a bar was missed.
Standard library only; charts with gnuplot.
"""
import csv
import datetime
import glob
import json
import os
import re
import subprocess
import sys

import timers  # the same directory: one Prometheus scrape as {(name, labels): value}


def read_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def read_number(path):
    try:
        with open(path) as f:
            return float(f.read().strip())
    except (OSError, ValueError):
        return None


def pct(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def request_rows(directory):
    """Every answer of a phase as (start, epoch µs; latency, µs; HTTP status, 0 for none; orderId,
    code or -): wrk's logs in a closed loop, Gatling's in the open loop, the same four fields."""
    for path in glob.glob(os.path.join(directory, "wrk-*.log")) + glob.glob(os.path.join(directory, "requests-*.log")):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 4:
                    yield int(float(parts[0])), int(float(parts[1])), int(parts[2]), parts[3]


def phase(directory):
    """Statistics of one load phase from its per-response logs, or None if it did not run."""
    rows = list(request_rows(directory))
    if not rows:
        return None
    t0 = min(r[0] for r in rows)
    t1 = max(r[0] + r[1] for r in rows)
    last_answer = max((t1 - t0) / 1e6, 1e-6)
    # A load bounded in time counts the answers within its window (see load in common.sh).
    window = read_number(os.path.join(directory, "window.txt"))
    seconds = window or last_answer
    in_window = len(rows) if not window else sum(1 for r in rows if r[0] + r[1] - t0 <= window * 1e6)
    latencies = sorted(r[1] / 1000.0 for r in rows)
    statuses, codes = {}, {}
    per_second = {}
    first_sold_out = last_accepted = None
    for start, latency, status, tag in rows:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        done = (start + latency - t0) / 1e6
        if status != 202 and tag != "-":
            codes[tag] = codes.get(tag, 0) + 1
        if tag == "SOLD_OUT" and (first_sold_out is None or done < first_sold_out):
            first_sold_out = done
        if status == 202 and (last_accepted is None or done > last_accepted):
            last_accepted = done
        bucket = per_second.setdefault(int(done), {"n": 0, "202": 0, "409": 0, "5xx": 0, "other": 0, "lat": []})
        bucket["n"] += 1
        key = "202" if status == 202 else "409" if status == 409 else "5xx" if status >= 500 else "other"
        bucket[key] += 1
        bucket["lat"].append(latency / 1000.0)
    series = []
    for second in sorted(per_second):
        b = per_second[second]
        lat = sorted(b["lat"])
        series.append([second, b["n"], b["202"], b["409"], b["5xx"], b["other"],
                       pct(lat, 50), pct(lat, 95), pct(lat, 99), lat[-1]])
    return {
        "responses": len(rows),
        "start_ms": t0 // 1000,
        "seconds": round(seconds, 3),
        "last_answer_s": round(last_answer, 3),
        "responses_in_window": in_window,
        "requests_per_s": round(in_window / seconds, 1),
        "latency_ms": {"p50": pct(latencies, 50), "p95": pct(latencies, 95), "p99": pct(latencies, 99),
                       "max": latencies[-1], "mean": round(sum(latencies) / len(latencies), 3)},
        "by_status": dict(sorted(statuses.items())),
        "by_code": dict(sorted(codes.items())),
        "errors_5xx": sum(v for k, v in statuses.items() if k.startswith("5")),
        "first_sold_out_s": None if first_sold_out is None else round(first_sold_out, 3),
        "last_accepted_s": None if last_accepted is None else round(last_accepted, 3),
        "wrk": read_json(os.path.join(directory, "summary.json")),
        # requests that yielded their thread before being served (ADR 0046), all of this phase's
        "turns": read_number(os.path.join(directory, "turns.txt")),
        "_series": series,
    }


def samples(directory):
    path = os.path.join(directory, "samples.csv")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [{k: int(v) for k, v in row.items()} for row in csv.DictReader(f)]


def item_check(check, item):
    for entry in (check or {}).get("items", []):
        if str(entry.get("item")) == str(item):
            return entry
    return {}


def rate_between(count, start_ms, end_ms):
    if not count or start_ms is None or end_ms is None or end_ms <= start_ms:
        return None
    return round(count / ((end_ms - start_ms) / 1000.0), 1)


def ratio(value, ceiling):
    return round(value / ceiling, 3) if value and ceiling else None


def fairness(directory, connections, load):
    """How evenly the connections of a closed loop were served, and the latency Little's law gives.

    connections.txt (bench/lib/common.sh, connections_snapshot) holds the requests each connection
    had sent by the end of the window. Jain's index (sum x)^2 / (n sum x^2) is 1 when every
    connection was served equally often and 1/n when one connection got everything. Little's law:
    with `connections` requests always in the system, the mean latency is connections / throughput;
    the tail is set against that mean, since no server can beat it under this load model."""
    if not load:
        return None
    counts = []
    path = os.path.join(directory, "connections.txt")
    if os.path.exists(path):
        with open(path) as f:
            counts = sorted(int(line) for line in f if line.strip().isdigit())
    lat = load.get("latency_ms", {})
    little = round(1000.0 * connections / load["requests_per_s"], 3) if load.get("requests_per_s") else None
    result = {
        "connections_seen": len(counts),
        "requests_counted": sum(counts),
        "jain_index": round(sum(counts) ** 2 / (len(counts) * sum(c * c for c in counts)), 4) if counts and any(counts) else None,
        "requests_per_connection": {"min": counts[0], "p1": pct(counts, 1), "p50": pct(counts, 50), "p99": pct(counts, 99),
                                    "max": counts[-1]} if counts else None,
        "little_mean_ms": little,
        "measured_mean_ms": lat.get("mean"),
        "p99_over_little": round(lat["p99"] / little, 2) if little and lat.get("p99") is not None else None,
        "max_over_little": round(lat["max"] / little, 2) if little and lat.get("max") is not None else None,
        # how many answers took at least 90 % of the slowest one: about as many as there are
        # connections when the whole process (or machine) stood still with every request in flight,
        # a few when some connections were passed over while the others were served
        "answers_near_max": near_max(directory, lat.get("max")),
    }
    return result


def near_max(directory, slowest_ms):
    if not slowest_ms:
        return None
    floor = 0.9 * slowest_ms * 1000
    return sum(1 for _, latency, _, _ in request_rows(directory) if latency >= floor)


def bar(name, ok, detail):
    return {"bar": name, "met": bool(ok), "detail": detail}


# ---------------------------------------------------------------------------------------------- charts

def gnuplot(directory, name, title, ylabel, plots, logscale=False, xlabel="seconds since the load started"):
    """plots: list of (data file, using, title, style)."""
    script = os.path.join(directory, name + ".gp")
    with open(script, "w") as f:
        f.write('set terminal pngcairo size 960,480 font "sans,10"\n')
        f.write('set output "%s"\n' % os.path.join(directory, name + ".png"))
        f.write('set title "%s"\nset xlabel "%s"\nset ylabel "%s"\n' % (title, xlabel, ylabel))
        f.write("set grid\nset key outside right top\nset yrange [0:*]\nset offsets 0, 0, graph 0.05, 0\n")
        if logscale:
            f.write("set logscale y\nset yrange [*:*]\n")
        f.write("plot " + ", \\\n     ".join(
            '"%s" using %s title "%s" with %s' % (data, using, t, style) for data, using, t, style in plots) + "\n")
    result = subprocess.run(["gnuplot", script], capture_output=True, text=True)
    if result.returncode != 0:
        print("gnuplot failed for %s: %s" % (name, result.stderr.strip()), file=sys.stderr)
    return name + ".png"


def write_dat(path, header, rows):
    with open(path, "w") as f:
        f.write("# " + " ".join(header) + "\n")
        for row in rows:
            f.write(" ".join("NaN" if v is None else str(v) for v in row) + "\n")


def sample_series(directory, rows, t0_ms):
    """Sampler rows relative to t0: queue depth, pending, settled/s (rows delta)."""
    out, previous = [], None
    for row in rows:
        t = (row["t_ms"] - t0_ms) / 1000.0
        settled_per_s = None
        if previous is not None and row["t_ms"] > previous["t_ms"]:
            settled_per_s = round((row["rows"] - previous["rows"]) / ((row["t_ms"] - previous["t_ms"]) / 1000.0), 1)
        out.append([round(t, 3), max(row["queue_ready"], 0), row["pending"], row["tokens"], settled_per_s])
        previous = row
    path = os.path.join(directory, "samples.dat")
    write_dat(path, ["t_s", "queue_ready", "pending", "tokens", "settled_per_s"], out)
    return path


def charts_http(directory, load, rows, t0_ms, label):
    charts = []
    series = os.path.join(directory, "http.dat")
    write_dat(series, ["t_s", "responses", "s202", "s409", "s5xx", "other", "p50", "p95", "p99", "max"],
              [[s[0] + 0.5] + s[1:] for s in load["_series"]])
    sampled = sample_series(directory, rows, t0_ms)
    charts.append(gnuplot(directory, "throughput", "Throughput over time (%s)" % label, "per second", [
        (series, "1:2", "responses/s", "linespoints lw 2"),
        (series, "1:3", "202 accepted/s", "lines"),
        (series, "1:4", "409 refused/s", "lines"),
        (series, "1:5", "5xx/s", "lines"),
        (sampled, "1:5", "orders settled/s", "lines dt 2 lw 2"),
    ]))
    charts.append(gnuplot(directory, "latency", "HTTP latency percentiles per second (%s)" % label, "ms", [
        (series, "1:7", "p50", "linespoints"), (series, "1:8", "p95", "linespoints"),
        (series, "1:9", "p99", "linespoints"), (series, "1:10", "max", "lines dt 3"),
    ], logscale=True))
    charts.append(gnuplot(directory, "queue", "Queue depth over time (%s)" % label, "messages / reservations", [
        (sampled, "1:2", "orders queue (ready)", "lines lw 2"),
        (sampled, "1:3", "pending reservations", "lines"),
    ]))
    return charts


def charts_settle(directory, rows, t0_ms, settled_csv, label):
    charts = []
    sampled = sample_series(directory, rows, t0_ms)
    age = os.path.join(directory, "age.dat")
    age_rows = []
    if os.path.exists(settled_csv):
        with open(settled_csv) as f:
            for row in csv.DictReader(f):
                age_rows.append([int(row["t_s"]) + 0.5 - t0_ms / 1000.0, row["settled"], row["age_p50_ms"],
                                 row["age_p95_ms"], row["age_p99_ms"], row["age_max_ms"]])
    write_dat(age, ["t_s", "settled", "p50", "p95", "p99", "max"], age_rows)
    xlabel = "seconds since the worker(s) were launched"
    charts.append(gnuplot(directory, "throughput", "Settlement throughput (%s)" % label, "orders per second", [
        (age, "1:2", "orders settled/s (settled_at)", "linespoints lw 2"),
        (sampled, "1:5", "order rows/s (sampled)", "lines dt 2"),
    ], xlabel=xlabel))
    charts.append(gnuplot(directory, "latency", "Order age at settlement, per second (%s)" % label,
                          "ms since the order was accepted", [
        (age, "1:3", "p50", "linespoints"), (age, "1:4", "p95", "linespoints"),
        (age, "1:5", "p99", "linespoints"), (age, "1:6", "max", "lines dt 3"),
    ], logscale=True, xlabel=xlabel))
    charts.append(gnuplot(directory, "queue", "Queue depth over time (%s)" % label, "messages", [
        (sampled, "1:2", "orders queue (ready)", "lines lw 2"),
        (sampled, "1:3", "pending reservations", "lines"),
    ], xlabel=xlabel))
    return charts


# ------------------------------------------------------------------------------------------- scenarios

def db_commits(rows, start_ms):
    """Commits in the bench database from start_ms to the last sample, less the sampler's own."""
    during = [r for r in rows if r["t_ms"] >= start_ms]
    if len(during) < 2:
        return None
    return during[-1]["db_commits"] - during[0]["db_commits"] - (len(during) - 1)


def machine_stalls(directory, load, apps=("app",)):
    """What the stall probes (bench/lib/common.sh, stall_probes_start) saw while the load's window
    ran: for the machine at each priority, the wake-ups 10 ms or more late (count, total, longest),
    the p99.9 of all and the steal time; for the broker, the confirms 50 ms or more late (count,
    longest) and the p99 of all; for the disk (bench/lib/fsync_probe.py), the syncs of 50 ms or
    more (count, longest), the p99 of all, and how many of the broker's late confirms were waiting
    while one of those syncs was; for each app process of APPS (their labels in launch_app), the
    collector's pauses over the window."""
    if not load:
        return {}
    start, end = load["start_ms"], load["start_ms"] + 1000 * load["seconds"]
    found = {}
    for name, label in (("hiccup.json", "normal"), ("hiccup-rt.json", "real-time")):
        probe = read_json(os.path.join(directory, name))
        if not probe:
            continue
        stalls = [late for at, late in probe.get("stalls", []) if start <= at <= end]
        found[label] = {"stalls_over_10ms": len(stalls), "stalled_ms": round(sum(stalls)),
                        "longest_ms": max(stalls, default=0), "p999_ms": probe["late_ms"]["p999"],
                        "steal_ms": probe.get("steal_ms")}
    broker = read_json(os.path.join(directory, "confirm-probe.json"))
    # the broker probe's late confirms in the window, [(sent epoch ms, took ms)]: set beside each
    # other probe's stalls below
    late = [(at, took) for at, took in (broker or {}).get("stalls", []) if start <= at <= end]
    if broker:
        found["broker"] = {"confirms_over_50ms": len(late), "longest_ms": max((t for _, t in late), default=0),
                           "p99_ms": broker["late_ms"]["p99"], "samples": broker["samples"]}
    disk = read_json(os.path.join(directory, "fsync-probe.json"))
    if disk:
        slow = [(at, took) for at, took in disk.get("stalls", []) if start <= at <= end]
        found["disk"] = {"syncs_over_50ms": len(slow), "longest_ms": max((t for _, t in slow), default=0),
                         "p99_ms": disk["sync_ms"]["p99"], "samples": disk["samples"], "dir": disk.get("dir")}
        if broker:
            found["disk"]["broker_late_during_slow_sync"] = during(late, slow)
            found["disk"]["broker_late"] = len(late)
    for app in apps:
        gc = gc_pauses(os.path.join(os.path.dirname(directory), "logs", app + "-gc.log"), start, end)
        if gc:
            found["gc_" + app] = gc
    for app, jit in jit_over_load(directory, load).items():
        found["jit_" + app] = jit
    waits = read_json(os.path.join(directory, "cpu-wait.json"))
    period = (waits or {}).get("period_ms", 100)
    for label, w in ((waits or {}).get("processes") or {}).items():
        # each stall is stamped at the end of the period in which the thread got its core back
        stalls = [(at, name, took) for at, name, took in w.get("stalls", []) if start <= at <= end + period]
        inside = [(at, wait) for at, wait, _ in w.get("series", []) if start <= at <= end]
        found["cpu_wait_" + label] = {
            "waits_over_50ms": len(stalls), "longest_ms": max((t for _, _, t in stalls), default=0),
            "longest_thread": max(stalls, key=lambda s: s[2])[1] if stalls else None,
            "wait_ms_per_s": round((inside[-1][1] - inside[0][1]) / ((inside[-1][0] - inside[0][0]) / 1000.0), 1)
            if len(inside) > 1 and inside[-1][0] > inside[0][0] else None}
        if label == "broker" and broker:
            found["cpu_wait_broker"]["broker_late"] = len(late)
            # the thread got its core back somewhere in the period before its stamp: its wait may have
            # ended up to one period before the stamp
            found["cpu_wait_broker"]["broker_late_during_wait"] = during(
                late, [(at - period - took, period + took) for at, _, took in stalls])
    return found


def during(late, intervals):
    """How many of LATE [(start ms, took ms)] overlapped one of INTERVALS [(start ms, length ms)]."""
    return sum(1 for at, took in late if any(i_at < at + took and at < i_at + length for i_at, length in intervals))


GC_LINE = re.compile(r"^\[(\d{4}-\d\d-\d\dT[\d:.]+)([+-]\d{4})\] ")
GC_PAUSE_LINE = re.compile(r"\bPause (.*) (\d+\.\d+)ms$")


def gc_pauses(path, start_ms, end_ms):
    """The app's stop-the-world collector pauses that overlapped [start_ms, end_ms] (epoch ms), from
    its -Xlog:gc,gc+phases log with utctime decorations (bench/lib/common.sh, launch_app) and the
    files -Xlog renamed it to when the label's JVM was started again (path.0, path.1, ...: another
    sub-run's process, whose pauses fall outside the window): count, total and longest in ms, and
    how many were 25 ms or longer. None without a line in that form (older runs; an -Xlog in
    BENCH_JAVA_OPTS that turned the log off or rewrote it)."""
    paths = [path] + [p for p in glob.glob(glob.escape(path) + ".*") if p[len(path) + 1:].isdigit()]
    pauses, lines = [], 0
    for one in paths:
        try:
            f = open(one, errors="replace")
        except OSError:
            continue
        with f:
            for line in f:
                stamp = GC_LINE.match(line)
                if not stamp:
                    continue
                lines += 1
                match = GC_PAUSE_LINE.search(line.rstrip("\n"), stamp.end())
                if not match:
                    continue
                # the line is written when the pause ends
                ended = datetime.datetime.strptime(stamp.group(1) + stamp.group(2), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000
                took = float(match.group(2))
                if ended - took <= end_ms and ended >= start_ms:
                    pauses.append(took)
    if not lines:
        return None
    return {"pauses": len(pauses), "total_ms": round(sum(pauses), 1), "longest_ms": max(pauses, default=0),
            "over_25ms": sum(1 for p in pauses if p >= 25)}


def jit_over_load(directory, load):
    """Each JVM's JIT over the load (bench/lib/common.sh, jit_count: jstat readings just before and
    just after it): {label: {"compilations", "compiler_s", "compiler_cores"}} in the readings'
    order, compiler_s being the compile tasks' wall time (not CPU time), also over the load's
    seconds. A window that runs compiled code shows few compilations (ADR 0067). A JVM jstat could
    not read gets {"no_reading": True}; nothing at all if the readings were not taken."""
    def reading(name):
        path = os.path.join(directory, "load", name)
        if not os.path.exists(path):
            return None
        found = {}
        with open(path) as f:
            for line in f:
                parts = line.split()
                try:
                    found[parts[0]] = (int(parts[1]), float(parts[2].replace(",", ".")))
                except (IndexError, ValueError):
                    continue
        return found
    before, after = reading("jit-before.txt"), reading("jit-after.txt")
    if before is None or after is None:
        return {}
    seconds = (load or {}).get("seconds") or 0
    out = {}
    for label in [l for l in before if l in after]:
        compiled, secs = after[label][0] - before[label][0], after[label][1] - before[label][1]
        out[label] = {"compilations": compiled, "compiler_s": round(secs, 3),
                      "compiler_cores": round(secs / seconds, 3) if seconds else None}
    if not out:
        out["app"] = {"no_reading": True}
    return out


def stall_rows(run):
    stalls = run.get("machine_stalls") or {}
    rows = [("the machine's own stalls over the load, probe at %s priority (bench/lib/hiccup.py): wake-ups "
             ">= 10 ms late, their total, the longest; p99.9 lateness; CPU stolen by the hypervisor" % label,
             "%d, %d ms, %s ms; %s ms; %s ms" % (s["stalls_over_10ms"], s["stalled_ms"], fmt(s["longest_ms"]),
                                                 fmt(s["p999_ms"]), s["steal_ms"]))
            for label, s in stalls.items() if label in ("normal", "real-time")]
    if "broker" in stalls:
        b = stalls["broker"]
        rows.append(("the broker's confirms to a publisher of the harness's own (bench confirm-probe, 50/s): "
                     "confirms >= 50 ms over the load, the longest; p99 of the whole probe",
                     "%d, %s ms; %s ms" % (b["confirms_over_50ms"], fmt(b["longest_ms"]), fmt(b["p99_ms"]))))
    if "disk" in stalls:
        d = stalls["disk"]
        overlap = ("; %d of the broker's %d late confirms waited while one did"
                   % (d["broker_late_during_slow_sync"], d["broker_late"])) if "broker_late" in d else ""
        # common.sh falls back to the results directory when the broker's is not writable: say where it synced
        rows.append(("the disk's syncs in %s (bench/lib/fsync_probe.py, 4 KiB and fdatasync "
                     "every 20 ms): syncs >= 50 ms over the load, the longest; p99 of the whole probe"
                     % (d.get("dir") or "the broker's data directory"),
                     "%d, %s ms; %s ms%s" % (d["syncs_over_50ms"], fmt(d["longest_ms"]), fmt(d["p99_ms"]), overlap)))
    # the app, or each api and the worker, in the order machine_stalls found them
    for label in (k[len("gc_"):] for k in stalls if k.startswith("gc_")):
        g = stalls["gc_" + label]
        rows.append(("the %s's collector pauses over the load (logs/%s-gc.log, -Xlog:gc,gc+phases): pauses, "
                     "their total, the longest; pauses >= 25 ms" % (label, label),
                     "%d, %s ms, %s ms; %d" % (g["pauses"], fmt(g["total_ms"]), fmt(g["longest_ms"]), g["over_25ms"])))
    for label in (k[len("jit_"):] for k in stalls if k.startswith("jit_")):
        j = stalls["jit_" + label]
        rows.append(("the %s's JIT over the load (jstat -compiler before and after): methods compiled, "
                     "the compile tasks' seconds (wall time), over the load's seconds" % label,
                     "no reading (jstat could not read the JVM)" if j.get("no_reading") else
                     "%d, %s s, %s" % (j["compilations"], fmt(j["compiler_s"]), fmt(j["compiler_cores"]))))
    # the broker first, then every process of the app the probe watched (app, or api-N and worker)
    for label in sorted((k[len("cpu_wait_"):] for k in stalls if k.startswith("cpu_wait_")), key=lambda l: (l != "broker", l)):
        w = stalls["cpu_wait_" + label]
        overlap = ("; %d of the broker's %d late confirms waited while one did"
                   % (w["broker_late_during_wait"], w["broker_late"])) if "broker_late" in w else ""
        rows.append(("the %s's threads waiting for a core (bench/lib/cpu_wait_probe.py, the kernel's run-queue "
                     "wait per thread, every 100 ms): waits >= 50 ms over the load, the longest (thread); "
                     "all its threads' wait per second of the load" % label,
                     "%d, %s ms (%s); %s ms/s%s" % (w["waits_over_50ms"], fmt(w["longest_ms"]), w["longest_thread"] or "-",
                                                    fmt(w["wait_ms_per_s"]) if w["wait_ms_per_s"] is not None else "-", overlap)))
    return rows


def spike_run(directory, meta):
    load, ceiling = phase(os.path.join(directory, "load")), phase(os.path.join(directory, "ceiling"))
    check = read_json(os.path.join(directory, "check.json"), {})
    item = item_check(check, meta["item"])
    rows = samples(directory)
    t0 = load["start_ms"] if load else (rows[0]["t_ms"] if rows else 0)
    stock = int(meta["stock"])
    during = [r for r in rows if r["t_ms"] >= t0]
    result = {
        "label": os.path.basename(directory), "mode": meta["mode"], "api_processes": int(meta["apis"]),
        "stock": stock, "connections": int(meta["connections"]), "seconds": int(meta["seconds"]),
        "buyers": int(meta["buyers"]),
        "load": {k: v for k, v in (load or {}).items() if not k.startswith("_")},
        "ceiling": {k: v for k, v in (ceiling or {}).items() if not k.startswith("_")},
        "ratio_to_ceiling": ratio(load and load["requests_per_s"], ceiling and ceiling["requests_per_s"]),
        "messages_published": (load or {}).get("by_status", {}).get("202", 0),
        "order_rows": item.get("order_rows"),
        "by_outcome": item.get("by_outcome"),
        "peak_queue_depth": max((r["queue_ready"] for r in during), default=None),
        "settle_transactions": item.get("settle_transactions"),
        "db_commits": db_commits(rows, t0),
        "time_to_sell_out_s": (load or {}).get("first_sold_out_s"),
        "last_accepted_s": (load or {}).get("last_accepted_s"),
        "time_until_settled_s": None if not item.get("last_settled_ms") else round((item["last_settled_ms"] - t0) / 1000.0, 3),
        "invariants": check.get("invariants", "NOT CHECKED"),
        "invariant_failures": [i.get("failure") for i in check.get("items", []) if i.get("failure")],
        "settings": settings(meta),
        "machine_stalls": machine_stalls(directory, load, ("app",) if int(meta["apis"]) == 0 else
                                         tuple("api-%d" % i for i in range(1, int(meta["apis"]) + 1)) + ("worker",)),
    }
    result["cpu"] = [c for c in (cpu_use(directory, "ceiling", "request", (ceiling or {}).get("responses_in_window")),
                                 cpu_use(directory, "load", "request", (load or {}).get("responses_in_window"))) if c]
    result["fairness"] = fairness(os.path.join(directory, "load"), int(meta["connections"]), load)
    result["ceiling_fairness"] = fairness(os.path.join(directory, "ceiling"), int(meta["connections"]), ceiling)
    result["phases"] = before_and_after(os.path.join(directory, "load"), (load or {}).get("first_sold_out_s"),
                                        int(meta["connections"]))
    fair = result["fairness"] or {}
    lat = (load or {}).get("latency_ms", {})
    result["bars"] = [
        bar("requests/s >= 50% of the trivial endpoint's", (result["ratio_to_ceiling"] or 0) >= 0.5,
            "%s of %s req/s = %s" % ((load or {}).get("requests_per_s"), (ceiling or {}).get("requests_per_s"),
                                     result["ratio_to_ceiling"])),
        bar("p99 <= 4 x Little's mean (connections / requests/s)", (fair.get("p99_over_little") or 99) <= 4,
            "p99 %s ms = %s x %s ms" % (lat.get("p99"), fair.get("p99_over_little"), fair.get("little_mean_ms"))),
        bar("max <= 20 x Little's mean", (fair.get("max_over_little") or 999) <= 20,
            "max %s ms = %s x %s ms" % (lat.get("max"), fair.get("max_over_little"), fair.get("little_mean_ms"))),
        bar("zero 5xx", load is not None and load["errors_5xx"] == 0, "%s" % (load or {}).get("errors_5xx")),
        bar("invariants hold", result["invariants"] == "hold", result["invariants"]),
    ]
    if meta["mode"] == "reserve":
        published = result["messages_published"]
        result["bars"].append(bar("reserve publishes at most stock + 1%", published <= stock * 1.01,
                                  "%d published for %d units" % (published, stock)))
    result["charts"] = charts_http(directory, load, rows, t0, result["label"]) if load else []
    return result


def settle_run(directory, meta):
    check = read_json(os.path.join(directory, "check.json"), {})
    item = item_check(check, meta["item"])
    raw = read_json(os.path.join(directory, "raw-consume.json"), {})
    rows = samples(directory)
    started = int(meta["workers_started_ms"])
    rate = rate_between(item.get("order_rows"), item.get("first_settled_ms"), item.get("last_settled_ms"))
    preload = phase(os.path.join(directory, "preload"))
    result = {
        "label": os.path.basename(directory), "workers": int(meta["workers"]), "orders": int(meta["orders"]),
        "accepted": int(meta["accepted"]), "prefetch": int(meta["prefetch"]),
        "orders_per_s": rate,
        "orders_per_s_from_launch": rate_between(item.get("order_rows"), started, item.get("last_settled_ms")),
        "raw_consumer_per_s": raw.get("rate"),
        "ratio_to_raw": ratio(rate, raw.get("rate")),
        "raw_consumer": raw,
        "order_rows": item.get("order_rows"),
        "by_outcome": item.get("by_outcome"),
        "settle_transactions": item.get("settle_transactions"),
        "orders_per_transaction": None if not item.get("settle_transactions") else
        round(item["order_rows"] / item["settle_transactions"], 1),
        "db_commits": db_commits(rows, started),
        "queue_empty_after_launch_s": None if not item.get("last_settled_ms") else round((item["last_settled_ms"] - started) / 1000.0, 3),
        "preload": {k: v for k, v in (preload or {}).items() if not k.startswith("_")},
        "invariants": check.get("invariants", "NOT CHECKED"),
        "invariant_failures": [i.get("failure") for i in check.get("items", []) if i.get("failure")],
        "settings": settings(meta),
    }
    result["cpu"] = [c for c in (cpu_use(directory, "raw-consume", "message", raw.get("messages"), only="rabbitmq"),
                                 cpu_use(directory, "drain", "order", int(meta.get("drained_after_start") or 0))) if c]
    result["bars"] = [
        bar("orders/s >= 60% of the raw consumer's", (result["ratio_to_raw"] or 0) >= 0.6,
            "%s of %s msg/s = %s" % (rate, raw.get("rate"), result["ratio_to_raw"])),
        bar("one transaction per batch, not per order", (result["orders_per_transaction"] or 0) > 1,
            "%s orders per settling transaction" % result["orders_per_transaction"]),
        bar("invariants hold", result["invariants"] == "hold", result["invariants"]),
    ]
    result["charts"] = charts_settle(directory, rows, started,
                                     os.path.join(directory, "settled-%s.csv" % meta["item"]), result["label"])
    return result


def bigstock_run(directory, meta):
    load = phase(os.path.join(directory, "load"))
    check = read_json(os.path.join(directory, "check.json"), {})
    item = item_check(check, meta["item"])
    raw = read_json(os.path.join(directory, "raw-publish.json"), {})
    rows = samples(directory)
    t0 = load["start_ms"] if load else 0
    accepted = (load or {}).get("by_status", {}).get("202", 0)
    accepted_per_s = round(accepted / load["seconds"], 1) if load else None
    result = {
        "label": os.path.basename(directory), "units": int(meta["units"]), "connections": int(meta["connections"]),
        "accepted": accepted, "accepted_per_s": accepted_per_s,
        "settled_per_s_end_to_end": rate_between(item.get("order_rows"), t0, item.get("last_settled_ms")),
        "raw_publish_per_s": raw.get("rate"), "raw_publish": raw,
        "ratio_to_raw": ratio(accepted_per_s, raw.get("rate")),
        "load": {k: v for k, v in (load or {}).items() if not k.startswith("_")},
        "order_rows": item.get("order_rows"), "by_outcome": item.get("by_outcome"),
        "settle_transactions": item.get("settle_transactions"),
        "peak_queue_depth": max((r["queue_ready"] for r in rows if r["t_ms"] >= t0), default=None),
        "time_until_settled_s": None if not item.get("last_settled_ms") else round((item["last_settled_ms"] - t0) / 1000.0, 3),
        "invariants": check.get("invariants", "NOT CHECKED"),
        "invariant_failures": [i.get("failure") for i in check.get("items", []) if i.get("failure")],
        "settings": settings(meta),
    }
    result["cpu"] = [c for c in (cpu_use(directory, "raw-publish", "message", raw.get("confirmed"), only="rabbitmq"),
                                 cpu_use(directory, "load", "order", accepted)) if c]
    result["bars"] = [
        bar("accepted/s >= 50% of raw publish-with-confirms", (result["ratio_to_raw"] or 0) >= 0.5,
            "%s of %s msg/s = %s" % (accepted_per_s, raw.get("rate"), result["ratio_to_raw"])),
        bar("every buyer accepted once", accepted == result["units"], "%d of %d" % (accepted, result["units"])),
        bar("invariants hold", result["invariants"] == "hold", result["invariants"]),
    ]
    result["charts"] = charts_http(directory, load, rows, t0, result["label"]) if load else []
    return result


def split_latency(directory, statuses):
    """p50/p99/max of the answers with one of the given statuses, from a phase's request logs."""
    values = sorted(latency / 1000.0 for _, latency, status, _ in request_rows(directory) if status in statuses)
    return {"count": len(values), "p50": pct(values, 50), "p99": pct(values, 99),
            "max": values[-1] if values else None}


def p99_by_slice(directory, slice_s=5):
    """p99 from arrival of the answers to the buyers who arrived in each slice_s of the window, in
    order: a tail set by the first seconds (a start-up transient) reads apart from one spread over
    the whole run."""
    rows = [(start, latency / 1000.0) for start, latency, _, _ in request_rows(directory)]
    if not rows:
        return None
    t0 = min(r[0] for r in rows)
    slices = {}
    for start_us, latency_ms in rows:
        slices.setdefault(int((start_us - t0) / 1e6 // slice_s), []).append(latency_ms)
    # [slice start in s from the first arrival, p99 ms], for the slices that had arrivals: a stray
    # line far from the others adds one pair, not one per empty slice in between
    return {"slice_s": slice_s, "p99_ms": [[i * slice_s, pct(sorted(slices[i]), 99)] for i in sorted(slices)]}


def before_and_after(directory, split_s, connections):
    """A load's answers before and after split_s (the first SOLD_OUT): count, rate, Little's
    mean for that rate, p50 / p99 / max. While units are left nearly every answer is an admission
    (a Redis script, a persistent publish and its confirm), after it a refusal: two loads in one run,
    each with its own Little's mean."""
    if split_s is None:
        return None
    rows = [(start, latency) for start, latency, _, _ in request_rows(directory)]
    if not rows:
        return None
    t0 = min(r[0] for r in rows)
    window = read_number(os.path.join(directory, "window.txt")) or max((r[0] + r[1] - t0) / 1e6 for r in rows)
    out = {}
    for name, lo, hi in (("before_sold_out", 0.0, split_s), ("after_sold_out", split_s, window)):
        values = sorted(r[1] / 1000.0 for r in rows if lo <= (r[0] + r[1] - t0) / 1e6 < hi)
        seconds = hi - lo
        rate = len(values) / seconds if seconds > 0 else None
        little = 1000.0 * connections / rate if rate else None
        out[name] = {"seconds": round(seconds, 3), "answers": len(values), "requests_per_s": rate and round(rate, 1),
                     "little_mean_ms": little and round(little, 3), "p50": pct(values, 50), "p99": pct(values, 99),
                     "max": values[-1] if values else None,
                     "p99_over_little": round(pct(values, 99) / little, 2) if values and little else None,
                     "max_over_little": round(values[-1] / little, 2) if values and little else None}
    return out


# The app's timers over the open crowd (not the capacity run, nor the generator's warm-up): the
# difference of the Prometheus scrapes saved as the measured window starts and just after its last
# answer (bench/run.sh openloop), as the share of calls within each bound. Runs before ADR 0056
# scraped before the warm-up, and say so.
ADMISSION_PARTS = (
    ("the whole admission", "flashsale_admission_duration_seconds", 'outcome="admitted"'),
    ("the gate's reserve call", "flashsale_gate_duration_seconds", 'operation="reserve"'),
    ("hand-off to the broker's confirm", "flashsale_admission_publish_duration_seconds", 'outcome="confirmed"'),
)
PART_BOUNDS_S = (0.002, 0.005, 0.025, 0.1)


def admission_parts(directory):
    before_path, after_path = (os.path.join(directory, "metrics-%s.prom" % when) for when in ("before", "after"))
    if not (os.path.exists(before_path) and os.path.exists(after_path)):
        return []
    before, after = timers.scrape(before_path), timers.scrape(after_path)

    def delta(series, tag, bound=None):
        return sum(value - before.get(key, 0) for key, value in after.items()
                   if key[0] == series and tag in key[1] and (bound is None or 'le="%r"' % bound in key[1]))

    parts = []
    for label, metric, tag in ADMISSION_PARTS:
        count = delta(metric + "_count", tag)
        if count <= 0:
            continue
        parts.append({"part": label, "count": int(count),
                      "mean_ms": round(1000.0 * delta(metric + "_sum", tag) / count, 2),
                      "within_pct": {"%g ms" % (bound * 1000): round(100.0 * delta(metric + "_bucket", tag, bound) / count, 1)
                                     for bound in PART_BOUNDS_S}})
    return parts


# Where each accepted buyer's time went, from three clocks of one machine: the generator's arrival and
# answer (load/requests-gatling.log), the order id's own millisecond (a UUIDv7, made as the admission
# starts, before the gate), and the app's "admitted and queued" log line (written once the broker
# confirmed). So a tail can be placed buyer by buyer, rather than by the timers' separate
# distributions: the way in (the generator sending, the connection, the server, the filters), the
# gate and the broker's confirm, or the way out. Whole milliseconds on the app's side: each part is
# within 1 ms. Only the plain log lines are read (not a structured format), with their ISO-8601
# time and offset.
QUEUED_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\S+?(?:Z|[+-]\d\d:?\d\d)) .*Order ([0-9a-f-]{36}) for item \d+ admitted and queued")


def accepted_breakdown(directory):
    log_path = os.path.join(os.path.dirname(directory), "logs", "app.log")
    requests_path = os.path.join(directory, "load", "requests-gatling.log")
    if not (os.path.exists(log_path) and os.path.exists(requests_path)):
        return None
    accepted = {}
    with open(requests_path) as f:
        for line in f:
            fields = line.split()
            # the third group of a UUIDv7 starts with its version, 7
            if len(fields) >= 4 and fields[2] == "202" and fields[3][14:15] == "7":
                accepted[fields[3]] = (int(fields[0]) / 1000.0, int(fields[1]) / 1000.0)
    queued = {}
    with open(log_path, errors="replace") as f:
        for line in f:
            match = QUEUED_LINE.match(line)
            if match and match.group(2) in accepted and match.group(2) not in queued:
                try:
                    queued[match.group(2)] = datetime.datetime.fromisoformat(match.group(1)).timestamp() * 1000
                except ValueError:
                    continue
    parts = []
    for order_id, confirmed in queued.items():
        arrived, latency = accepted[order_id]
        admission_started = int(order_id.replace("-", "")[:12], 16)
        parts.append((latency, admission_started - arrived, confirmed - admission_started,
                      arrived + latency - confirmed))
    if not parts:
        return None
    names = ("in", "gate_and_confirm", "out")
    columns = {name: sorted(p[i + 1] for p in parts) for i, name in enumerate(names)}
    slowest = sorted(parts, reverse=True)[:max(1, len(parts) // 100)]
    return {"buyers": len(parts),
            "p50_ms": {name: round(pct(values, 50), 1) for name, values in columns.items()},
            "p99_ms": {name: round(pct(values, 99), 1) for name, values in columns.items()},
            "slowest_percent_mean_ms": dict(zip(("total",) + names,
                                                (round(sum(p[i] for p in slowest) / len(slowest), 1) for i in range(4))))}


def breakdown_rows(run):
    b = run.get("accepted_breakdown")
    if not b:
        return []
    keys = ("in", "gate_and_confirm", "out")

    def split(figures):
        return " / ".join(fmt(figures[k]) for k in keys)

    return [("accepted buyers (%d), by the clocks: way in (arrival to the order id's time), gate and broker's "
             "confirm (to the app's \"admitted and queued\" line), way out (to the answer): p50; p99" % b["buyers"],
             "%s; %s ms" % (split(b["p50_ms"]), split(b["p99_ms"]))),
            ("the slowest 1 % of accepted buyers, mean: total; in / gate and confirm / out",
             "%s; %s ms" % (fmt(b["slowest_percent_mean_ms"]["total"]), split(b["slowest_percent_mean_ms"])))]


def openloop_run(directory, meta):
    load, capacity = phase(os.path.join(directory, "load")), phase(os.path.join(directory, "capacity"))
    check = read_json(os.path.join(directory, "check.json"), {})
    item = item_check(check, meta["item"])
    rows = samples(directory)
    t0 = load["start_ms"] if load else (rows[0]["t_ms"] if rows else 0)
    stock = int(meta["stock"])
    rate = float(meta["rate_per_s"])
    lat = (load or {}).get("latency_ms", {})
    result = {
        "label": os.path.basename(directory), "stock": stock, "seconds": int(meta["seconds"]),
        "buyers": int(meta["buyers"]), "connections": int(meta["connections"]),
        "arrival_rate_per_s": rate, "fraction_of_capacity": float(meta["fraction"]),
        "capacity_per_s": float(meta["capacity_per_s"]),
        "load": {k: v for k, v in (load or {}).items() if not k.startswith("_")},
        "capacity": {k: v for k, v in (capacity or {}).items() if not k.startswith("_")},
        "capacity_fairness": fairness(os.path.join(directory, "capacity"), int(meta["connections"]), capacity),
        # the capacity run's answers/s while units were left (admissions) and after: an arrival rate
        # above the first is more than the server can admit until the units are gone
        "capacity_phases": before_and_after(os.path.join(directory, "capacity"), (capacity or {}).get("first_sold_out_s"),
                                            int(meta["connections"])),
        "phases": before_and_after(os.path.join(directory, "load"), (load or {}).get("first_sold_out_s"),
                                   int(meta["connections"])),
        "arrived": (load or {}).get("responses"),
        "arrivals_per_s_achieved": round((load or {}).get("responses", 0) / int(meta["seconds"]), 1),
        "accepted_latency_ms": split_latency(os.path.join(directory, "load"), {202}),
        "refused_latency_ms": split_latency(os.path.join(directory, "load"), {409}),
        "p99_by_slice": p99_by_slice(os.path.join(directory, "load")),
        "messages_published": (load or {}).get("by_status", {}).get("202", 0),
        "order_rows": item.get("order_rows"), "by_outcome": item.get("by_outcome"),
        "time_to_sell_out_s": (load or {}).get("first_sold_out_s"),
        "last_accepted_s": (load or {}).get("last_accepted_s"),
        "invariants": check.get("invariants", "NOT CHECKED"),
        "invariant_failures": [i.get("failure") for i in check.get("items", []) if i.get("failure")],
        "settings": settings(meta),
        "admission_parts": admission_parts(directory),
        "accepted_breakdown": accepted_breakdown(directory),
        # runs before ADR 0056 scraped the timers before the generator's warm-up
        "timers_exclude_warmup": os.path.exists(os.path.join(directory, "load", "started")),
        # with the worker apart (ADR 0069) its collector's pauses are in a log of its own (none if together)
        "machine_stalls": machine_stalls(directory, load, ("app", "worker")),
    }
    result["cpu"] = [c for c in (cpu_use(directory, "capacity", "request", (capacity or {}).get("responses_in_window")),
                                 cpu_use(directory, "load", "request", (load or {}).get("responses_in_window"))) if c]
    no_answer = (load or {}).get("by_status", {}).get("0", 0)
    result["bars"] = [
        bar("p99 <= 25 ms (from arrival)", lat.get("p99") is not None and lat["p99"] <= 25, "p99 %s ms" % lat.get("p99")),
        bar("zero 5xx, every buyer answered", load is not None and load["errors_5xx"] == 0 and no_answer == 0,
            "%s 5xx, %s without an answer" % ((load or {}).get("errors_5xx"), no_answer)),
        bar("invariants hold", result["invariants"] == "hold", result["invariants"]),
        bar("reserve publishes at most stock + 1%", result["messages_published"] <= stock * 1.01,
            "%d published for %d units" % (result["messages_published"], stock)),
    ]
    result["charts"] = charts_http(directory, load, rows, t0, result["label"]) if load else []
    return result


def overload_figures(directory):
    """The overload client's lines (key=value figures, one per phase) by their tag."""
    lines = {}
    try:
        with open(os.path.join(directory, "figures.txt")) as f:
            for line in f:
                pairs = dict(part.split("=", 1) for part in line.split() if "=" in part)
                if "tag" in pairs:
                    tag = pairs.pop("tag")
                    lines[tag] = {k: number(v) for k, v in pairs.items()}
    except OSError:
        pass
    return lines


def number(text):
    try:
        value = float(text)
    except ValueError:
        return text
    return None if value != value else int(value) if value.is_integer() and "." not in text else value


def overload_run(directory, meta):
    """bench/run.sh overload: accepted purchases' p50/p99 per phase, limit on and off (ADR 0011)."""
    lines = overload_figures(directory)
    capacity = int(float(meta["capacity_per_s"]))
    result = {"label": os.path.basename(directory), "phase_seconds": int(meta["phase_seconds"]),
              "callers": int(meta["callers"]), "capacity_per_s": capacity,
              "capacity": lines.get("capacity"), "limits": {}, "settings": settings(meta),
              # the figures are latencies; no order ids are kept, so the invariants are not checked
              "invariants": "not checked", "invariant_failures": [], "bars": [], "charts": [], "cpu": []}
    for limit, label in (("true", "on"), ("false", "off")):
        nominal, overload = lines.get("nominal-limit-" + limit), lines.get("overload-limit-" + limit)
        p99 = lambda line: (line or {}).get("p99_ms")
        ratio_p99 = round(p99(overload) / p99(nominal), 1) if p99(overload) is not None and p99(nominal) else None
        result["limits"][label] = {
            "nominal": nominal, "overload": overload,
            "nominal_rate_per_s": capacity * 7 // 10, "overload_rate_per_s": capacity * 3,
            "p99_overload_over_nominal": ratio_p99,
            "limit_at_end": read_number(os.path.join(directory, "limit-at-end-%s.txt" % limit))}
    result["complete"] = all(lines.get(tag) for tag in ("capacity", "nominal-limit-true", "overload-limit-true",
                                                         "nominal-limit-false", "overload-limit-false"))
    return result


def overload_section(run):
    """The table and ratios bench/overload.sh printed."""
    out = ["## Load shedding under overload", "",
           "Capacity X = %s accepted purchases/s (%d callers, closed loop, %d s). Accepted purchases (202): "
           "latency from the scheduled send time, ms." % (fmt(run["capacity_per_s"]), run["callers"],
                                                          run["phase_seconds"]), "",
           "| concurrency limit | phase | rate sent/s | accepted/s | p50 | p99 | shed 503 | timeouts |",
           "|---|---|---|---|---|---|---|---|"]
    for label, limit in run["limits"].items():
        for phase_name, rate_key, factor in (("nominal", "nominal_rate_per_s", "0.7 X"),
                                             ("overload", "overload_rate_per_s", "3 X")):
            line = limit[phase_name] or {}
            out.append("| %s | %s (%s) | %s | %s | %s | %s | %s | %s |" % (
                label, phase_name, factor, limit[rate_key], fmt(line.get("accepted_per_s")), fmt(line.get("p50_ms")),
                fmt(line.get("p99_ms")), line.get("shed", "n/a"), line.get("timeouts", "n/a")))
    out.append("")
    for label, limit in run["limits"].items():
        out.append("p99 ratio overload/nominal, concurrency limit %s%s: %s" % (
            label, " (limit at end: %s)" % fmt(limit["limit_at_end"]) if label == "on" else "",
            "n/a" if limit["p99_overload_over_nominal"] is None else "%.1f" % limit["p99_overload_over_nominal"]))
        out.append("")
    on, off = (run["limits"][k]["overload"] or {} for k in ("on", "off"))
    out.append("3 X overload, limit on vs off: accepted/s %s vs %s, p99 %s vs %s ms, timeouts (10 s) %s vs %s" % (
        fmt(on.get("accepted_per_s")), fmt(off.get("accepted_per_s")), fmt(on.get("p99_ms")), fmt(off.get("p99_ms")),
        on.get("timeouts", "n/a"), off.get("timeouts", "n/a")))
    out.append("")
    return out


def cpu_use(directory, phase_name, unit, count, only=None):
    """Where the machine's cores went during a phase (bench/lib/cpu.py), per part and per unit of work.
    only: the one part that matters (a ceiling probe's own JVM starts and ends inside its window)."""
    cpu = read_json(os.path.join(directory, phase_name, "cpu.json"))
    if not cpu or not count:
        return None
    seconds = cpu["seconds"]
    parts = [{"part": part, "cores": cores, "us_per_" + unit: round(cores * seconds * 1e6 / count, 1)}
             for part, cores in cpu["parts"].items() if only in (None, part)]
    this_run = [p for p in parts if not p["part"].startswith(("other", "unattributed"))]
    apps = [p for p in parts if p["part"].startswith("app ")]
    # a load's generator that ended before the reading left its time to "unattributed"
    driven = any(os.path.exists(os.path.join(directory, phase_name, log)) for log in ("wrk.txt", "gatling.txt"))
    generator_missing = driven and not any(p["part"].startswith("load generator") for p in parts)
    return {"phase": phase_name, "unit": unit, "count": count, "only": only, "seconds": seconds,
            "generator_missing": generator_missing,
            "idle_cores": cpu["idle_cores"],
            "us_per_%s_all" % unit: round(sum(p["cores"] for p in parts) * seconds * 1e6 / count, 1),
            # this run's apps and load generator plus the services (RabbitMQ, PostgreSQL, Redis),
            # without other work on the machine and the kernel's unattributed time
            "us_per_%s_system" % unit: round(sum(p["cores"] for p in this_run) * seconds * 1e6 / count, 1),
            "us_per_%s_app" % unit: round(sum(p["cores"] for p in apps) * seconds * 1e6 / count, 1),
            "parts": parts}


def settings(meta):
    keys = ["batch_size", "batch_timeout", "consumers", "heap", "pool", "fair_turns", "virtual_threads", "java_opts", "queue_version",
            "virtual_host", "generator_warmup_s", "generator_pause_s", "generator_warmup_fraction", "scrape_every_s",
            "stall_probes", "worker", "api_stopped_s"]
    found = {k: meta.get(k) for k in keys}
    # openloop's BENCH_OPEN_STOP_API_S: shown only when the api was stopped on purpose (ADR 0072)
    if str(found.get("api_stopped_s") or "0") == "0":
        del found["api_stopped_s"]
    return found


# --------------------------------------------------------------------------------------------- report

def fmt(value, suffix=""):
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return ("%.1f" % value if value >= 10 else "%.2f" % value) + suffix
    return "%s%s" % (value, suffix)


def markdown(run_meta, runs):
    scenario = run_meta["scenario"]
    out = ["# Benchmark `%s`%s" % (scenario, " (smoke: small numbers, figures not meaningful)"
                                   if run_meta.get("smoke") == "true" else ""), ""]
    out.append("Run %s on %s (%s cores), commit %s, %s." % (run_meta.get("started"), run_meta.get("host"),
                                                             run_meta.get("cores"), run_meta.get("commit"),
                                                             run_meta.get("java")))
    out.append("Load generator and system share the machine; compare the ratios to the ceilings, "
               "not the absolute figures, across machines.")
    out.append("")
    for run in runs:
        out.append("## %s" % run["label"])
        out.append("")
        out.append("Settings: " + ", ".join("%s=%s" % (k, v) for k, v in run["settings"].items() if v))
        out.append("")
        out.append("| figure | value |")
        out.append("|---|---|")
        for key, value in figures(run):
            out.append("| %s | %s |" % (key, value))
        out.append("")
        if run["bars"]:
            out.append("| bar | met | measured |")
            out.append("|---|---|---|")
        for b in run["bars"]:
            out.append("| %s | %s | %s |" % (b["bar"], "yes" if b["met"] else "**NO**", b["detail"]))
        for cpu in run.get("cpu") or []:
            unit = cpu["unit"]
            out.append("")
            out.append("CPU during `%s` (%s s, %s %ss; idle: %s of %s cores): %s µs of CPU per %s%s" % (
                cpu["phase"], fmt(cpu["seconds"]), cpu["count"], unit, fmt(cpu["idle_cores"]),
                run_meta.get("cores"), fmt(cpu["us_per_%s_all" % unit]), unit,
                " in %s" % cpu["only"] if cpu["only"] else " in all"))
            if not cpu["only"] and "us_per_%s_system" % unit in cpu:
                out.append("(this run's processes and the services: %s µs, of which the app %s µs; the rest "
                           "is other work on the machine and the kernel)" % (
                               fmt(cpu["us_per_%s_system" % unit]), fmt(cpu["us_per_%s_app" % unit])))
            out.append("")
            out.append("| part | cores used | CPU µs per %s |" % unit)
            out.append("|---|---|---|")
            for part in cpu["parts"]:
                if part["cores"] >= 0.005:
                    out.append("| %s | %s | %s |" % (part["part"], "%.2f" % part["cores"], fmt(part["us_per_" + unit])))
            if cpu.get("generator_missing"):
                out.append("")
                out.append("The load generator had ended before this reading: its CPU is in `unattributed`.")
        for failure in run.get("invariant_failures") or []:
            out.append("")
            out.append("Invariant failure: `%s`" % failure.replace("\n", " ")[:800])
        out.append("")
        for chart in run["charts"]:
            out.append("![%s](%s/%s)" % (chart, run["label"], chart))
        out.append("")
    if scenario == "overload":
        for run in runs:
            out.extend(overload_section(run))
    if scenario == "scale":
        out.append("## The curve")
        out.append("")
        out.append("| run | throughput | its ceiling | ratio |")
        out.append("|---|---|---|---|")
        for run in runs:
            if "workers" in run:
                out.append("| %d worker process(es) | %s orders/s | %s msg/s raw consumer | %s |" % (
                    run["workers"], fmt(run["orders_per_s"]), fmt(run["raw_consumer_per_s"]), fmt(run["ratio_to_raw"])))
            else:
                out.append("| %d api process(es) behind nginx | %s req/s (p99 %s ms) | %s req/s trivial | %s |" % (
                    run["api_processes"], fmt(run["load"].get("requests_per_s")),
                    fmt(run["load"].get("latency_ms", {}).get("p99")),
                    fmt(run["ceiling"].get("requests_per_s")), fmt(run["ratio_to_ceiling"])))
        out.append("")
        out.append("All processes (apis, workers, nginx, PostgreSQL, Redis, RabbitMQ and wrk) share the "
                   "machine's cores: more processes add parallelism only while a core is idle, and each "
                   "adds its own JIT, GC and connection overhead. Read the curve against the ceilings.")
        out.append("")
    return "\n".join(out)


def figures(run):
    if "limits" in run:
        capacity = run["capacity"] or {}
        rows = [("phase seconds / callers of the capacity run", "%d / %d" % (run["phase_seconds"], run["callers"])),
                ("capacity X (accepted/s, closed loop)", fmt(run["capacity_per_s"])),
                ("capacity run: p50 / p99 of the accepted", "%s / %s ms" % (fmt(capacity.get("p50_ms")),
                                                                          fmt(capacity.get("p99_ms"))))]
        for label, limit in run["limits"].items():
            for phase_name in ("nominal", "overload"):
                line = limit[phase_name] or {}
                rows.append(("limit %s, %s: sent, accepted/s, p50 / p99 / max, shed 503, timeouts, errors" % (
                    label, phase_name), "%s, %s, %s / %s / %s ms, %s, %s, %s" % (
                    line.get("sent"), fmt(line.get("accepted_per_s")), fmt(line.get("p50_ms")),
                    fmt(line.get("p99_ms")), fmt(line.get("max_ms")), line.get("shed"), line.get("timeouts"),
                    line.get("errors"))))
        return rows + [("invariants", run["invariants"])]
    if "workers" in run:
        return [("orders queued (202)", run["accepted"]), ("worker processes", run["workers"]),
                ("prefetch", run["prefetch"]),
                ("orders/s (first to last settlement)", fmt(run["orders_per_s"])),
                ("orders/s (from worker launch)", fmt(run["orders_per_s_from_launch"])),
                ("raw consumer msg/s (ceiling)", fmt(run["raw_consumer_per_s"])),
                ("ratio to ceiling", fmt(run["ratio_to_raw"])),
                ("queue empty after launch", fmt(run["queue_empty_after_launch_s"], " s")),
                ("settling transactions", run["settle_transactions"]),
                ("orders per transaction", fmt(run["orders_per_transaction"])),
                ("database commits (all)", run["db_commits"]),
                ("outcomes", json.dumps(run["by_outcome"])), ("invariants", run["invariants"])]
    load = run["load"]
    lat = load.get("latency_ms", {})
    common = [("responses", load.get("responses")),
              ("requests/s (answered within the load's window)", fmt(load.get("requests_per_s"))),
              ("window / last answer after", "%s / %s s" % (fmt(load.get("seconds")), fmt(load.get("last_answer_s")))),
              ("latency p50 / p95 / p99 / max", "%s / %s / %s / %s ms" % (
                  fmt(lat.get("p50")), fmt(lat.get("p95")), fmt(lat.get("p99")), fmt(lat.get("max")))),
              ("answers by status", json.dumps(load.get("by_status"))),
              ("answers by code", json.dumps(load.get("by_code"))),
              ("wrk socket errors", json.dumps((load.get("wrk") or {}).get("errors")))]
    if "arrival_rate_per_s" in run:
        cap = run["capacity"]
        acc, ref = run["accepted_latency_ms"], run["refused_latency_ms"]
        capfair = run.get("capacity_fairness") or {}
        return [("stock / seconds / buyer ids", "%d / %d / %d" % (run["stock"], run["seconds"], run["buyers"])),
                ("capacity C (spike's closed loop, %d connections, same run)" % run["connections"],
                 "%s req/s; p99 %s ms, max %s ms; Jain's index %s" % (
                     fmt(run["capacity_per_s"]), fmt(cap.get("latency_ms", {}).get("p99")),
                     fmt(cap.get("latency_ms", {}).get("max")), capfair.get("jain_index"))),
                ("capacity C before / after its first SOLD_OUT (admissions / refusals)", "%s / %s answers/s" % (
                    fmt(((run.get("capacity_phases") or {}).get("before_sold_out") or {}).get("requests_per_s")),
                    fmt(((run.get("capacity_phases") or {}).get("after_sold_out") or {}).get("requests_per_s")))),
                ("arrival rate (open loop)", "%s buyers/s = %s x C" % (fmt(run["arrival_rate_per_s"]),
                                                                       run["fraction_of_capacity"])),
                ("buyers arrived / per second achieved", "%s / %s" % (run["arrived"], fmt(run["arrivals_per_s_achieved"])))] \
            + common[1:] + [
                ("accepted (202): count, p50 / p99 / max", "%s: %s / %s / %s ms" % (
                    acc["count"], fmt(acc["p50"]), fmt(acc["p99"]), fmt(acc["max"]))),
                ("refused (409): count, p50 / p99 / max", "%s: %s / %s / %s ms" % (
                    ref["count"], fmt(ref["p50"]), fmt(ref["p99"]), fmt(ref["max"]))),
                ("p99 from arrival, by %s s of arrivals" % (run.get("p99_by_slice") or {}).get("slice_s", 5),
                 " / ".join("%s s: %s" % (start, fmt(p99)) for start, p99 in run["p99_by_slice"]["p99_ms"]) + " ms"
                 if run.get("p99_by_slice") else "n/a"),
                ("time to sell out (first SOLD_OUT) / last 202", "%s / %s" % (
                    fmt(run["time_to_sell_out_s"], " s"), fmt(run["last_accepted_s"], " s"))),
                ("answers before / after the first SOLD_OUT: p50 / p99 / max", "%s / %s" % tuple(
                    "%s / %s / %s ms" % (fmt(part.get("p50")), fmt(part.get("p99")), fmt(part.get("max")))
                    for part in (((run.get("phases") or {}).get(k) or {}) for k in ("before_sold_out", "after_sold_out")))),
                ("messages published (202)", run["messages_published"]), ("order rows", run["order_rows"]),
                ("outcomes", json.dumps(run["by_outcome"])), ("invariants", run["invariants"])] + [
                ("app timer over the open crowd%s: %s (%d calls): mean, share within %s" % (
                    "" if run.get("timers_exclude_warmup") else " and its warm-up",
                    part["part"], part["count"], " / ".join(part["within_pct"])),
                 "%s ms; %s" % (fmt(part["mean_ms"]), " / ".join("%s %%" % v for v in part["within_pct"].values())))
                for part in run.get("admission_parts") or []] + breakdown_rows(run) + stall_rows(run)
    if "units" in run:
        return common + [("accepted/s", fmt(run["accepted_per_s"])),
                         ("settled/s end to end", fmt(run["settled_per_s_end_to_end"])),
                         ("raw publish-with-confirms msg/s (ceiling)", fmt(run["raw_publish_per_s"])),
                         ("message size", "%s bytes" % run["raw_publish"].get("message_bytes")),
                         ("ratio to ceiling", fmt(run["ratio_to_raw"])),
                         ("peak queue depth", run["peak_queue_depth"]),
                         ("time until every order settled", fmt(run["time_until_settled_s"], " s")),
                         ("outcomes", json.dumps(run["by_outcome"])), ("invariants", run["invariants"])]
    ceiling = run["ceiling"]
    fair = run.get("fairness") or {}
    cfair = run.get("ceiling_fairness") or {}
    per = fair.get("requests_per_connection") or {}
    fairness_rows = [
        ("Little's mean (connections / requests/s) / measured mean", "%s / %s ms" % (
            fmt(fair.get("little_mean_ms")), fmt(fair.get("measured_mean_ms")))),
        ("p99 / Little's mean, max / Little's mean", "%s, %s" % (fmt(fair.get("p99_over_little")),
                                                               fmt(fair.get("max_over_little")))),
        ("answers within 10 % of the slowest (about the connections: a stall of everything; a few: passed over)",
         "%s (trivial endpoint: %s)" % (fair.get("answers_near_max"), cfair.get("answers_near_max"))),
        ("requests that waited for their turn (ADR 0046)", "n/a (fair turns off)" if (run["load"].get("turns") is None) else
         "%d (%.0f %% of the responses)" % (run["load"]["turns"], 100.0 * run["load"]["turns"] / max(1, run["load"]["responses"]))),
        ("fairness: Jain's index of requests per connection (1 = equal)", "%s (%s connections; min / p50 / max %s / %s / %s requests)" % (
            fair.get("jain_index"), fair.get("connections_seen"), per.get("min"), per.get("p50"), per.get("max"))),
        ("trivial endpoint: Jain's index, p99 / Little's mean, max / Little's mean", "%s, %s, %s" % (
            cfair.get("jain_index"), fmt(cfair.get("p99_over_little")), fmt(cfair.get("max_over_little")))),
    ]
    for name, label in (("before_sold_out", "before the first SOLD_OUT"), ("after_sold_out", "after it")):
        part = (run.get("phases") or {}).get(name)
        if part:
            fairness_rows.append(("%s: answers/s, Little's mean, p50 / p99 / max, p99 and max / Little's mean" % label,
                                  "%s/s over %s s, %s ms, %s / %s / %s ms, %s and %s" % (
                                      fmt(part["requests_per_s"]), fmt(part["seconds"]), fmt(part["little_mean_ms"]),
                                      fmt(part["p50"]), fmt(part["p99"]), fmt(part["max"]),
                                      fmt(part["p99_over_little"]), fmt(part["max_over_little"]))))
    return [("gate mode", run["mode"]), ("api processes", run["api_processes"] or "1 (all roles)"),
            ("stock / connections / seconds / buyer ids", "%d / %d / %d / %d" % (
                run["stock"], run["connections"], run["seconds"], run["buyers"]))] + common + [
        ("trivial endpoint req/s (ceiling)", fmt(ceiling.get("requests_per_s"))),
        ("trivial endpoint p99", fmt(ceiling.get("latency_ms", {}).get("p99"), " ms")),
        ("ratio to ceiling", fmt(run["ratio_to_ceiling"]))] + fairness_rows + [
        ("time to sell out (first SOLD_OUT)", fmt(run["time_to_sell_out_s"], " s")),
        ("last 202 at", fmt(run["last_accepted_s"], " s")),
        ("time until every order settled", fmt(run["time_until_settled_s"], " s")),
        ("messages published (202)", run["messages_published"]), ("order rows", run["order_rows"]),
        ("peak queue depth", run["peak_queue_depth"]),
        ("settling transactions (this item)", run["settle_transactions"]),
        ("database commits during load and settlement", run["db_commits"]),
        ("outcomes", json.dumps(run["by_outcome"])), ("invariants", run["invariants"])] + stall_rows(run)


def main(run_dir):
    run_meta = read_json(os.path.join(run_dir, "meta.json"), {})
    runs = []
    for sub in sorted(d for d in os.listdir(run_dir) if os.path.isdir(os.path.join(run_dir, d))):
        meta = read_json(os.path.join(run_dir, sub, "meta.json"))
        if not meta:
            continue
        kind = {"spike": spike_run, "settle": settle_run, "bigstock": bigstock_run,
                "openloop": openloop_run, "overload": overload_run}[meta["scenario"]]
        runs.append(kind(os.path.join(run_dir, sub), meta))
    order = {"reserve": 0, "check-only": 1}
    runs.sort(key=lambda r: (0 if "workers" in r else 1, r.get("workers", 0), r.get("api_processes", 0),
                             order.get(r.get("mode"), 0)))
    results = {"run": run_meta, "runs": runs}
    if run_meta.get("scenario") == "modes" and len(runs) == 2:
        results["modes"] = {r["mode"]: {k: r[k] for k in ("messages_published", "peak_queue_depth", "db_commits",
                                                          "settle_transactions", "time_until_settled_s")}
                            for r in runs}
    with open(os.path.join(run_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    with open(os.path.join(run_dir, "report.md"), "w") as f:
        f.write(markdown(run_meta, runs))
    # overload checks no invariants; it fails when a phase gave no figures
    held = all(r["invariants"] == "hold" or (r["invariants"] == "not checked" and r.get("complete"))
               for r in runs) and bool(runs)
    bars_met = all(b["met"] for r in runs for b in r["bars"])
    invariants = "hold" if held else "VIOLATED"
    if any(r["invariants"] == "not checked" for r in runs):
        invariants = "not checked" if held else "not checked, figures INCOMPLETE"
    print("report: %s (invariants %s, bars %s)" % (os.path.join(run_dir, "report.md"), invariants,
                                                   "met" if bars_met else "not all met"))
    if not held:
        return 1
    if os.environ.get("BENCH_ENFORCE_BARS") == "1" and not bars_met:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
