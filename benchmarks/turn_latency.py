"""Turn latency of the debtor backends: time to first token and full reply time as a call grows.

Plays the same collector script against each backend and times turns 1, 5, 10 and 20 over
repeated runs (p50/p95), with the process RSS. Model backends run twice in the same process:
with the KV prefix cache (the default) and with it off (every turn re-encodes the whole prompt),
on the same conversation, so the ratio shows what the cache buys.

    python benchmarks/turn_latency.py                        # scripted + a tiny random local model
    python benchmarks/turn_latency.py --model FILE.gguf --runs 3 --show
    python benchmarks/turn_latency.py --backend llamacpp --model FILE.gguf --threads 2 --show
    python benchmarks/turn_latency.py --backend llamacpp --model FILE.gguf --persona en-vain-realtor
    python benchmarks/turn_latency.py --backend llamacpp --model FILE.gguf --think 2 --draft

With --draft, the next collector line is prefilled as a draft during the think pause (as the app
does while the trainee types): `exact` is the line as sent, `edited` lacks its last few characters.

The collector script follows the persona's locale (zh-CN or en-US).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.backends.base import Realisation  # noqa: E402

TURNS = (1, 5, 10, 20)
EDITED_TAIL = 4  # characters the `edited` draft lacks: typed after the last prefill, just before Enter
# (collector line, debtor move, state) per turn; the debtor's own replies fill the history in between.
SCRIPT_ZH = [
    (None, "greet", {"mood": "neutral"}),
    (
        "您好，我是华信银行信用卡中心的小王，工号1234。请问是陈志远先生吗？",
        "ask_who",
        {"mood": "wary", "trust": 0.2},
    ),
    ("我是华信银行信用卡中心的，请问您是陈志远本人吗？", "confirm_identity", {"mood": "wary"}),
    (
        "陈先生，您的信用卡已经逾期38天，欠款23600元，请问是什么原因呢？",
        "excuse",
        {"mood": "irritated", "anger": 0.5},
    ),
    ("忘了也没关系，不过逾期会影响您的征信记录。", "downplay", {"mood": "irritated", "anger": 0.5}),
    ("金额不大，但每天都在产生利息和违约金。", "question", {"mood": "calm"}),
    ("按合同约定，利息按日计算，另外每期收违约金。", "vent", {"mood": "angry", "anger": 0.75}),
    ("您先别着急，我理解您做生意不容易。", "stall", {"mood": "calm", "anger": 0.4}),
    ("您看今天方便处理一下吗？", "plead", {"mood": "calm"}),
    (
        "陈总，您是有身份的人，这事我们私下处理好，不会让别人知道。",
        "disclose_reason",
        {"mood": "calm", "trust": 0.5},
    ),
    ("工程款被拖欠确实难。那您现在能先还多少？", "bargain", {"mood": "cooperative", "trust": 0.6}),
    ("先还一部分可以，剩下的我们再约时间。", "question", {"mood": "cooperative"}),
    ("部分还款后，剩余欠款会继续计息，但逾期记录不会继续恶化。", "bargain", {"mood": "cooperative"}),
    ("那您看三天后先还6000元可以吗？", "stall", {"mood": "calm"}),
    ("陈总，时间定下来对您也好，免得我们反复打扰您。", "vent", {"mood": "irritated", "anger": 0.5}),
    ("抱歉让您不舒服了，我们就是想帮您把记录保住。", "bargain", {"mood": "calm"}),
    ("好的，那就6000元，三天后到账，可以吗？", "promise", {"mood": "relieved", "willingness": 0.8}),
    ("我跟您确认一下：10月23日前通过手机银行转账还款6000元，对吗？", "confirm_promise", {"mood": "relieved"}),
    ("剩下的17600元，下个月工程款回来后再联系您，可以吗？", "question", {"mood": "relieved"}),
    ("好的，感谢您的配合，祝您生意顺利，再见。", "thank", {"mood": "cooperative"}),
]
SLOTS_ZH = {
    "amount": "6000元",
    "date": "10月23日",
    "channel": "手机银行转账",
    "amount_due": "23600元",
    "can_pay_now": "6000元",
    "debtor_name": "陈志远",
}
SCRIPT_EN = [
    (None, "greet", {"mood": "neutral"}),
    (
        "Hello, this is Sam with Sterling & Vance Bank card services. May I speak with Vanessa Whitaker?",
        "ask_who",
        {"mood": "wary", "trust": 0.2},
    ),
    (
        "I'm calling from Sterling & Vance about your Onyx account. Is this Ms. Whitaker?",
        "confirm_identity",
        {},
    ),
    (
        "Thank you. Your Onyx card payment is 41 days past due, with $7,320 owing. What happened?",
        "excuse",
        {"mood": "irritated", "anger": 0.5},
    ),
    ("I understand. A late payment does get reported to the credit bureaus, though.", "downplay", {}),
    ("It may not be much to you, but interest and late fees keep adding up each month.", "question", {}),
    (
        "Per your cardmember agreement, interest accrues daily on the past-due balance.",
        "vent",
        {"anger": 0.75},
    ),
    ("I hear you, and I appreciate you being a long-time cardmember.", "stall", {"mood": "calm"}),
    ("Would you be able to take care of this today?", "plead", {"mood": "calm"}),
    ("Between us, this stays on your account only. What's making it hard right now?", "disclose_reason", {}),
    ("That makes sense, the market is slow. How much could you pay now?", "bargain", {"trust": 0.6}),
    ("A partial payment is fine, and we can schedule the rest.", "question", {"mood": "cooperative"}),
    ("After a partial payment interest continues, but the account stops aging further.", "bargain", {}),
    ("Could you do $2,000 by this Friday?", "stall", {"mood": "calm"}),
    ("Setting a date now means we won't need to keep calling you.", "vent", {"anger": 0.5}),
    ("I'm sorry for the frustration, I just want to protect your standing with us.", "bargain", {}),
    ("So $2,000 by Friday, does that work?", "promise", {"mood": "relieved", "willingness": 0.8}),
    ("Let me confirm: $2,000 by November 27 through online banking, correct?", "confirm_promise", {}),
    ("And the remaining $5,320 after your December closing, is that right?", "question", {}),
    ("Thank you for your time, Ms. Whitaker. Have a good day.", "thank", {"mood": "cooperative"}),
]
SLOTS_EN = {
    "amount": "$2,000",
    "date": "November 27",
    "channel": "online banking",
    "amount_due": "$7,320",
    "can_pay_now": "$2,000",
    "debtor_name": "Vanessa Whitaker",
}


def script_for(persona) -> tuple[list, dict, str]:
    """The collector script, the facts and the filler for an empty reply, in the persona's locale."""
    if str(getattr(persona, "locale", "zh-CN")).startswith("en"):
        return SCRIPT_EN, SLOTS_EN, "Mm-hm."
    return SCRIPT_ZH, SLOTS_ZH, "嗯。"


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (honest for a handful of runs: p95 of 3 runs is the slowest)."""
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    with open("/proc/self/status") as f:
        status = dict(line.split(":", 1) for line in f if ":" in line)
    now = int(status["VmRSS"].split()[0]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return now, peak


def draft_of(line: str, mode: str) -> str:
    """The draft prefilled before `line` is sent: all of it, or all but the last characters typed."""
    return line if mode == "exact" else line[:-EDITED_TAIL]


def play(
    backend,
    persona,
    turns: int,
    history: list[dict] | None = None,
    think: float = 0.0,
    draft: str | None = None,
) -> list[dict]:
    """One call of `turns` debtor turns; returns per-turn timings and the text.

    With `history` given (the transcript of an earlier run), the collector and debtor lines are
    replayed from it so a second mode times exactly the same prompts. `think` seconds pass between
    turns, as while a trainee reads the reply and types (a backend may prepare the next turn then).
    With `draft`, the next turn's request with a draft of its collector line is prefilled then.
    """
    out, hist = [], []
    script, slots, filler = script_for(persona)
    for i in range(turns):
        line, move, state = script[i % len(script)]
        if line:
            hist.append({"speaker": "collector", "text": line})
        req = Realisation(persona=persona, move=move, slots=dict(slots), history=list(hist), state=state)
        started = time.perf_counter()
        first = None
        pieces = []
        for piece in backend.stream(req):
            if first is None:
                first = time.perf_counter() - started
            pieces.append(piece)
        total = time.perf_counter() - started
        text = "".join(pieces).strip()
        stats = dict(getattr(backend, "last_stats", {}) or {})
        out.append(
            {
                "turn": i + 1,
                "move": move,
                "ttft": first if first is not None else total,
                "total": total,
                "text": text,
                **{
                    k: stats.get(k)
                    for k in ("prompt_tokens", "reused_tokens", "new_tokens", "generated_tokens")
                },
            }
        )
        reply = history[len(hist)]["text"] if history else (text or filler)
        hist.append({"speaker": "debtor", "text": reply})
        nxt_line, nxt_move, nxt_state = script[(i + 1) % len(script)]
        if draft and nxt_line and i + 1 < turns:
            said = [*hist, {"speaker": "collector", "text": draft_of(nxt_line, draft)}]
            nxt = Realisation(
                persona=persona, move=nxt_move, slots=dict(slots), history=said, state=nxt_state
            )
            backend.prefill(nxt)
        if think > 0 and i + 1 < turns:
            time.sleep(think)
    return out


def transcript(turns: list[dict], persona) -> list[dict]:
    hist = []
    script, _, filler = script_for(persona)
    for i, t in enumerate(turns):
        line = script[i % len(script)][0]
        if line:
            hist.append({"speaker": "collector", "text": line})
        hist.append({"speaker": "debtor", "text": t["text"] or filler})
    return hist


def measure(
    label: str,
    backend,
    persona,
    runs: int,
    turns: int,
    baseline: bool,
    think: float = 0.0,
    draft: str | None = None,
) -> tuple[list[dict], list[dict]]:
    """Rows for the table: per turn of interest, p50/p95 of TTFT and reply time, with and without cache."""
    modes = {"cache": [], "no cache": []} if baseline else {"": []}
    for run in range(runs):
        if baseline:
            print(f"  {label}: run {run + 1}/{runs}", file=sys.stderr, flush=True)
        if hasattr(backend, "reset_cache"):
            backend.kv_cache = True
            backend.reset_cache()
        first = play(backend, persona, turns, think=think, draft=draft)
        modes["cache" if baseline else ""].append(first)
        if baseline:
            backend.kv_cache = False
            backend.reset_cache()
            modes["no cache"].append(play(backend, persona, turns, history=transcript(first, persona)))
            backend.kv_cache = True
    rows = []
    now, peak = rss_mb()
    for mode, all_runs in modes.items():
        for turn in [t for t in TURNS if t <= turns]:
            samples = [r[turn - 1] for r in all_runs]
            ttft = [s["ttft"] for s in samples]
            total = [s["total"] for s in samples]
            rows.append(
                {
                    "backend": label,
                    "mode": mode,
                    "turn": turn,
                    "n": len(samples),
                    "ttft_p50": statistics.median(ttft),
                    "ttft_p95": pct(ttft, 0.95),
                    "total_p50": statistics.median(total),
                    "total_p95": pct(total, 0.95),
                    "prompt": samples[0]["prompt_tokens"],
                    "reused": samples[0]["reused_tokens"],
                    "encoded": samples[0]["new_tokens"],
                    "gen": statistics.median([s["generated_tokens"] or 0 for s in samples]),
                    "rss": now,
                    "peak": peak,
                }
            )
    return rows, next(iter(modes.values()))[0]


def fmt_s(x: float) -> str:
    return f"{x * 1000:.1f} ms" if x < 0.1 else f"{x:.2f} s"


def table(rows: list[dict]) -> str:
    head = (
        "| backend | mode | turn | prompt tok | reused | encoded | gen tok | TTFT p50 | TTFT p95 "
        "| reply p50 | reply p95 | RSS MB (peak) |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        tok = [r[k] if r[k] is not None else "-" for k in ("prompt", "reused", "encoded")]
        gen = f"{r['gen']:g}" if r["prompt"] is not None else "-"
        lines.append(
            f"| {r['backend']} | {r['mode'] or '-'} | {r['turn']} | {tok[0]} | {tok[1]} | {tok[2]} | {gen} "
            f"| {fmt_s(r['ttft_p50'])} | {fmt_s(r['ttft_p95'])} | {fmt_s(r['total_p50'])} "
            f"| {fmt_s(r['total_p95'])} | {r['rss']:.0f} ({r['peak']:.0f}) |"
        )
    ratios = []
    for r in rows:
        if r["mode"] != "no cache":
            continue
        c = next(
            x
            for x in rows
            if x["backend"] == r["backend"] and x["mode"] == "cache" and x["turn"] == r["turn"]
        )
        ratios.append(
            f"| {r['backend']} | {r['turn']} | {r['ttft_p50'] / c['ttft_p50']:.1f}x "
            f"| {r['total_p50'] / c['total_p50']:.1f}x |"
        )
    if ratios:
        lines += [
            "",
            "| backend | turn | TTFT no-cache / cache | reply no-cache / cache |",
            "|---|---|---|---|",
        ]
        lines += ratios
    return "\n".join(lines)


def scripted_backend():
    try:
        from simulator.backends import get_backend
    except ImportError as e:
        return None, f"scripted backend not available yet ({e})"
    backend, notice = get_backend("scripted")
    return backend, notice


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--backend",
        choices=("transformers", "llamacpp"),
        default="transformers",
        help="backend for --model (llamacpp: a .gguf file run by llama.cpp; needs collectsim[llamacpp])",
    )
    ap.add_argument("--model", help="a real model: hub id, folder or .gguf (llamacpp: a .gguf file)")
    ap.add_argument("--runs", type=int, default=3, help="calls per backend (default 3)")
    ap.add_argument("--turns", type=int, default=20, help="turns per call (default 20)")
    ap.add_argument("--threads", type=int, default=None, help="model threads (default: all cores)")
    ap.add_argument(
        "--int8", action="store_true", help="dynamic int8 quantization for --model (transformers)"
    )
    ap.add_argument("--persona", default="zh-vain-owner")
    ap.add_argument(
        "--no-tiny",
        action="store_true",
        help="skip the tiny random transformers model (always skipped for llamacpp)",
    )
    ap.add_argument("--no-baseline", action="store_true", help="skip the no-cache re-encode baseline")
    ap.add_argument("--show", action="store_true", help="print the real model's replies of the first run")
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds between turns with the cache on, as a trainee reads and types (default 0)",
    )
    ap.add_argument(
        "--draft",
        nargs="?",
        const="exact",
        choices=("exact", "edited"),
        help="prefill each next collector line as a draft during the think pause (exact: the line as "
        f"sent; edited: it lacks its last {EDITED_TAIL} characters); needs --think",
    )
    args = ap.parse_args(argv)
    if args.draft and args.think <= 0:
        ap.error("--draft needs --think (the pause in which the trainee types)")

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from simulator.loader import get_persona

    persona = get_persona(args.persona)
    rows: list[dict] = []
    notes: list[str] = []
    shown: list[tuple[str, list[dict]]] = []
    started, _ = rss_mb()
    load_before = os.getloadavg()

    backend, notice = scripted_backend()
    if backend is None:
        notes.append(notice)
    else:
        rows += measure("scripted", backend, persona, max(args.runs, 20), args.turns, baseline=False)[0]

    def model_rows(label: str, model: str, **opts):
        if args.backend == "llamacpp":
            from simulator.backends.llamacpp import LlamaCppBackend as cls
        else:
            from simulator.backends.transformers import TransformersBackend as cls

        t0 = time.perf_counter()
        b = cls(model=model, threads=args.threads, **opts)
        notes.append(f"{label}: {b.describe()}; loaded in {time.perf_counter() - t0:.1f} s")
        try:
            got, first = measure(
                label,
                b,
                persona,
                args.runs,
                args.turns,
                baseline=not args.no_baseline,
                think=args.think,
                draft=args.draft,
            )
            shown.append((label, first))
            return got
        finally:
            b.close()

    if not args.no_tiny and args.backend == "transformers":
        from simulator.backends.transformers import build_tiny_model

        with tempfile.TemporaryDirectory() as tmp:
            rows += model_rows("tiny-qwen2 (random)", str(build_tiny_model(Path(tmp) / "tiny")))
    if args.model:
        label = Path(args.model).name if os.path.exists(args.model) else args.model
        if args.backend == "llamacpp":
            rows += model_rows(label + " llama.cpp", args.model)
        else:
            label += " int8" if args.int8 else ""
            rows += model_rows(label, args.model, int8=args.int8)

    print(
        f"# turn latency: persona {persona.id}, {args.runs} run(s), {os.cpu_count()} cores, think {args.think} s, "
        f"draft {args.draft or 'none'}, "
        f"RSS at start {started:.0f} MB, load average {load_before[0]:.2f} at start and "
        f"{os.getloadavg()[0]:.2f} at the end"
    )
    print(table(rows))
    for n in notes:
        print(f"- {n}")
    model_reply = [
        r for r in rows if r["backend"] not in ("scripted", "tiny-qwen2 (random)") and r["mode"] != "no cache"
    ]
    for r in model_reply:
        print(
            f"- turn {r['turn']}: median reply {r['gen']:g} tokens; per-token ~"
            f"{fmt_s((r['total_p50'] - r['ttft_p50']) / max(1, r['gen'] - 1))} after the first"
        )
    for label, first in shown if args.show else []:
        print(f"\n{label}, replies of the first run:")
        for t in first:
            script = script_for(persona)[0]
            line = script[(t["turn"] - 1) % len(script)][0]
            print(f"  {t['turn']:2d} collector: {line or '(rings)'}\n     debtor [{t['move']}]: {t['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
