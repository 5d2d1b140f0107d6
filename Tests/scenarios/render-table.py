#!/usr/bin/env python3
"""Writes the scenario-by-paging-mode results table into a Markdown file
between <!-- results:begin --> and <!-- results:end --> (appended as a new
section when the markers are missing).

  render-table.py DOC results-4level.json results-5level.json

A results file that does not exist leaves its column as "not run"."""
import datetime
import json
import os
import sys

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def load(path):
    if not os.path.exists(path):
        return None
    doc = json.load(open(path))
    doc["_date"] = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
    return doc


def cell(result):
    if result is None:
        return "not run"
    word = result["result"].upper()
    reason = (result.get("reason") or "").replace("\n", " ")
    if len(reason) > 200:  # the whole reason is in the JSON file
        reason = reason[:197] + "..."
    reason = reason.replace("|", "\\|")
    return f"{word}: {reason}" if reason and word != "PASS" else (f"PASS ({reason})" if reason else "PASS")


def table(docs):
    lines = []
    for levels, doc in docs:
        if doc is None:
            lines.append(f"- {levels}-level paging: not run yet")
            continue
        s = doc["summary"]
        when = doc["_date"].strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"- {levels}-level paging: {when}, kernel {doc['kernel_release']}: "
                     f"{s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped")
    lines.append("")
    lines.append("| scenario | " + " | ".join(f"{lv}-level" for lv, _ in docs) + " |")
    lines.append("|---|" + "---|" * len(docs))
    names = []
    for _, doc in docs:
        for s in (doc or {}).get("scenarios", []):
            if s["name"] not in names:
                names.append(s["name"])
    for name in names:
        cells = []
        for _, doc in docs:
            found = None
            for s in (doc or {}).get("scenarios", []):
                if s["name"] == name:
                    found = s
            cells.append(cell(found) if doc else "not run")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    doc_path, four, five = sys.argv[1:4]
    docs = [(4, load(four)), (5, load(five))]
    text = open(doc_path).read()
    body = (BEGIN + "\n<!-- written by Tests/scenarios/run.sh (render-table.py); do not edit by hand -->\n\n"
            + table(docs) + "\n\n" + END)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + body + tail
    else:
        text = text.rstrip("\n") + "\n\n## 5. Results of the matrix (`make check`)\n\n" + body + "\n"
    tmp = doc_path + ".tmp"
    open(tmp, "w").write(text)
    os.replace(tmp, doc_path)


main()
