"""Measurement: the share of unusable replies per output mode, per misbehaviour of a model.

Three models answer through the real predict path (``predict_match``, the prompt, the parser
and the attempt records), one per output mode (``json_schema``, ``json_object``, ``text``,
each set in the configuration so no refusal lowers it); the shares are read back with
``parse_stats``, the numbers ``scoreline parse-stats`` prints. Against the sandbox each
fault (``prose``, ``think``, ``bad_json`` by default, plus a fault-free baseline) is put on
the three models with probability ``--p``; the sandbox meets ``response_format`` as a
server that constrains decoding would. ``--base-url`` measures another OpenAI-compatible
server instead (llama.cpp's, say), where the faults are the model's own.

    python bench/parse_modes.py [--n 50] [--p 1.0] [--faults none,prose,think,bad_json]
    python bench/parse_modes.py --base-url http://127.0.0.1:8080/v1 --model smollm2 --n 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from predict_job import HEADER, set_fault, start_sandbox

from scoreline import load_config
from scoreline.config import Config
from scoreline.predict import predict_match
from scoreline.store import Database, import_matches, list_attempts, parse_stats

MODES = ("json_schema", "json_object", "text")
DEFAULT_FAULTS = ("none", "prose", "think", "bad_json")


def write_config(work: Path, base_url: str, wire: str | None, timeout_s: float) -> Config:
    """One model per output mode on the server; no auto-disable, no cooldown, no fallback."""
    models = "".join(
        f'[[models]]\nid = "{mode}"\nprovider = "server"\n'
        f'model = "{wire or "bench-" + mode}"\noutput = "{mode}"\ntemperature = 0\n'
        for mode in MODES
    )
    path = work / "parse_modes.toml"
    path.write_text(
        f"""database_url = "sqlite:///{work / "bench.db"}"
reference_models = false
[health]
disable_after = 1000000
[cooldown]
threshold = 1000000
[providers.server]
base_url = "{base_url}"
max_concurrency = {1 if wire else 16}
timeout_s = {timeout_s}
{models}"""
    )
    return load_config(path)


def fresh_store(work: Path, name: str, n: int) -> tuple[Database, list[str], datetime]:
    """A store holding ``n`` matches an hour ahead; the ids and the moment to predict at."""
    db = Database(f"sqlite:///{work / (name + '.db')}")
    db.upgrade()
    kickoff = datetime.now(UTC) + timedelta(hours=1)
    ids = [f"M-{i:04d}" for i in range(n)]
    rows = [
        f"{m},B,Bench League,2026-27,{kickoff:%Y-%m-%dT%H:%M:%SZ},Home {i},Away {i},,,2.1,3.4,3.6\n"
        for i, m in enumerate(ids)
    ]
    (work / f"{name}.csv").write_text(HEADER + "".join(rows))
    import_matches(db, work / f"{name}.csv")
    return db, ids, kickoff - timedelta(minutes=20)


def measure(config: Config, db: Database, ids: list[str], now: datetime) -> list[dict[str, Any]]:
    """Predict every match with the three models; per mode what ``parse_stats`` counts."""
    started = time.perf_counter()
    for match_id in ids:
        asyncio.run(predict_match(db, config, match_id, now=now))
    wall_s = time.perf_counter() - started
    stats = {s.model_id: s for s in parse_stats(db)}
    rows = []
    for mode in MODES:
        entry = stats[mode]
        refused = [a for a in list_attempts(db, model_id=mode, limit=10_000) if a.http_status]
        errors = sorted({a.error_class or "" for a in refused if a.http_status != 200})
        rows.append(
            {
                "mode": mode,
                "attempts": entry.attempts,
                "replies": entry.replies,
                "parsed": entry.parsed,
                "empty": entry.empty,
                "unparseable": dict(sorted(entry.unparseable.items())),
                "no_reply": entry.attempts - entry.replies,
                "no_reply_errors": errors,
                "share": entry.share if entry.replies else None,
                "usable": entry.parsed / entry.attempts if entry.attempts else 0.0,
                "wall_s": round(wall_s, 2),
                "example": _example(db, mode),
            }
        )
    return rows


def _example(db: Database, mode: str) -> str | None:
    """The newest unusable reply of a mode, its verdict and reason first (``--examples``)."""
    for a in list_attempts(db, model_id=mode, failed=True, limit=50):
        if a.reply_text is not None and a.http_status == 200:
            flat = " ".join(a.reply_text.split())[:200]
            return f"[{a.parse_verdict}: {a.parse_reason}] {flat}"
    return None


def run_sandbox(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    sandbox, base_url = start_sandbox(0.0)
    try:
        config = write_config(work, base_url, None, 10.0)
        results = []
        for fault in args.faults:
            for mode in MODES:
                spec = None if fault == "none" else {"mode": fault, "p": args.p}
                set_fault(base_url, f"bench-{mode}", spec)
            db, ids, now = fresh_store(work, fault, args.n)
            results += [{"fault": fault, **row} for row in measure(config, db, ids, now)]
            db.dispose()
        return results
    finally:
        sandbox.terminate()
        sandbox.wait(10)


def run_server(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    config = write_config(work, args.base_url, args.model, args.timeout_s)
    db, ids, now = fresh_store(work, "server", args.n)
    rows = [{"fault": f"server {args.model}", **row} for row in measure(config, db, ids, now)]
    db.dispose()
    return rows


def table(rows: list[dict[str, Any]], examples: bool = False) -> str:
    head = (
        f"{'fault':<18} {'mode':<12} {'calls':>5} {'replies':>7} {'parsed':>6} "
        f"{'unusable share':>14} {'usable/calls':>12}  why unusable / no reply"
    )
    lines = [head]
    for r in rows:
        share = "n/a" if r["share"] is None else f"{r['share'] * 100:.1f} %"
        why = [f"{k} {v}" for k, v in r["unparseable"].items()]
        why += [f"empty {r['empty']}"] if r["empty"] else []
        why += [f"no reply {r['no_reply']} ({', '.join(r['no_reply_errors'])})"] * bool(
            r["no_reply"]
        )
        lines.append(
            f"{r['fault']:<18} {r['mode']:<12} {r['attempts']:>5} {r['replies']:>7} "
            f"{r['parsed']:>6} {share:>14} {r['usable'] * 100:>11.1f}%  {'; '.join(why)}"
        )
        if examples and r["example"]:
            lines.append(f"{'':<18} e.g. {r['example']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="matches predicted per fault")
    parser.add_argument("--p", type=float, default=1.0, help="probability of each fault")
    parser.add_argument("--faults", default=",".join(DEFAULT_FAULTS), help="sandbox faults")
    parser.add_argument("--base-url", help="measure this server instead of the sandbox")
    parser.add_argument("--model", default="smollm2", help="its model name (with --base-url)")
    parser.add_argument("--timeout-s", type=float, default=120.0, help="per call (--base-url)")
    parser.add_argument("--examples", action="store_true", help="show an unusable reply per row")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    args.faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    logging.getLogger("scoreline").setLevel(logging.ERROR)  # a warning per failed match
    with tempfile.TemporaryDirectory() as tmp:
        run = run_server if args.base_url else run_sandbox
        rows = run(args, Path(tmp))
    print(json.dumps(rows, indent=1) if args.json else table(rows, args.examples))


if __name__ == "__main__":
    main()
