#!/usr/bin/env python3
"""The scenario results table: one column per kernel and paging level, from
every results file Tests/scenarios/run.sh kept in build/scenarios
(results-<release>-<N>level.json, the newest run of each).

  render-table.py [--results DIR] [--output FILE]   the table as a Markdown
        file of its own (default build/scenarios/RESULTS.md); run.sh does
        this after every run, so that tests never change tracked files
  render-table.py --doc docs/SCENARIOS.md           the same table written
        into DOC between <!-- results:begin --> and <!-- results:end -->
        (appended as a new section when the markers are missing): run it by
        hand after the matrix has run, to record the results in the doc

A kernel or paging level that has not run has no column."""
import argparse
import datetime
import glob
import json
import os
import re
import sys

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
CELL_LIMIT = 160  # characters of a reason; the whole reason is in the JSON


def load(path):
    try:
        doc = json.load(open(path))
    except (OSError, ValueError) as error:
        print(f"render-table: skipping {path}: {error}", file=sys.stderr)
        return None
    if "kernel_release" not in doc or "paging_levels" not in doc:
        return None
    doc["_date"] = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
    return doc


def release_key(release):
    """6.1.0-57-amd64 < 6.12.117+deb13-amd64 < 7.3.4+deb13-amd64"""
    return [int(n) if n.isdigit() else n for n in re.split(r"(\d+)", release)]


def short_release(release):
    return re.sub(r"(\+deb\d+)?-amd64$", "", release)


def columns(results_dir):
    """(release, levels, doc) per kernel and level, the newest file of each."""
    newest = {}
    for path in glob.glob(os.path.join(results_dir, "results-*level.json")):
        doc = load(path)
        if doc is None:
            continue
        key = (doc["kernel_release"], doc["paging_levels"])
        if key not in newest or doc["_date"] > newest[key]["_date"]:
            newest[key] = doc
    keys = sorted(newest, key=lambda k: (release_key(k[0]), k[1]))
    return [(release, levels, newest[(release, levels)]) for release, levels in keys]


def cell(result):
    if result is None:
        return "-"
    word = result["result"].upper()
    reason = (result.get("reason") or "").replace("\n", " ")
    if len(reason) > CELL_LIMIT:
        reason = reason[:CELL_LIMIT - 3] + "..."
    reason = reason.replace("|", "\\|")
    if word == "PASS":
        return f"PASS ({reason})" if reason else "PASS"
    return f"{word}: {reason}" if reason else word


def table(cols):
    if not cols:
        return "No results yet: run the matrix (scripts/check-kernel with SUITES=Tests/scenarios/run.sh)."
    lines = []
    for release, levels, doc in cols:
        s = doc["summary"]
        when = doc["_date"].strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"- {release}, {levels}-level paging: {when}: "
                     f"{s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped")
    lines.append("")
    lines.append("| scenario | " + " | ".join(f"{short_release(r)} {lv}-level" for r, lv, _ in cols) + " |")
    lines.append("|---|" + "---|" * len(cols))
    names = []
    for _, _, doc in cols:
        for s in doc.get("scenarios", []):
            if s["name"] not in names:
                names.append(s["name"])
    for name in names:
        cells = []
        for _, _, doc in cols:
            found = next((s for s in doc.get("scenarios", []) if s["name"] == name), None)
            cells.append(cell(found))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def block(cols):
    return (BEGIN + "\n<!-- written by Tests/scenarios/render-table.py --doc from build/scenarios; "
            "do not edit by hand -->\n\n" + table(cols) + "\n\n" + END)


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", default="build/scenarios", help="where run.sh keeps the JSON files")
    parser.add_argument("--output", help="a Markdown file of its own (default build/scenarios/RESULTS.md)")
    parser.add_argument("--doc", help="write the table into this document's results block instead")
    args = parser.parse_args()
    cols = columns(args.results)
    if args.doc:
        text = open(args.doc).read()
        body = block(cols)
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            text = head + body + tail
        else:
            text = text.rstrip("\n") + "\n\n## Results of the matrix\n\n" + body + "\n"
        write(args.doc, text)
        return
    output = args.output or os.path.join(args.results, "RESULTS.md")
    write(output, "# Scenario results (Tests/scenarios/render-table.py)\n\n" + table(cols) + "\n")


main()
