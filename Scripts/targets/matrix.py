#!/usr/bin/env python3
"""Merges `mdns conform --json` runs into OUT/results.json (an array, one object per target) and
renders OUT/matrix.md: case × implementation, then every non-pass with the case's RFC sentence
and each target's summary.   python3 matrix.py OUT RUN.json..."""
import json
import sys

SYMBOL = {"pass": "pass", "warn": "**warn**", "fail": "**FAIL**", "notApplicable": "n/a", "unsupported": "unsup."}


def cases(run):
    """The cases of one `mdns conform --json` document (schema mdns-results/1)."""
    return run["cases"]


def short(target):
    return target.replace(" (live)", "")


def main(out, paths):
    runs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            runs.append(json.load(f))
    with open(out + "/results.json", "w", encoding="utf-8") as f:
        json.dump(runs, f, indent=1, ensure_ascii=False)
    names = [short(r["source"]) for r in runs]
    order, info, verdicts = [], {}, {}
    for r in runs:
        for c in cases(r):
            if c["id"] not in info:
                order.append(c["id"])
                info[c["id"]] = c
            verdicts[(c["id"], short(r["source"]))] = c
    lines = ["| case | section | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for cid in order:
        row = [SYMBOL.get(verdicts[(cid, n)]["verdict"], "?") if (cid, n) in verdicts else "" for n in names]
        lines.append(f"| {cid} | {info[cid]['section']} | " + " | ".join(row) + " |")
    totals = ["| **totals** (pass/warn/fail/n-a/unsup.) | |"]
    for r in runs:
        t = r["totals"]
        totals.append(f" {t['pass']}/{t['warn']}/{t['fail']}/{t['notApplicable']}/{t['unsupported']} |")
    lines.append("".join(totals))
    times = ["| **run time** (s) | |"] + [f" {r['runSeconds']:.0f} |" for r in runs]
    lines.append("".join(times))
    lines += ["", "Each non-pass, with the sentence the case checks:", ""]
    for cid in order:
        bad = [(n, verdicts[(cid, n)]) for n in names if (cid, n) in verdicts and verdicts[(cid, n)]["verdict"] != "pass"]
        if not bad:
            continue
        c = info[cid]
        sentence = c.get("citation") or c["title"]
        level = c.get("level", "info").upper()
        lines.append(f"- **{cid}** ({c['section']}, {level}): {sentence}")
        for n, v in bad:
            lines.append(f"  - {n}: {v['verdict']}: {v['summary'][:160]}")
    with open(out + "/matrix.md", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
