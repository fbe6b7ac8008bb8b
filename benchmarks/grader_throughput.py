"""How fast the grader is: analyzer/model load, warm-up, transcripts per second, and a folder via the CLI.

An evaluator grades a day's calls in one go, so the figures that matter are the one-off cost
(imports, rules, the embedding model) and the steady rate after it. The in-process rate is the
median of several passes over the same calls; the CLI figure is one `collectsim grade DIR --out TMP`
subprocess, model load included, which is what a user actually waits for.

    python benchmarks/grader_throughput.py                  # 200 generated calls, default embeddings
    python benchmarks/grader_throughput.py --n 50 --embeddings none
    python benchmarks/grader_throughput.py --dir my_calls/ --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LOCALES = ("zh-CN", "en-US")
KEEP = ("id", "locale", "scenario", "persona", "turns")


def machine_info() -> dict:
    """CPU model and core counts, so figures from different machines are not compared blindly."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpu": cpu or "unknown",
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def generate(n: int, seed: int = 0, data: Path = DATA) -> list[dict]:
    """N calls of 12-20 turns, both locales mixed, built from the labelled transcripts.

    Short calls are padded with the middle of other calls of the same locale (collector/debtor
    pairs), long ones cut, so the set has the turn counts of real practice calls."""
    rng = random.Random(seed)
    by_loc: dict[str, list[dict]] = {}
    for loc in LOCALES:
        path = data / f"eval_transcripts_{loc}.jsonl"
        by_loc[loc] = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    out = []
    for i in range(n):
        loc = LOCALES[i % 2]
        base = by_loc[loc][(i // 2) % len(by_loc[loc])]
        target = rng.randint(12, 20)
        turns = list(base["turns"])
        while len(turns) < target:
            donor = rng.choice(by_loc[loc])["turns"]
            mid = donor[2:-2] or donor
            turns[-1:-1] = mid[: target - len(turns)]
        turns = turns[:target]
        t = {k: base[k] for k in KEEP if k in base}
        t["id"] = f"bench-{i:04d}-{base['id']}"
        t["turns"] = turns
        out.append(t)
    return out


def _code(n: int) -> str:
    """n as lowercase letters (0 -> 'a', 26 -> 'ba'): a tag with no digits, so no amount or date cue."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
        if not n:
            return out


def uniquify(transcripts: list[dict], start: int) -> tuple[list[dict], int]:
    """Copies whose every turn ends with a tag never used before ('~qdx').

    The analyzer caches line vectors by text, and the generated calls reuse the labelled turns,
    so without this a second pass (or a repeated turn) is served from the cache and the rate
    measures a dictionary lookup. Real calls do not repeat verbatim."""
    out, n = [], start
    for t in transcripts:
        turns = []
        for turn in t["turns"]:
            turns.append({**turn, "text": f"{turn['text']} ~{_code(n)}"})
            n += 1
        out.append({**t, "turns": turns})
    return out, n


def load_dir(folder: Path) -> list[dict]:
    """Transcripts from *.json / *.jsonl files in a folder (one object, a list, or one per line)."""
    out: list[dict] = []
    for p in sorted(folder.iterdir()):
        if p.suffix == ".jsonl":
            out += [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
        elif p.suffix == ".json":
            obj = json.loads(p.read_text(encoding="utf-8"))
            out += obj if isinstance(obj, list) else [obj]
    return [{k: t[k] for k in KEEP if k in t} for t in out]


def write_dir(transcripts: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for t in transcripts:
        (folder / f"{t['id']}.json").write_text(json.dumps(t, ensure_ascii=False), encoding="utf-8")


def cli_command() -> list[str]:
    exe = shutil.which("collectsim")
    if exe:
        return [exe]
    return [sys.executable, "-c", "import sys; from simulator.cli import main; sys.exit(main())"]


def _progress(msg: str) -> None:
    """Each stage as it ends, on stderr: a run cut short by a time limit still leaves its figures."""
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def bench(
    transcripts: list[dict],
    folder: Path,
    out_dir: Path,
    runs: int = 3,
    warmup: int = 5,
    cli: bool = True,
    unique: bool = True,
) -> dict:
    """Time the stages in this process, then the CLI on the folder in a fresh process.

    With `unique`, every pass (warm-up, each timed run) grades copies with never-seen turn texts."""
    res: dict = {"n_transcripts": len(transcripts), "unique_texts": unique}
    counter = 10**6  # tags of the timed passes; the folder for the CLI was tagged from 0
    res["turns_mean"] = round(statistics.mean(len(t["turns"]) for t in transcripts), 1)
    res["locales"] = {loc: sum(t["locale"] == loc for t in transcripts) for loc in LOCALES}

    t = time.perf_counter()
    from grading.analyze import Context, analyze, analyzer_status
    from grading.scorecard import grade

    res["import_s"] = round(time.perf_counter() - t, 3)
    _progress(f"import {res['import_s']} s")

    # first calls load the rules and (if configured) the embedding model: the one-off cost
    t = time.perf_counter()
    for loc, line in (
        ("zh-CN", "您好，我是华信银行的客服小王，工号1234"),
        ("en-US", "Hi, this is Dana with Apex Recovery."),
    ):
        analyze(line, Context(locale=loc))
    res["analyzer_load_s"] = round(time.perf_counter() - t, 3)
    _progress(f"analyzer load {res['analyzer_load_s']} s")
    res["analyzer"] = analyzer_status()

    t = time.perf_counter()
    warm = transcripts[: max(1, warmup)]
    if unique:
        warm, counter = uniquify(warm, counter)
    for tr in warm:
        grade(tr)
    res["warmup_s"] = round(time.perf_counter() - t, 3)
    _progress(f"warm-up {res['warmup_s']} s")
    res["warmup_transcripts"] = min(len(transcripts), max(1, warmup))

    rates, errors = [], 0
    for _ in range(runs):
        batch = transcripts
        if unique:
            batch, counter = uniquify(transcripts, counter)
        t = time.perf_counter()
        for tr in batch:
            try:
                grade(tr)
            except Exception:  # counted, not fatal: throughput is still meaningful
                errors += 1
        dt = time.perf_counter() - t
        rates.append(len(transcripts) / dt if dt else float("inf"))
        _progress(f"pass {len(rates)}: {len(transcripts)} transcripts in {dt:.2f} s")
    res["runs_transcripts_per_s"] = [round(r, 2) for r in rates]
    res["transcripts_per_s"] = round(statistics.median(rates), 2)
    res["ms_per_transcript"] = round(1000 / res["transcripts_per_s"], 1) if res["transcripts_per_s"] else None
    res["turns_per_s"] = round(res["transcripts_per_s"] * res["turns_mean"], 1)
    res["grade_errors"] = errors

    if cli:
        cmd = cli_command() + ["grade", str(folder), "--out", str(out_dir)]
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        dt = time.perf_counter() - t
        written = len(list(out_dir.glob("*.json"))) if out_dir.exists() else 0
        _progress(f"cli {dt:.2f} s, exit {p.returncode}")
        res["cli"] = {
            "command": "collectsim grade DIR --out TMP",
            "wall_s": round(dt, 2),
            "exit_code": p.returncode,
            "scorecards_written": written,
            "transcripts_per_s": round(written / dt, 2) if dt else None,
            "stderr_tail": p.stderr.strip().splitlines()[-3:],
        }
    return res


def render(res: dict, machine: dict) -> str:
    lines = [
        f"machine: {machine['cpu']}; {machine['usable_cores']} usable of {machine['logical_cores']} logical cores; "
        f"load average {machine.get('load_average')}; Python {machine['python']}",
        f"analyzer: {res['analyzer']}",
        f"transcripts: {res['n_transcripts']} ({', '.join(f'{k} {v}' for k, v in res['locales'].items())}), "
        f"{res['turns_mean']} turns on average; "
        + (
            "every pass grades never-seen turn texts (tagged)"
            if res["unique_texts"]
            else "texts repeat between passes"
        ),
        "",
        "| stage | figure |",
        "|---|---|",
        f"| import grading.analyze + grading.scorecard | {res['import_s']} s |",
        f"| analyzer load (first analyze() per locale: rules, embedding model) | {res['analyzer_load_s']} s |",
        f"| warm-up ({res['warmup_transcripts']} transcripts) | {res['warmup_s']} s |",
        f"| in-process, after warm-up (median of {len(res['runs_transcripts_per_s'])}) | "
        f"{res['transcripts_per_s']} transcripts/s ({res['ms_per_transcript']} ms each, {res['turns_per_s']} turns/s) |",
        f"| runs | {', '.join(str(r) for r in res['runs_transcripts_per_s'])} transcripts/s |",
    ]
    if res["grade_errors"]:
        lines.append(f"| grading errors | {res['grade_errors']} |")
    if "cli" in res:
        c = res["cli"]
        lines.append(
            f"| `{c['command']}` (fresh process, model load included) | {c['wall_s']} s for "
            f"{c['scorecards_written']} scorecards = {c['transcripts_per_s']} transcripts/s, exit {c['exit_code']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="number of generated transcripts (default 200)")
    ap.add_argument("--dir", type=Path, default=None, help="grade the transcripts in this folder instead")
    ap.add_argument("--runs", type=int, default=3, help="timed passes; the median is reported")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--embeddings", default=None, help="'none' or a model name/path (COLLECTSIM_EMBEDDINGS)")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    ap.add_argument("--no-cli", action="store_true", help="skip the `collectsim grade` subprocess")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--repeat-texts",
        action="store_true",
        help="grade the same texts in every pass (shows the effect of the analyzer's line cache)",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from grading.embeddings import configure

    configure(args.embeddings, args.threads)

    machine = machine_info()
    with tempfile.TemporaryDirectory(prefix="collectsim-bench-") as tmp:
        folder = Path(tmp) / "calls"
        unique = not args.repeat_texts
        transcripts = load_dir(args.dir) if args.dir else generate(args.n, args.seed)
        if args.dir and not unique:
            folder = args.dir
        else:
            write_dir(uniquify(transcripts, 0)[0] if unique else transcripts, folder)
        res = bench(
            transcripts,
            folder,
            Path(tmp) / "scorecards",
            runs=args.runs,
            warmup=args.warmup,
            cli=not args.no_cli,
            unique=unique,
        )
    res["machine"] = machine
    res["embeddings_setting"] = os.environ.get("COLLECTSIM_EMBEDDINGS", "(default)")
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        print(render(res, machine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
