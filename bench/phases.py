#!/usr/bin/env python3
"""The medians of bench/phases.sh's samples, as the Markdown tables of
docs/BENCH.md's "Where the time goes": per target, the work alone of
(a) pagemap_read, walk and verify and their ratios, the whole processes,
and walk's and verify's phases in milliseconds.

    python3 bench/phases.py RAW [RAW...]     (one per kernel)
"""
import re
import statistics
import sys

PHASES = ["probes", "session", "stream", "pagemap", "pass", "recheck", "maps", "output"]


def kv(text):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", text)}


def read(path):
    kernel, targets, samples, module_swapped = "?", {}, {}, False
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "guest":
            kernel = re.search(r"kernel=(\S+)", line).group(1)
        elif f[0] == "before" and len(f) > 1 and f[1] == "module":
            module_swapped = True
        elif f[0] == "target":
            targets[f[1]] = kv(line)
        elif f[0] == "sample":
            samples.setdefault((f[1], f[2]), []).append(kv(" ".join(f[4:])))
    return kernel, targets, samples, module_swapped


def med(rows, key):
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else None


def main():
    for path in sys.argv[1:]:
        kernel, targets, samples, module_swapped = read(path)
        print(f"#### {kernel}\n")
        print("| target | VMAs | (a) pagemap | walk | walk / (a) | verify | verify / (a) "
              "| whole: (a) / walk / verify |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|")
        for t, info in targets.items():
            a = med(samples.get((t, "pagemap"), []), "seconds")
            w = med(samples.get((t, "walk"), []), "seconds")
            v = med(samples.get((t, "verify"), []), "seconds")
            whole = [med(samples.get((t, tool), []), "wall") for tool in ("pagemap", "walk", "verify")]
            if None in (a, w, v) or None in whole:
                continue
            print(f"| {t} | {int(info.get('vmas', 0))} | {a * 1e3:.1f} ms | {w * 1e3:.1f} ms | {w / a:.2f} "
                  f"| {v * 1e3:.1f} ms | {v / a:.2f} | {' / '.join(f'{x:.3f}' for x in whole)} s |")
        if any(tool == "verify_before" for _, tool in samples):
            print()
            which = "pgwalk.ko (`MODULE_BEFORE`)" if module_swapped else "pgwalkctl (`PGWALKCTL_BEFORE`)"
            print(f"The same boot, the same loop: the {which} before and after, "
                  "the work alone over (a):\n")
            print("| target | walk before | after | verify before | after |")
            print("|---|--:|--:|--:|--:|")
            for t in targets:
                a = med(samples.get((t, "pagemap"), []), "seconds")
                cells = [med(samples.get((t, tool), []), "seconds")
                         for tool in ("walk_before", "walk", "verify_before", "verify")]
                if a is None or None in cells:
                    continue
                print(f"| {t} | " + " | ".join(f"{c / a:.2f}" for c in cells) + " |")
        if any(tool == "replay" for _, tool in samples):
            print()
            print("What walk is made of (`PHASES_FLOOR=1`), medians in milliseconds: (k) the module alone, "
                  "replay the client alone on the target's saved stream (`walk --input`); walk <= (a) "
                  "needs the two to fit in (a):\n")
            print("| target | (a) pagemap | (k) module | (a) - (k) | replay | (k) + replay | walk | walk / (a) |")
            print("|---|--:|--:|--:|--:|--:|--:|--:|")
            for t in targets:
                a, k, r, w = (med(samples.get((t, tool), []), "seconds")
                              for tool in ("pagemap", "module", "replay", "walk"))
                if None in (a, k, r, w):
                    continue
                print(f"| {t} | {a * 1e3:.2f} | {k * 1e3:.2f} | {(a - k) * 1e3:.2f} | {r * 1e3:.2f} "
                      f"| {(k + r) * 1e3:.2f} | {w * 1e3:.2f} | {w / a:.2f} |")
        print()
        print("Phases, medians in milliseconds (`--stats`; start-up = whole process minus the work):\n")
        print("| target | command | " + " | ".join(PHASES) + " | start-up |")
        print("|---|---|" + "--:|" * (len(PHASES) + 1))
        for t in targets:
            for tool in ("walk_before", "walk", "replay", "verify_before", "verify"):
                rows = samples.get((t, tool), [])
                if not rows:
                    continue
                cells = []
                for p in PHASES:
                    m = med(rows, "t_" + p)
                    cells.append("" if m is None else f"{m * 1e3:.1f}")
                startup = statistics.median(r["wall"] - r["seconds"] for r in rows if "wall" in r and "seconds" in r)
                print(f"| {t} | {tool} | " + " | ".join(cells) + f" | {startup * 1e3:.0f} |")
        print()


if __name__ == "__main__":
    main()
