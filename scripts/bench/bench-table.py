#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn two sva-bench boots (before, after) into the benchmark's table.

Reads the "@@ bench" lines of each boot's console.log (guest/sva-bench.c),
takes the median of the repeats, models device time from the counts, and
writes, into the output directory: bench.md (the table the README and the
cover letter quote), bench.json, and bench.svg (a plot, with gnuplot when
it is installed). Each goal of DESIGN.md section 5 is checked against the
"after" numbers; what is not met is said so.

Usage: bench-table.py BEFORE_BOOT_DIR AFTER_BOOT_DIR OUT_DIR [--costs cmd=..,sync=..,miss=..]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

# Modelled device costs, microseconds (README "make bench" says where from).
COSTS = {"cmd": 0.5, "sync": 2.0, "miss": 1.0}

# Per workload: what the best possible kernel sends (the floor) and the
# goal the after numbers must meet. calls_floor is a function of the pages
# changed; the goals are (metric, test, text).
BATCH = 512  # reclaim's list from MADV_PAGEOUT: one PTE table
FREE_BATCH = 31  # within it, pages are freed (and flushed) a folio_batch at a time


def ceil_div(a, b):
    return -(-a // b)


WORKLOADS = [
    # name, title, calls floor(changed), goals
    ("pageout_dirty_64M", "MADV_PAGEOUT 64 MiB, dirty", lambda n: n,
     [("full", "==0", "no full-range call"),
      ("cover", "<=2", "pages covered per page reclaimed <= 2"),
      ("hot_lost", "==0", "no hot entry lost"),
      ("model_ratio", ">=10", "modelled device time >= 10x less")]),
    ("pageout_clean_64M", "MADV_PAGEOUT 64 MiB, clean",
     lambda n: ceil_div(n, BATCH) * ceil_div(BATCH, FREE_BATCH),
     [("full", "==0", "no full-range call"),
      ("calls_floor", "<=1", "one call per batch"),
      ("cover", "<=2", "pages covered per page reclaimed <= 2"),
      ("hot_lost", "==0", "no hot entry lost"),
      ("model_ratio", ">=10", "modelled device time >= 10x less")]),
    ("munmap_1M", "munmap 1 MiB", lambda n: 1,
     [("full", "==0", "no full-range call"),
      ("cover", "==1", "exactly 1 MiB sent"),
      ("hot_lost", "==0", "no hot entry lost")]),
    ("munmap_64M", "munmap 64 MiB", lambda n: 1,
     [("full", "==0", "no full-range call"),
      ("cover", "<=2", "pages covered per page unmapped <= 2"),
      ("hot_lost", "==0", "no hot entry lost")]),
    ("munmap_scattered_32x1", "munmap 32 single pages", lambda n: n,
     [("full", "==0", "no full-range call"),
      ("cover", "==1", "each page exactly"),
      ("hot_lost", "==0", "no hot entry lost")]),
    ("thp_split", "THP split (zap 1 page of 2 MiB)", lambda n: 1,
     [("full", "==0", "no full-range call"),
      ("cover", "<=2", "about the 2 MiB: pages covered per page changed <= 2"),
      ("hot_lost", "==0", "no hot entry lost")]),
    ("two_procs", "2 processes, memcg reclaim", lambda n: n,
     [("full", "==0", "no full-range call"),
      ("hot_lost", "==0", "no hot entry lost")]),
]
AGING_GOAL = "device-hot pages seen as referenced: 100%"
PLAIN_GOAL = "process without notifier: no notifier work"
HMM_GOAL = "process with notifiers but no secondary TLB: no secondary-TLB work, none added"
# Processes the series must not charge: (workload, goal, title)
BYSTANDERS = (("plain", PLAIN_GOAL, "Process without a notifier"),
              ("hmm_mirror", HMM_GOAL, "Process mirrored by HMM's test driver "
               "(notifiers, no secondary TLB)"))

LINE = re.compile(r"@@ bench (\S+) (rep=.*)$")


def parse(path):
    """{workload: [ {key: int} per repeat ]} from one console log."""
    runs = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.search(line.rstrip())
            if not m:
                continue
            fields = dict(kv.split("=", 1) for kv in m.group(2).split())
            runs.setdefault(m.group(1), []).append(
                {k: int(v) for k, v in fields.items()})
    return runs


def median(rows, key):
    vals = [r[key] for r in rows if key in r]
    return statistics.median(vals) if vals else None


def summarise(rows, costs):
    s = {k: median(rows, k) for k in rows[0] if k != "rep"}
    walls = [r["ns"] / 1e6 for r in rows if "ns" in r]
    s["wall_ms"] = statistics.median(walls) if walls else None
    s["wall_min"], s["wall_max"] = (min(walls), max(walls)) if walls else (None, None)
    s["reps"] = len(rows)
    if "cmds" in s:
        s["model_us"] = (s["cmds"] * costs["cmd"] + s["syncs"] * costs["sync"] +
                         s["hot_lost"] * costs["miss"])
        s["cover"] = s["pages"] / s["changed"] if s["changed"] else None
    return s


def check(test, value):
    if value is None:
        return False
    op, bound = test[:2], float(test[2:])
    return {"==": value == bound, "<=": value <= bound, ">=": value >= bound}[op]


def ratio(b, a):
    if b is None or a is None:
        return None
    if a == 0:
        return float("inf") if b else 1.0
    return b / a


def fmt(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, float):
        if v == float("inf"):
            return "inf"
        if v >= 1e6:
            return f"{v:.2e}"
        return f"{v:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{v:.0f}"
    return str(v)


def wall(s):
    if s.get("wall_ms") is None:
        return "-"
    return f"{s['wall_ms']:.1f} [{s['wall_min']:.1f}-{s['wall_max']:.1f}]"


def build(before, after, costs):
    out = {"costs_us": costs, "workloads": [], "goals": []}
    for name, title, floor, goals in WORKLOADS:
        if name not in before or name not in after:
            out["goals"].append({"workload": name, "goal": "measured",
                                 "met": False, "why": "missing from a boot"})
            continue
        b, a = summarise(before[name], costs), summarise(after[name], costs)
        fl = floor(int(a["changed"]))
        a["calls_floor"] = a["calls"] / fl if fl else None
        b["calls_floor"] = b["calls"] / fl if fl else None
        a["model_ratio"] = ratio(b["model_us"], a["model_us"])
        out["workloads"].append({"name": name, "title": title, "floor_calls": fl,
                                 "before": b, "after": a})
        for metric, test, text in goals:
            out["goals"].append({"workload": name, "goal": text,
                                 "value": a.get(metric),
                                 "met": check(test, a.get(metric))})
    for name, goal in (("aging", AGING_GOAL),) + tuple(b[:2] for b in BYSTANDERS):
        if name not in before or name not in after:
            out["goals"].append({"workload": name, "goal": goal, "met": False,
                                 "why": "missing from a boot"})
            continue
        b, a = summarise(before[name], costs), summarise(after[name], costs)
        out[name] = {"before": b, "after": a}
        if name == "aging":
            val = a["hot_referenced"] / a["hot_pages"]
            met = val == 1
        else:
            val = a["calls"]
            met = a["calls"] == 0 and a["calls"] <= b["calls"]
        out["goals"].append({"workload": name, "goal": goal, "value": val, "met": met})
    return out


def markdown(res):
    c = res["costs_us"]
    lines = [
        f"Modelled device time = commands x {c['cmd']} us + completion waits x "
        f"{c['sync']} us + hot ATC entries lost x {c['miss']} us (re-walks). "
        "Medians of the repeats; wall time in ms, median [min-max], under TCG.",
        "",
        "| workload | calls | full | cmds | waits | pages covered / changed "
        "| hot lost | modelled us | ratio | wall ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for w in res["workloads"]:
        b, a = w["before"], w["after"]
        for tag, s in (("before", b), ("after", a)):
            lines.append(
                f"| {w['title']} ({tag}) | {fmt(s['calls'])} | {fmt(s['full'])} | "
                f"{fmt(s['cmds'])} | {fmt(s['syncs'])} | {fmt(s['cover'], 2)} | "
                f"{fmt(s['hot_lost'])}/{fmt(s['hot'])} | {fmt(s['model_us'])} | "
                f"{fmt(a['model_ratio'], 2) + 'x' if tag == 'after' else ''} | {wall(s)} |")
    lines.append("")
    lines.append("| workload | floor: calls | after / floor |")
    lines.append("|---|---|---|")
    for w in res["workloads"]:
        lines.append(f"| {w['title']} | {w['floor_calls']} | "
                     f"{fmt(w['after']['calls_floor'], 2)} |")
    if "aging" in res:
        lines.append("")
        for tag in ("before", "after"):
            s = res["aging"][tag]
            lines.append(f"Aging ({tag}): {fmt(s['hot_referenced'])} of "
                         f"{fmt(s['hot_pages'])} device-hot pages and "
                         f"{fmt(s['cold_referenced'])} of {fmt(s['cold_pages'])} "
                         f"cold pages seen as referenced, {fmt(s['calls'])} "
                         "invalidations.")
    for name, _, title in BYSTANDERS:
        if name not in res:
            continue
        lines.append("")
        lines.append(f"{title} (reclaim 16 MiB, munmap 1 MiB): "
                     f"{fmt(res[name]['before']['calls'])} notifier-list walks for secondary "
                     f"TLBs (tracepoint events) before, {fmt(res[name]['after']['calls'])} "
                     "after; wall ms (the whole child, setup and exit too) "
                     f"{wall(res[name]['before'])} before, "
                     f"{wall(res[name]['after'])} after.")
    lines.append("")
    lines.append("Goals (DESIGN.md section 5), checked on the after numbers:")
    lines.append("")
    for g in res["goals"]:
        state = "met" if g["met"] else "NOT MET"
        val = "" if g.get("value") is None else f" (measured {fmt(g['value'], 2)})"
        why = f" ({g['why']})" if g.get("why") else ""
        lines.append(f"- {g['workload']}: {g['goal']}: {state}{val}{why}")
    return "\n".join(lines) + "\n"


def plot(res, outdir):
    """Modelled device time per workload, before and after, log scale."""
    dat = os.path.join(outdir, "bench.dat")
    with open(dat, "w") as f:
        for w in res["workloads"]:
            f.write('"%s" %g %g\n' % (w["title"], max(w["before"]["model_us"], 0.1),
                                      max(w["after"]["model_us"], 0.1)))
    if not shutil.which("gnuplot"):
        print("bench-table: no gnuplot: no plot (apt-get install gnuplot-nox)",
              file=sys.stderr)
        return None
    svg = os.path.join(outdir, "bench.svg")
    script = f"""
set terminal svg size 900,600 dynamic font "sans,11" noenhanced
set output "{svg}"
set bmargin 10
set rmargin 20
set title "Modelled device time per workload (log scale; lower is better)"
set ylabel "microseconds"
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30 scale 0
set key top right
plot "{dat}" using 2:xtic(1) title "before (6.12 core mm)", "" using 3 title "after (series)"
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return svg


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("outdir")
    ap.add_argument("--costs", default="")
    args = ap.parse_args()
    costs = dict(COSTS)
    for kv in filter(None, args.costs.split(",")):
        k, _, v = kv.partition("=")
        if k not in costs:
            sys.exit(f"error: unknown cost '{k}' (cmd, sync or miss)")
        try:
            costs[k] = float(v)
        except ValueError:
            sys.exit(f"error: cost {k}: number expected, got '{v}'")
    runs = []
    for d in (args.before, args.after):
        log = os.path.join(d, "console.log")
        if not os.path.isfile(log):
            sys.exit(f"error: no {log}")
        r = parse(log)
        if not r:
            sys.exit(f"error: {log} has no '@@ bench' line (did the boot run sva-bench?)")
        runs.append(r)
    res = build(runs[0], runs[1], costs)
    os.makedirs(args.outdir, exist_ok=True)
    md = markdown(res)
    with open(os.path.join(args.outdir, "bench.md"), "w") as f:
        f.write(md)
    with open(os.path.join(args.outdir, "bench.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)
    plot(res, args.outdir)
    sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
