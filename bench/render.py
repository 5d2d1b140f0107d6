#!/usr/bin/env python3
"""Turns the guest's raw measurements (build/bench/raw.txt, from
bench/run.sh) into build/bench/results.json and bench/results/RELEASE.json,
the kernel's committed results, then renders docs/BENCH.md from every
kernel's results file (the template bench/BENCH.md.in, whose @RESULTS@ it
replaces): one section per kernel, so a run on one kernel keeps the others.

    python3 bench/render.py [RAW] [RESULTS_JSON] [BENCH_MD]
    python3 bench/render.py --render-only      # docs/BENCH.md from bench/results/
"""
import datetime
import json
import os
import platform
import statistics
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
raw_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build/bench/raw.txt")
json_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "build/bench/results.json")
md_path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "docs/BENCH.md")

TOOLS = ["pagemap", "module", "walk", "verify", "module_noseq"]
# The same over the workload's own mapping only (bench/run.sh), where it has one.
MAP_TOOLS = ["pagemap_map", "module_map", "walk_map", "verify_map"]
# (a2), the PAGEMAP_SCAN reader: only where the kernel has the ioctl (6.7+).
SCAN_TOOLS = ["scan", "scan_map"]
ALL_TOOLS = TOOLS + MAP_TOOLS + SCAN_TOOLS
ORDER = ["tiny", "ktarget", "python", "jvm", "dense-4k", "thp", "sparse-spread", "sparse-runs", "many-vmas", "big"]
DESCRIPTION = {
    "tiny": "`sleep`: fixed costs (start-up)",
    "ktarget": "Tests/kernel's target: a small real process",
    "python": "Python interpreter, json, sqlite3 and ssl imported",
    "jvm": "JVM, 100 MiB of heap, 8 threads",
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
            workloads.setdefault(f[1], {"samples": {t: [] for t in ALL_TOOLS}})["setup"] = kv(f[2:])
        elif f[0] == "sample":
            w, tool = f[1], f[2]
            workloads.setdefault(w, {"samples": {t: [] for t in ALL_TOOLS}})["samples"][tool].append(kv(f[4:]))
    return guest, sessmem, workloads


def median_of(samples, key):
    return statistics.median(x[key] for x in samples)


def summarize(guest, sessmem, workloads):
    results = {}
    for w, data in workloads.items():
        s = data["samples"]
        ok = {t: [x for x in s[t] if x.get("status") == 0 and "wall" in x] for t in ALL_TOOLS}
        if not all(ok[t] for t in TOOLS):
            continue
        med = {t: median_of(ok[t], "wall") for t in TOOLS + ["scan"] if ok[t]}
        present = ok["pagemap"][0]["present"]
        vma_pages = ok["pagemap"][0]["vma_pages"]
        stream = ok["module"][0]["bytes"]
        stream_noseq = ok["module_noseq"][0]["bytes"]
        # The work alone: the C helpers time their reads, pgwalkctl --stats its walk or verify.
        inner = {t: median_of(ok[t], "seconds") for t in TOOLS + ["scan"]
                 if ok[t] and all("seconds" in x for x in ok[t])}
        r = results[w] = {
            "description": DESCRIPTION.get(w, w),
            "runs": min(len(ok[t]) for t in TOOLS),
            "failed_runs": {t: len(s[t]) - len(ok[t]) for t in ALL_TOOLS if s[t]},
            "setup": data.get("setup", {}),
            "present_pages": present,
            "vma_pages": vma_pages,
            "median_seconds": med,
            "all_seconds": {t: [x["wall"] for x in ok[t]] for t in med},
            "present_pages_per_second": {t: present / med[t] for t in med},
            "ratio_to_pagemap": {t: med[t] / med["pagemap"] for t in med},
            "peak_rss_kib": {t: max(x["maxrss_kib"] for x in ok[t]) for t in ALL_TOOLS if ok[t]},
            # (a2)'s present count, for a check that it saw what (a) saw.
            "scan_present_pages": ok["scan"][0]["present"] if ok["scan"] else None,
            "inner_seconds": inner,
            "all_inner_seconds": {t: [x["seconds"] for x in ok[t]] for t in inner},
            "inner_ratio_to_pagemap": {t: inner[t] / inner["pagemap"] for t in inner},
            "stream_bytes": stream,
            "stream_bytes_per_present_page": stream / present if present else None,
            "stream_bytes_noseq": stream_noseq,
            "stream_bytes_noseq_per_present_page": stream_noseq / present if present else None,
        }
        if all(ok[t] for t in MAP_TOOLS):
            m = {t: median_of(ok[t], "seconds") for t in MAP_TOOLS + ["scan_map"] if ok[t]}
            mp = ok["pagemap_map"][0]["present"]
            r["mapping"] = {
                "vma_pages": ok["pagemap_map"][0]["vma_pages"],
                "present_pages": mp,
                "inner_seconds": m,
                "all_inner_seconds": {t: [x["seconds"] for x in ok[t]] for t in MAP_TOOLS},
                "inner_ratio_to_pagemap": {t: m[t] / m["pagemap_map"] for t in m},
                "stream_bytes": ok["module_map"][0]["bytes"],
                "stream_bytes_per_present_page": ok["module_map"][0]["bytes"] / mp if mp else None,
            }
    return results


# The scopes a target is judged in: the whole process timed from outside
# (start-up included), the same work timed inside, and the workload's own
# mapping timed inside. Each gives seconds by tool (b, c, a) and present pages.
SCOPES = ["whole process", "work alone", "mapping, work alone"]


def scope(res, which):
    if which == "whole process":
        m = res["median_seconds"]
        return {"a": m["pagemap"], "b": m["walk"], "c": m["verify"], "a2": m.get("scan"),
                "present": res["present_pages"]}
    if which == "work alone":
        m = res["inner_seconds"]
        if "walk" not in m or "verify" not in m:
            return None
        return {"a": m["pagemap"], "b": m["walk"], "c": m["verify"], "a2": m.get("scan"),
                "present": res["present_pages"]}
    mp = res.get("mapping")
    if not mp:
        return None
    m = mp["inner_seconds"]
    return {"a": m["pagemap_map"], "b": m["walk_map"], "c": m["verify_map"], "a2": m.get("scan_map"),
            "present": mp["present_pages"]}


def targets(results, guest, sessmem):
    rows = []

    def add(name, limit, values, fmt="%.2f x"):
        # values: scope -> number (or None where not measured)
        row = {"target": name, "limit": limit, "values": values,
               "met": {k: v <= limit for k, v in values.items() if v is not None}}
        row["text"] = {k: (fmt % v if v is not None else "") for k, v in values.items()}
        rows.append(row)

    def ratio(res, num, den="a"):
        return {k: (lambda sc: sc[num] / sc[den] if sc else None)(scope(res, k)) for k in SCOPES}

    def better_baseline(res):
        """(c) over the better of (a) and (a2), in the scopes where (a2) was measured."""
        v = {}
        for k in SCOPES:
            sc = scope(res, k)
            v[k] = sc["c"] / min(sc["a"], sc["a2"]) if sc and sc.get("a2") else None
        return v

    # Issue #16's targets, per workload: walk <= 1.0 x pagemap (THP: 0.1 x),
    # verify <= 2.5 x pagemap, and <= 1.5 x the better of pagemap and
    # PAGEMAP_SCAN where the kernel has it. sparse-spread's walk visits every
    # PTE of the range (the kernel calls pte_entry for each): its target is
    # verify within 2.5 x the walk.
    for w in ordered(results):
        res = results[w]
        if w == "thp":
            add("thp: walk (b) <= 0.1 x pagemap (a)", 0.1, ratio(res, "b"))
        else:
            add("%s: walk (b) <= pagemap (a)" % w, 1.0, ratio(res, "b"))
        add("%s: verify (c) <= 2.5 x pagemap (a)" % w, 2.5, ratio(res, "c"))
        if any(v is not None for v in better_baseline(res).values()):
            add("%s: verify (c) <= 1.5 x the better of (a) and PAGEMAP_SCAN (a2)" % w, 1.5, better_baseline(res))
        if w == "sparse-spread":
            add("sparse-spread: verify (c) <= 2.5 x walk (b)", 2.5, ratio(res, "c", "b"))
    d = results.get("dense-4k")
    for sp in ("sparse-spread", "sparse-runs"):
        s = results.get(sp)
        if s and d:
            # Seconds per present page of the sparse walk over the dense walk's.
            v = {}
            for k in SCOPES:
                ss, ds = scope(s, k), scope(d, k)
                v[k] = (ss["b"] / ss["present"]) / (ds["b"] / ds["present"]) if ss and ds else None
            add("%s: walk per present page <= 2 x dense walk's" % sp, 2.0, v)
    rss = max((v, w) for w, res in results.items() for t, v in res["peak_rss_kib"].items()
              if t.startswith("walk") or t.startswith("verify"))
    add("pgwalkctl peak RSS < 64 MiB (all workloads, walk and verify)", 64, {"whole process": rss[0] / 1024},
        "%%.1f MiB (%s)" % rss[1])
    if sessmem:
        kib = sessmem.get("memfree_kib_per_session", 0)
        add("kernel memory per session <= 1 MiB", 1024, {"whole process": kib}, "%.0f KiB")
    for w, res in results.items():
        if w == "tiny" or not res["stream_bytes_per_present_page"]:
            continue
        mp = res.get("mapping")
        add("%s: stream <= 16 bytes per present page" % w, 16,
            {"whole process": res["stream_bytes_per_present_page"],
             "mapping, work alone": mp["stream_bytes_per_present_page"] if mp else None}, "%.2f B")
    return rows


def targets_table(rows):
    out = ["| target | whole process | work alone | the workload's mapping alone |", "|---|--:|--:|--:|"]

    def cell(r, k):
        if k not in r["text"] or not r["text"][k]:
            return ""
        return "%s %s" % (r["text"][k], "yes" if r["met"][k] else "**no**")
    for r in rows:
        out.append("| %s | %s |" % (r["target"], " | ".join(cell(r, k) for k in SCOPES)))
    return "\n".join(out)


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


def ordered(results):
    return sorted(results, key=lambda w: ORDER.index(w) if w in ORDER else 99)


def inner_table(results):
    out = ["| workload | (a) reads | (a2) PAGEMAP_SCAN | (k) module | (k)/(a) | (k) without `seq` | (b) walk | (b)/(a) | (c) verify | (c)/(a) | (c)/min((a), (a2)) |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for w in ordered(results):
        m, q = results[w]["inner_seconds"], results[w]["inner_ratio_to_pagemap"]
        if "walk" not in m or "verify" not in m:
            continue
        a2 = m.get("scan")
        out.append("| %s | %.4f s | %s | %.4f s | %.2f | %.4f s | %.4f s | %.2f | %.4f s | %.2f | %s |" % (
            w, m["pagemap"], "%.4f s" % a2 if a2 else "n/a", m["module"], q["module"], m["module_noseq"],
            m["walk"], q["walk"], m["verify"], q["verify"],
            "%.2f" % (m["verify"] / min(m["pagemap"], a2)) if a2 else ""))
    return "\n".join(out)


def mapping_table(results):
    out = ["| workload | pages (present) | (a) reads | (a2) PAGEMAP_SCAN | (k) module | (k)/(a) | (b) walk | (b)/(a) | (c) verify | (c)/(a) | stream bytes / present page |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for w in ordered(results):
        mp = results[w].get("mapping")
        if not mp:
            continue
        m, q = mp["inner_seconds"], mp["inner_ratio_to_pagemap"]
        a2 = m.get("scan_map")
        out.append("| %s | %d (%d) | %.4f s | %s | %.4f s | %.2f | %.4f s | %.2f | %.4f s | %.2f | %.2f |" % (
            w, mp["vma_pages"], mp["present_pages"], m["pagemap_map"], "%.4f s" % a2 if a2 else "n/a",
            m["module_map"], q["module_map"],
            m["walk_map"], q["walk_map"], m["verify_map"], q["verify_map"], mp["stream_bytes_per_present_page"] or 0))
    return "\n".join(out)


def kernel_key(release):
    """Sort releases by their version numbers: 6.1 < 6.12 < 7.3."""
    nums = []
    for part in release.replace("-", ".").replace("+", ".").split("."):
        if not part.isdigit():
            break
        nums.append(int(part))
    return nums, release


def record(raw, json_path, results_dir):
    """One run's raw measurements into results.json and the kernel's own
    results file (committed: BENCH.md is rendered from every kernel's)."""
    guest, sessmem, workloads = parse(raw)
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
    # What the guest measured (bench/run.sh records it), not what is checked out now.
    commit = str(guest.get("commit", "unknown"))
    doc = {
        # When the guest wrote the measurements, not when they were rendered.
        "date": datetime.datetime.fromtimestamp(os.path.getmtime(raw), datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "host": {"cpu": host_cpu, "cpus": os.cpu_count(), "kernel": platform.release(),
                 "loadavg": open("/proc/loadavg").read().split()[:3]},
        "guest": guest,
        "session_memory": sessmem,
        "workloads": results,
        "targets": rows,
    }
    kernel = str(guest.get("kernel", "unknown"))
    os.makedirs(os.path.dirname(json_path), exist_ok=True)
    os.makedirs(results_dir, exist_ok=True)
    for path in (json_path, os.path.join(results_dir, kernel + ".json")):
        with open(path, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
    print("wrote %s and %s" % (json_path, os.path.join(results_dir, kernel + ".json")))


def kernel_section(doc):
    """The tables of one kernel's run."""
    results, rows, guest, sessmem = doc["workloads"], doc["targets"], doc["guest"], doc["session_memory"]
    host = doc["host"]
    commit = doc["commit"]
    runs = sorted({r["runs"] for r in results.values()})
    text = []
    text.append("### Linux %s" % guest.get("kernel", "?"))
    text.append("")
    text.append("Measured %s at commit %s, by `make bench KVER=%s`." % (
        doc["date"], commit[:-1] + " plus uncommitted changes" if commit.endswith("+") else commit,
        guest.get("kernel", "?")))
    text.append("")
    load = host.get("loadavg")
    text.append("- host: %s, %d CPUs, Linux %s; other work ran on it at the same time%s." % (
        host.get("cpu", ""), host.get("cpus", 0), host.get("kernel", "?"),
        " (load average %s when the run ended)" % " ".join(load) if load else ""))
    aslr = guest.get("aslr")
    aslr_text = {None: "not recorded", "0": "0 (off: see \"The emulator's first run\")",
                 "2": "2 (on, as Debian ships it)"}.get(str(aslr) if aslr is not None else None, aslr)
    text.append("- guest: QEMU TCG (software emulation, no KVM), %s CPUs, %d MiB, kernel %s, THP `%s`, session buffer %s bytes, `randomize_va_space` %s." % (
        guest.get("cpus", "?"), int(guest.get("mem_kib", 0)) // 1024, guest.get("kernel", "?"), guest.get("thp", "?"),
        guest.get("buffer_size", "?"), aslr_text))
    text.append("- medians of %s runs per workload and tool; peak RSS is the largest of the runs." % "/".join(map(str, runs)))
    text.append("")
    text.append(table(results))
    text.append("")
    text.append("Times are wall-clock seconds of the whole process, start-up included; p/s = present pages per second.")
    text.append("")
    text.append("The work alone, without process start-up: medians of the time each tool measures itself, "
                "(a) and (k) from opening their first file to the last read (the C helpers), (b) and (c) from "
                "before the module's session is opened to the last row built or page compared "
                "(`pgwalkctl --stats`). Argument parsing, the dynamic loader and the Swift runtime's start-up "
                "are outside it.")
    text.append("")
    text.append(inner_table(results))
    text.append("")
    text.append("The workload's own mapping only (`[start, start + len)` as the workload reports it: "
                "`pagemap_read PID START END`, `kread -t 'seq start= end='`, `pgwalkctl walk|verify --start --end "
                "--stats`), the work alone as above: the rest of the process (the program, libc, the stack) left out.")
    text.append("")
    text.append(mapping_table(results))
    text.append("")
    if sessmem:
        text.append("Kernel memory of a session (64 sessions open at once, `/proc/meminfo` deltas): "
                    "%.1f KiB of MemFree per session (%.1f KiB of it slab, %.1f KiB vmalloc)." % (
                        sessmem.get("memfree_kib_per_session", 0), sessmem.get("slab_kib_per_session", 0),
                        sessmem.get("vmalloc_kib_per_session", 0)))
        text.append("")
    text.append("Targets, judged in each scope where it applies (ratios of the medians above):")
    text.append("")
    text.append(targets_table(rows))
    return text


def side_by_side(docs):
    """The work alone, walk and verify over pagemap, one column pair per kernel."""
    kernels = [d["guest"].get("kernel", "?") for d in docs]
    head = "| workload | " + " | ".join("%s (b)/(a) | %s (c)/(a)" % (k, k) for k in kernels) + " |"
    out = [head, "|---|" + "--:|--:|" * len(docs)]
    names = []
    for d in docs:
        for w in ordered(d["workloads"]):
            if w not in names:
                names.append(w)
    names.sort(key=lambda w: ORDER.index(w) if w in ORDER else 99)
    for w in names:
        cells = []
        for d in docs:
            q = d["workloads"].get(w, {}).get("inner_ratio_to_pagemap", {})
            cells.append("%.2f" % q["walk"] if "walk" in q else "")
            cells.append("%.2f" % q["verify"] if "verify" in q else "")
        out.append("| %s | %s |" % (w, " | ".join(cells)))
    return "\n".join(out)


def targets_by_kernel(docs):
    """Every target, the work alone, one column per kernel: the value and
    whether it is met; the workload's mapping alone after it where measured."""
    kernels = [d["guest"].get("kernel", "?") for d in docs]
    names = []
    for d in docs:
        for r in d["targets"]:
            if r["target"] not in names:
                names.append(r["target"])
    out = ["| target | " + " | ".join(kernels) + " |", "|---|" + "--:|" * len(docs)]
    met = {k: [0, 0] for k in kernels}

    def cell(r, k):
        if not r["text"].get(k):
            return None
        return "%s %s" % (r["text"][k], "yes" if r["met"][k] else "**no**")
    for name in names:
        cells = []
        for d, kernel in zip(docs, kernels):
            r = next((r for r in d["targets"] if r["target"] == name), None)
            if r is None:
                cells.append("")
                continue
            main = cell(r, "work alone") or cell(r, "whole process") or ""
            mapping = cell(r, "mapping, work alone")
            cells.append(main + (" (mapping: %s)" % mapping if mapping else ""))
            k = "work alone" if "work alone" in r["met"] else "whole process"
            if k in r["met"]:
                met[kernel][1] += 1
                met[kernel][0] += r["met"][k]
        out.append("| %s | %s |" % (name, " | ".join(cells)))
    out.append("| **met (work alone)** | %s |" % " | ".join("%d of %d" % tuple(met[k]) for k in kernels))
    return "\n".join(out)


def render(results_dir, md_path):
    paths = [os.path.join(results_dir, n) for n in os.listdir(results_dir) if n.endswith(".json")] \
        if os.path.isdir(results_dir) else []
    docs = sorted((json.load(open(p)) for p in paths), key=lambda d: kernel_key(str(d["guest"].get("kernel", ""))))
    if not docs:
        sys.exit("render.py: no results in %s: run make bench first" % results_dir)
    text = []
    text.append("One section per kernel of the matrix, each from its own `make bench KVER=...` "
                "(`bench/results/RELEASE.json`, committed). The work alone, (b) walk and (c) verify "
                "over (a) pagemap, medians:")
    text.append("")
    text.append(side_by_side(docs))
    text.append("")
    text.append("Targets per kernel, the work alone (the workload's own mapping alone in parentheses, "
                "where it has one); each kernel's section below has the whole-process scope too:")
    text.append("")
    text.append(targets_by_kernel(docs))
    for d in docs:
        text.append("")
        text.extend(kernel_section(d))
    template = open(os.path.join(root, "bench/BENCH.md.in")).read()
    with open(md_path, "w") as f:
        f.write(template.replace("@RESULTS@", "\n".join(text)))
    print("wrote %s (%s)" % (md_path, ", ".join(str(d["guest"].get("kernel")) for d in docs)))


def main():
    results_dir = os.path.join(root, "bench/results")
    if raw_path != "--render-only":
        record(raw_path, json_path, results_dir)
    render(results_dir, md_path)


main()
