#!/usr/bin/env python3
"""Turns the guest's raw measurements (build/bench/raw.txt, from
bench/run.sh) into build/bench/results.json and docs/BENCH.md (from the
template bench/BENCH.md.in, whose @RESULTS@ it replaces).

    python3 bench/render.py [RAW] [RESULTS_JSON] [BENCH_MD]
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
raw_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build/bench/raw.txt")
json_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "build/bench/results.json")
md_path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "docs/BENCH.md")

TOOLS = ["pagemap", "module", "walk", "verify", "module_noseq"]
ORDER = ["tiny", "dense-4k", "thp", "sparse-spread", "sparse-runs", "many-vmas", "big"]
DESCRIPTION = {
    "tiny": "`sleep`: fixed costs (start-up)",
    "dense-4k": "1 GiB anonymous, 4 KiB pages",
    "thp": "1 GiB anonymous, THP (PMD leaves)",
    "sparse-spread": "64 GiB reserved, every 100th page written",
    "sparse-runs": "64 GiB reserved, 512 KiB runs every 50 MiB",
    "many-vmas": "20,000 VMAs of 4 pages",
    "big": "4 GiB anonymous, 4 KiB pages",
}


def kv(fields):
    out = {}
    for f in fields:
        if "=" in f:
            k, v = f.split("=", 1)
            try:
                out[k] = float(v) if "." in v else int(v, 0)
            except ValueError:
                out[k] = v
    return out


def parse(path):
    guest, sessmem, workloads = {}, {}, {}
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "guest":
            guest = kv(f[1:])
        elif f[0] == "sessmem":
            sessmem = kv(f[1:])
        elif f[0] == "workload":
            workloads.setdefault(f[1], {"samples": {t: [] for t in TOOLS}})["setup"] = kv(f[2:])
        elif f[0] == "sample":
            w, tool = f[1], f[2]
            workloads.setdefault(w, {"samples": {t: [] for t in TOOLS}})["samples"][tool].append(kv(f[4:]))
    return guest, sessmem, workloads


def summarize(guest, sessmem, workloads):
    results = {}
    for w, data in workloads.items():
        s = data["samples"]
        ok = {t: [x for x in s[t] if x.get("status") == 0 and "wall" in x] for t in TOOLS}
        if not all(ok[t] for t in TOOLS):
            continue
        med = {t: statistics.median(x["wall"] for x in ok[t]) for t in TOOLS}
        present = ok["pagemap"][0]["present"]
        vma_pages = ok["pagemap"][0]["vma_pages"]
        stream = ok["module"][0]["bytes"]
        stream_noseq = ok["module_noseq"][0]["bytes"]
        results[w] = {
            "description": DESCRIPTION.get(w, w),
            "runs": min(len(ok[t]) for t in TOOLS),
            "failed_runs": {t: len(s[t]) - len(ok[t]) for t in TOOLS},
            "setup": data.get("setup", {}),
            "present_pages": present,
            "vma_pages": vma_pages,
            "median_seconds": med,
            "all_seconds": {t: [x["wall"] for x in ok[t]] for t in TOOLS},
            "present_pages_per_second": {t: present / med[t] for t in TOOLS},
            "ratio_to_pagemap": {t: med[t] / med["pagemap"] for t in TOOLS},
            "peak_rss_kib": {t: max(x["maxrss_kib"] for x in ok[t]) for t in TOOLS},
            "inner_seconds": {
                "pagemap": statistics.median(x["seconds"] for x in ok["pagemap"]),
                "module": statistics.median(x["seconds"] for x in ok["module"]),
                "module_noseq": statistics.median(x["seconds"] for x in ok["module_noseq"]),
            },
            "stream_bytes": stream,
            "stream_bytes_per_present_page": stream / present if present else None,
            "stream_bytes_noseq": stream_noseq,
            "stream_bytes_noseq_per_present_page": stream_noseq / present if present else None,
        }
    tiny = results.get("tiny")
    for w, r in results.items():
        if not tiny:
            break
        inner = r["inner_seconds"]["pagemap"]
        net = {t: r["median_seconds"][t] - tiny["median_seconds"][t] for t in ("walk", "verify")}
        r["net_of_startup"] = {
            "seconds": net,
            "ratio_to_pagemap_reads": {t: net[t] / inner for t in net},
            "module_ratio_to_pagemap_reads": r["inner_seconds"]["module"] / inner,
        }
    return results


def net(res, tool):
    n = res.get("net_of_startup")
    if not n:
        return ""
    return "; %.2f x without start-up" % n["ratio_to_pagemap_reads"][tool]


def targets(results, guest, sessmem):
    rows = []

    def add(name, value, limit, fmt, ok):
        rows.append({"target": name, "value": value, "limit": limit, "met": ok, "text": fmt})

    d = results.get("dense-4k")
    if d:
        r = d["ratio_to_pagemap"]["walk"]
        add("dense 4K: walk (b) <= pagemap (a)", r, 1.0, "%.2f x (a)%s" % (r, net(d, "walk")), r <= 1.0)
    t = results.get("thp")
    if t:
        r = t["ratio_to_pagemap"]["walk"]
        add("THP: walk (b) <= 0.1 x pagemap (a)", r, 0.1, "%.2f x (a)%s" % (r, net(t, "walk")), r <= 0.1)
    for sp in ("sparse-spread", "sparse-runs"):
        s = results.get(sp)
        if s and d:
            # Seconds per present page of the sparse walk over the dense walk's.
            r = (s["median_seconds"]["walk"] / s["present_pages"]) / (d["median_seconds"]["walk"] / d["present_pages"])
            add("%s: walk per present page <= 2 x dense walk's" % sp, r, 2.0, "%.2f x" % r, r <= 2.0)
    worst = max(results.items(), key=lambda kv: kv[1]["ratio_to_pagemap"]["verify"]) if results else None
    for w, res in results.items():
        if w == "tiny":
            continue
        r = res["ratio_to_pagemap"]["verify"]
        add("%s: verify (c) <= 2.5 x pagemap (a)" % w, r, 2.5, "%.2f x (a)%s" % (r, net(res, "verify")), r <= 2.5)
    rss = max((max(res["peak_rss_kib"]["walk"], res["peak_rss_kib"]["verify"]), w) for w, res in results.items())
    add("pgwalkctl peak RSS < 64 MiB (all workloads)", rss[0] / 1024, 64, "%.1f MiB (%s)" % (rss[0] / 1024, rss[1]),
        rss[0] < 64 * 1024)
    if sessmem:
        kib = sessmem.get("memfree_kib_per_session", 0)
        add("kernel memory per session <= 1 MiB", kib, 1024, "%.0f KiB" % kib, kib <= 1024)
    for w, res in results.items():
        if w == "tiny" or not res["stream_bytes_per_present_page"]:
            continue
        b = res["stream_bytes_per_present_page"]
        add("%s: stream <= 16 bytes per present page" % w, b, 16, "%.2f B" % b, b <= 16)
    return rows


def fmt_rate(x):
    if x >= 1e6:
        return "%.2fM" % (x / 1e6)
    if x >= 1e3:
        return "%.0fk" % (x / 1e3)
    return "%.0f" % x


def table(results):
    out = ["| workload | present pages | (a) pagemap | (k) module alone | (b) walk | (c) verify | (b)/(a) | (c)/(a) | peak RSS walk / verify | stream bytes | bytes / present page | without `seq` |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for w in sorted(results, key=lambda w: ORDER.index(w) if w in ORDER else 99):
        r = results[w]
        m, p, q = r["median_seconds"], r["present_pages_per_second"], r["ratio_to_pagemap"]
        cell = lambda t: "%.3f s<br>%s p/s" % (m[t], fmt_rate(p[t]))
        out.append("| %s<br>%s | %d | %s | %s | %s | %s | %.2f | %.2f | %.1f / %.1f MiB | %d | %.2f | %d B, %.2f B/page |" % (
            w, r["description"], r["present_pages"], cell("pagemap"), cell("module"), cell("walk"), cell("verify"),
            q["walk"], q["verify"], r["peak_rss_kib"]["walk"] / 1024, r["peak_rss_kib"]["verify"] / 1024,
            r["stream_bytes"], r["stream_bytes_per_present_page"] or 0,
            r["stream_bytes_noseq"], r["stream_bytes_noseq_per_present_page"] or 0))
    return "\n".join(out)


def net_table(results):
    out = ["| workload | (a) reads alone | (k) module walk alone | (k)/(a) | (k) without `seq` | (b) - tiny's (b) | ((b) - tiny's) / (a) | (c) - tiny's (c) | ((c) - tiny's) / (a) |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for w in sorted(results, key=lambda w: ORDER.index(w) if w in ORDER else 99):
        r = results[w]
        n = r.get("net_of_startup")
        if w == "tiny" or not n:
            continue
        out.append("| %s | %.4f s | %.4f s | %.2f | %.4f s | %.3f s | %.2f | %.3f s | %.2f |" % (
            w, r["inner_seconds"]["pagemap"], r["inner_seconds"]["module"], n["module_ratio_to_pagemap_reads"],
            r["inner_seconds"]["module_noseq"],
            n["seconds"]["walk"], n["ratio_to_pagemap_reads"]["walk"],
            n["seconds"]["verify"], n["ratio_to_pagemap_reads"]["verify"]))
    return "\n".join(out)


def main():
    guest, sessmem, workloads = parse(raw_path)
    results = summarize(guest, sessmem, workloads)
    rows = targets(results, guest, sessmem)
    host_cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                host_cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    doc = {
        # When the guest wrote the measurements, not when they were rendered.
        "date": datetime.datetime.fromtimestamp(os.path.getmtime(raw_path), datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "host": {"cpu": host_cpu, "cpus": os.cpu_count(), "kernel": platform.release()},
        "guest": guest,
        "session_memory": sessmem,
        "workloads": results,
        "targets": rows,
    }
    os.makedirs(os.path.dirname(json_path), exist_ok=True)
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)

    runs = sorted({r["runs"] for r in results.values()})
    text = []
    text.append("Measured %s at commit %s (plus the working tree), by `make bench`." % (doc["date"], commit or "?"))
    text.append("")
    text.append("- host: %s, %d CPUs, Linux %s; other work ran on it at the same time." % (host_cpu, os.cpu_count(), platform.release()))
    text.append("- guest: QEMU TCG (software emulation, no KVM), %s CPUs, %d MiB, kernel %s, THP `%s`, session buffer %s bytes." % (
        guest.get("cpus", "?"), int(guest.get("mem_kib", 0)) // 1024, guest.get("kernel", "?"), guest.get("thp", "?"),
        guest.get("buffer_size", "?")))
    text.append("- medians of %s runs per workload and tool; peak RSS is the largest of the runs." % "/".join(map(str, runs)))
    text.append("")
    text.append(table(results))
    text.append("")
    text.append("Times are wall-clock seconds of the whole process, start-up included; p/s = present pages per second.")
    text.append("")
    text.append("The same medians without process start-up: (a) and (k) as timed inside the C helpers "
                "(the reads alone), (b) and (c) less their median on `tiny` (pgwalkctl's start-up, "
                "argument parsing, session and a 15 KB walk). Small or negative values are within the noise.")
    text.append("")
    text.append(net_table(results))
    text.append("")
    if sessmem:
        text.append("Kernel memory of a session (64 sessions open at once, `/proc/meminfo` deltas): "
                    "%.1f KiB of MemFree per session (%.1f KiB of it slab, %.1f KiB vmalloc)." % (
                        sessmem.get("memfree_kib_per_session", 0), sessmem.get("slab_kib_per_session", 0),
                        sessmem.get("vmalloc_kib_per_session", 0)))
        text.append("")
    text.append("| target | measured | met |")
    text.append("|---|--:|:-:|")
    for r in rows:
        text.append("| %s | %s | %s |" % (r["target"], r["text"], "yes" if r["met"] else "**no**"))
    template = open(os.path.join(root, "bench/BENCH.md.in")).read()
    with open(md_path, "w") as f:
        f.write(template.replace("@RESULTS@", "\n".join(text)))
    print("wrote %s and %s" % (json_path, md_path))


main()
