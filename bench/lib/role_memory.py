#!/usr/bin/env python3
"""The memory of each role's process inside its memory cgroup, for bench/role-memory.sh.

  role_memory.py sample CSV STOP_FILE ROLE=PID:CGROUP_DIR ...
      every second until STOP_FILE exists: one row per role with the cgroup's anonymous memory
      (bytes: what the process itself holds, which the kernel cannot drop to make room), its whole
      usage (bytes: with the page cache, which it can drop), the process's resident set (VmRSS,
      bytes) and whether the process is alive. cgroup v1 (memory.stat rss + rss_huge,
      memory.usage_in_bytes) or v2 (memory.stat anon, memory.current), whichever CGROUP_DIR is.
  role_memory.py report DIR
      reads DIR/samples.csv, DIR/roles.json (role -> limit, pid, cgroup) and DIR/nmt-ROLE.txt
      (jcmd VM.native_memory summary at the end of the load), writes DIR/results.json and
      DIR/report.md, prints the table; exits 1 if a role's process died, was killed for memory,
      held more than BENCH_MEMORY_MAX_SHARE (0.9) of its limit, or would with its heap grown to its
      maximum beside the rest the JVM had committed. The collector comes from
      DIR/logs/ROLE-gc.log's first line, the heap from Native Memory Tracking's reserve.
"""
import csv
import json
import os
import re
import sys
import time

MIB = 1024 * 1024


def read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def stat_of(cgroup):
    """The cgroup's memory.stat as a dict of ints."""
    stat = {}
    for line in read_text(os.path.join(cgroup, "memory.stat")).splitlines():
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            stat[key] = int(value)
    return stat


def is_v2(cgroup):
    return os.path.exists(os.path.join(cgroup, "memory.current"))


def anon_and_usage(cgroup):
    stat = stat_of(cgroup)
    if is_v2(cgroup):
        return stat.get("anon", 0), int(read_text(os.path.join(cgroup, "memory.current")) or 0)
    usage = int(read_text(os.path.join(cgroup, "memory.usage_in_bytes")) or 0)
    return stat.get("rss", 0) + stat.get("rss_huge", 0), usage


def oom_kills(cgroup):
    """How many processes the kernel killed in the cgroup for want of memory (kernel 4.13+)."""
    events = "memory.events" if is_v2(cgroup) else "memory.oom_control"
    match = re.search(r"^oom_kill (\d+)", read_text(os.path.join(cgroup, events)), re.M)
    return int(match.group(1)) if match else 0


def peak_usage(cgroup):
    """The cgroup's highest usage (bytes, page cache included), or None where the kernel keeps none."""
    name = "memory.peak" if is_v2(cgroup) else "memory.max_usage_in_bytes"
    text = read_text(os.path.join(cgroup, name)).strip()
    return int(text) if text.isdigit() else None


def vm_rss(pid):
    match = re.search(r"^VmRSS:\s+(\d+) kB", read_text(f"/proc/{pid}/status"), re.M)
    return int(match.group(1)) * 1024 if match else 0


def sample(out, stop_file, specs):
    roles = []
    for spec in specs:
        role, _, rest = spec.partition("=")
        pid, _, cgroup = rest.partition(":")
        roles.append((role, int(pid), cgroup))
    start = time.time()
    with open(out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["t_s", "role", "anon_bytes", "usage_bytes", "rss_bytes", "alive"])
        while not os.path.exists(stop_file):
            t = round(time.time() - start, 1)
            for role, pid, cgroup in roles:
                anon, usage = anon_and_usage(cgroup)
                alive = int(os.path.exists(f"/proc/{pid}"))
                writer.writerow([t, role, anon, usage, vm_rss(pid) if alive else 0, alive])
            f.flush()
            time.sleep(1)


def native_memory(path):
    """jcmd VM.native_memory summary: ({category: committed bytes} with 'Total', heap reserved bytes)."""
    categories, heap = {}, None
    for line in read_text(path).splitlines():
        total = re.match(r"Total: reserved=(\d+)KB, committed=(\d+)KB", line.strip())
        if total:
            categories["Total"] = int(total.group(2)) * 1024
        part = re.match(r"-\s+(.+?) \(reserved=(\d+)KB, committed=(\d+)KB", line.strip())
        if part:
            categories[part.group(1)] = int(part.group(3)) * 1024
            if part.group(1) == "Java Heap":
                heap = int(part.group(2)) * 1024
    return categories, heap


def collector(gc_log):
    """The collector the JVM chose, from the first line of its -Xlog:gc log ("Using G1")."""
    match = re.search(r"Using (.+)$", read_text(gc_log), re.M)
    return match.group(1).strip() if match else "?"


def mib(value):
    return "-" if value is None else f"{value / MIB:,.0f}"


def report(directory):
    roles = json.load(open(os.path.join(directory, "roles.json")))
    max_share = float(os.environ.get("BENCH_MEMORY_MAX_SHARE", "0.9"))
    rows = list(csv.DictReader(open(os.path.join(directory, "samples.csv"))))
    results, failures = {}, []
    for role, info in roles.items():
        mine = [r for r in rows if r["role"] == role]
        limit = int(info["limit_bytes"])
        peak_anon = max((int(r["anon_bytes"]) for r in mine), default=0)
        peak_rss = max((int(r["rss_bytes"]) for r in mine), default=0)
        nmt, heap = native_memory(os.path.join(directory, f"nmt-{role}.txt"))
        died = any(r["alive"] == "0" for r in mine) or not mine
        # the heap grown to its maximum beside everything else the JVM had committed: what a process
        # whose heap has not yet grown (Serial and G1 grow it on demand) may come to hold
        worst = heap + nmt["Total"] - nmt["Java Heap"] if heap and "Total" in nmt and "Java Heap" in nmt else None
        kills = oom_kills(info["cgroup"])
        results[role] = {
            "limit_bytes": limit,
            "collector": collector(os.path.join(directory, "logs", f"{role}-gc.log")),
            "heap_bytes": heap,
            "peak_anon_bytes": peak_anon,
            "peak_rss_bytes": peak_rss,
            "peak_usage_bytes": peak_usage(info["cgroup"]),
            "headroom_bytes": limit - peak_anon,
            "worst_case_bytes": worst,
            "share_of_limit": round(peak_anon / limit, 3),
            "oom_kills": kills,
            "died": died,
            "native_memory_committed_bytes": nmt,
        }
        if died or kills:
            failures.append(f"{role}: {'killed for memory' if kills else 'its process died'}")
        elif worst is None:
            failures.append(f"{role}: no Native Memory Tracking summary (nmt-{role}.txt), so no worst case")
        elif peak_anon > max_share * limit:
            failures.append(f"{role}: held {peak_anon / limit:.0%} of its limit (more than {max_share:.0%})")
        elif worst and worst > max_share * limit:
            failures.append(f"{role}: with its heap at its maximum it would hold {worst / limit:.0%} of its limit")
    flags = open(os.path.join(directory, "jvm-flags.txt")).read().strip()
    parts = ["Java Heap", "Metaspace", "Class", "Shared class space", "Symbol", "Code", "GC", "Thread", "Other", "Arena Chunk"]
    lines = [
        "# Memory of each role inside its limit",
        "",
        f"JVM flags: `{flags}`; every figure in MiB. Worst case: the heap at its maximum beside the",
        "rest of what the JVM had committed at the end (Native Memory Tracking).",
        "",
        "| role | limit | collector | heap | peak held (anon) | share of limit | headroom | worst case | peak RSS | peak usage (with page cache) | killed for memory |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for role, r in results.items():
        lines.append(
            f"| {role} | {mib(r['limit_bytes'])} | {r['collector']} | {mib(r['heap_bytes'])} | "
            f"{mib(r['peak_anon_bytes'])} | {r['share_of_limit']:.0%} | "
            f"{mib(r['headroom_bytes'])} | {mib(r['worst_case_bytes'])} | {mib(r['peak_rss_bytes'])} | {mib(r['peak_usage_bytes'])} | "
            f"{r['oom_kills'] or ('died' if r['died'] else 0)} |"
        )
    lines += [
        "",
        "Committed at the end of the load, by the JVM's Native Memory Tracking (committed is not all resident):",
        "",
        "| role | total | " + " | ".join(parts) + " |",
        "|---|---|" + "---|" * len(parts),
    ]
    for role, r in results.items():
        nmt = r["native_memory_committed_bytes"]
        lines.append(f"| {role} | {mib(nmt.get('Total'))} | " + " | ".join(mib(nmt.get(p)) for p in parts) + " |")
    verdict = "fits" if not failures else "does not fit: " + "; ".join(failures)
    lines += ["", f"Verdict: {verdict}."]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(directory, "report.md"), "w") as f:
        f.write(text)
    with open(os.path.join(directory, "results.json"), "w") as f:
        json.dump({"jvm_flags": flags, "max_share": max_share, "roles": results, "fits": not failures}, f, indent=2)
    print(text)
    return 0 if not failures else 1


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        sys.exit(report(sys.argv[2]))
    else:
        sys.exit(__doc__)
