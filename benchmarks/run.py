"""backend-ls benchmarks: keystroke latency side by side with ruff's server, first diagnostics,
workspace index build (cold and warm) with keystrokes during the build, server peak memory, and CLI
throughput, with the most a cold run could reach on the machine (ceiling.py). Prints figures;
asserts nothing.

    python -m pip install -r benchmarks/requirements.txt   # ruff, for the comparison
    python benchmarks/run.py [--quick] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import write_module, write_workspace  # noqa: E402
from lsp_client import LspClient, peak_memory_mb  # noqa: E402

BACKEND_LS = [sys.executable, "-m", "backend_ls", "serve"]
RUFF = ["ruff", "server"]
RUFF_OPTIONS = {"settings": {"lint": {"select": ["E4", "E7", "E9", "F"]}}}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def body_lines(text: str) -> list[tuple[int, int]]:
    """(line, column) after the first name of statements inside function bodies: where an edit
    keeps the code valid (`record` -> `recordx`) and touches one definition only."""
    spots = []
    for number, line in enumerate(text.splitlines()):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if indent >= 4 and stripped[:1].isalpha() and not stripped.startswith(("def ", "return", "for ", "if ", "id =", "owner_id", "name =", "price =", "status =", "items =")):
            name_end = indent
            while name_end < len(line) and (line[name_end].isalnum() or line[name_end] == "_"):
                name_end += 1
            if name_end > indent and line[name_end:name_end + 3] == " = ":
                spots.append((number, name_end))
    return spots


# A keystroke every 100 ms: typing at about 120 words a minute.
TYPING_PAUSE_S = 0.1


async def keystrokes(client: LspClient, uri: str, text: str, count: int, start_version: int, seed: int = 7, pause: float = 0.0):
    """Single-character edits (insert, then delete) inside function bodies; the latency of each is
    the time from sending didChange to the delivery of the publishDiagnostics of that version, and
    apart from it, to when this client had decoded it (`lsp_client.py`).

    `pause`: how long the client waits before each edit. Without one, each edit follows the last
    one's diagnostics as soon as the client has decoded them, and how long the server sat idle in
    between depends on how much it sent (nothing from ruff, 340 diagnostics from backend-ls at
    2,000 lines); a server that has sat idle starts its next keystroke on a cold processor. At
    typing pace both servers always have."""
    spots = random.Random(seed).sample(body_lines(text), k=count // 2)
    delivered, decoded = [], []
    version = start_version
    for line, column in spots:
        for text_change, remove in (("x", 0), ("", 1)):
            version += 1
            if pause:
                await asyncio.sleep(pause)
            sent = time.perf_counter()
            client.change(uri, version, line, column, text_change, remove)
            at, read = await client.diagnostics_for(uri, version)
            delivered.append((at - sent) * 1000)
            decoded.append((read - sent) * 1000)
    return delivered, decoded, version


async def editor_session(command, options, path: Path, edits: int, env=None) -> dict:
    client = LspClient(command, env)
    await client.start()
    await client.initialize(path.parent.as_uri(), options)
    text = path.read_text()
    uri = path.as_uri()
    sent = time.perf_counter()
    client.open(uri, text, 1)
    arrived, _ = await client.diagnostics_for(uri, 1)
    first = (arrived - sent) * 1000
    latencies, decoded, version = await keystrokes(client, uri, text, edits, 1)
    # The same edits again, at typing pace.
    paced, _, _ = await keystrokes(client, uri, text, edits, version, pause=TYPING_PAUSE_S)
    memory = peak_memory_mb(client.pid)
    await client.stop()
    return {
        "first_diagnostics_ms": first,
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
        "decoded_p50_ms": percentile(decoded, 0.5),
        "decoded_p95_ms": percentile(decoded, 0.95),
        "paced_p50_ms": percentile(paced, 0.5),
        "paced_p95_ms": percentile(paced, 0.95),
        "peak_mb": memory,
        "edits": len(latencies),
    }


def resident_mb(pid: int) -> float:
    """The resident set of a process now (Linux VmRSS), in MB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children_of(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
    except OSError:
        pass
    return found


async def sample_workers(pid: int, peak: list[float]) -> None:
    """The server's own peak (VmHWM) leaves out its index workers, separate processes: their
    resident sets are summed every 100 ms and the largest sum kept in `peak[0]`."""
    while True:
        peak[0] = max(peak[0], sum(resident_mb(child) for child in children_of(pid)))
        await asyncio.sleep(0.1)


async def index_session(root: Path, cache: Path, open_file: Path, edits: int) -> dict:
    """Start on a workspace, time the index build, and type in an open file while it builds."""
    env = {"XDG_CACHE_HOME": str(cache)}
    client = LspClient(BACKEND_LS, env)
    await client.start()
    workers = [0.0]
    sampling = asyncio.create_task(sample_workers(client.pid, workers))
    started = time.perf_counter()
    await client.initialize(root.as_uri(), {})
    text = open_file.read_text()
    uri = open_file.as_uri()
    client.open(uri, text, 1)
    await client.diagnostics_for(uri, 1)
    latencies = []
    version = 1
    while not client.progress_ended.is_set() and len(latencies) < edits:
        batch, _, version = await keystrokes(client, uri, text, 2, version, seed=version)
        latencies += batch
    await asyncio.wait_for(client.progress_ended.wait(), 600)
    build = time.perf_counter() - started
    memory = peak_memory_mb(client.pid)
    # Once built, checks read the whole index (routes and lookups of every module): the memory a
    # session keeps shows after a keystroke.
    await keystrokes(client, uri, text, 2, version, seed=version + 1)
    after = peak_memory_mb(client.pid)
    resident = resident_mb(client.pid)
    sampling.cancel()
    await client.stop()
    result = {"build_s": build, "peak_mb": memory, "peak_after_mb": after, "resident_after_mb": resident, "workers_peak_mb": workers[0]}
    if latencies:
        result.update({"during_build_p50_ms": percentile(latencies, 0.5), "during_build_p95_ms": percentile(latencies, 0.95), "during_build_edits": len(latencies)})
    return result


def cli_throughput(root: Path, cache: Path) -> dict:
    lines = sum(p.read_text().count("\n") for p in root.rglob("*.py"))
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    figures = {"lines": lines}
    for label in ("cold", "warm"):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "backend_ls", "check", str(root), "--format", "json"], env=env, capture_output=True)
        elapsed = time.perf_counter() - started
        figures[f"{label}_s"] = elapsed
        figures[f"{label}_lines_per_s"] = lines / elapsed
    return figures


def cli_ceiling(root: Path) -> dict:
    """What a cold run could reach at best on this machine (ceiling.py), in a process of its own:
    it forks, and this one has run event loops and their threads."""
    ceiling = Path(__file__).with_name("ceiling.py")
    run = subprocess.run([sys.executable, str(ceiling), str(root), "--json"], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"ceiling.py failed: {run.stderr.strip()}", file=sys.stderr)
        return {}
    return json.loads(run.stdout)


def compile_bytecode() -> None:
    """backend-ls' bytecode, compiled as installing it leaves it (pip compiles a package when it
    installs it). A checkout installed in editable mode under PYTHONDONTWRITEBYTECODE=1 never gets
    any, and every process the benchmark starts (servers, index workers, the CLI) compiled the
    whole package again: about 0.3 s each on the 2-core machine."""
    import compileall

    import backend_ls

    compileall.compile_dir(str(Path(backend_ls.__file__).parent), quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer edits and a 200-file workspace")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-ruff", action="store_true", help="skip the comparison with ruff server")
    args = parser.parse_args()
    edits = 20 if args.quick else 60
    files = 200 if args.quick else 1000
    have_ruff = shutil.which("ruff") is not None and not args.no_ruff
    results: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}}
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="backend-ls-bench-") as scratch:
        scratch = Path(scratch)
        for size in (2000, 10000):
            module = write_module(scratch / f"module{size}" / f"orders{size}.py", size)
            cache = scratch / f"cache{size}"
            row = {"backend-ls": asyncio.run(editor_session(BACKEND_LS, {}, module, edits, {"XDG_CACHE_HOME": str(cache)}))}
            if have_ruff:
                row["ruff"] = asyncio.run(editor_session(RUFF, RUFF_OPTIONS, module, edits))
                row["p95_ratio"] = row["backend-ls"]["p95_ms"] / max(row["ruff"]["p95_ms"], 1e-9)
                row["decoded_p95_ratio"] = row["backend-ls"]["decoded_p95_ms"] / max(row["ruff"]["decoded_p95_ms"], 1e-9)
                row["paced_p95_ratio"] = row["backend-ls"]["paced_p95_ms"] / max(row["ruff"]["paced_p95_ms"], 1e-9)
            results[f"module_{size}"] = row
            print_module(size, row)
        root = write_workspace(scratch / "workspace", files=files)
        cache = scratch / "index-cache"
        open_file = next(iter(sorted((root / "shop").glob("part0*.py"))))
        results["index_cold"] = asyncio.run(index_session(root, cache, open_file, edits))
        results["index_warm"] = asyncio.run(index_session(root, cache, open_file, 0))
        print_index(files, results)
        results["cli"] = cli_throughput(root, scratch / "cli-cache")
        results["cli"]["ceiling"] = cli_ceiling(root)
        print_cli(results["cli"])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


def print_module(size: int, row: dict) -> None:
    ours = row["backend-ls"]
    print(f"\n{size}-line module ({ours['edits']} single-character edits inside function bodies, then the same at typing pace)")
    print(f"  {'server':<12} {'first diag':>11} {'p50':>9} {'p95':>9} {'decoded p50 / p95':>19} {'typing pace p50 / p95':>23} {'peak MB':>8}")
    for name in ("backend-ls", "ruff"):
        if name in row:
            r = row[name]
            decoded = f"{r['decoded_p50_ms']:.1f} / {r['decoded_p95_ms']:.1f}ms"
            paced = f"{r['paced_p50_ms']:.1f} / {r['paced_p95_ms']:.1f}ms"
            print(f"  {name:<12} {r['first_diagnostics_ms']:>9.1f}ms {r['p50_ms']:>7.1f}ms {r['p95_ms']:>7.1f}ms {decoded:>19} {paced:>23} {r['peak_mb'] or 0:>8.0f}")
    if "p95_ratio" in row:
        print(
            f"  keystroke p95 ratio backend-ls / ruff: {row['p95_ratio']:.2f}x "
            f"(decoded by the client: {row['decoded_p95_ratio']:.2f}x; at typing pace: {row['paced_p95_ratio']:.2f}x)"
        )


def print_index(files: int, results: dict) -> None:
    cold, warm = results["index_cold"], results["index_warm"]
    peak = max(cold["peak_after_mb"] or 0, warm["peak_after_mb"] or 0)
    print(f"\n{files}-file workspace index")
    print(f"  cold build {cold['build_s']:.1f}s, warm build {warm['build_s']:.1f}s, server peak {peak:.0f} MB")
    print(
        f"  server peak during the build / after a keystroke once built: cold {cold['peak_mb'] or 0:.0f} / "
        f"{cold['peak_after_mb'] or 0:.0f} MB, warm {warm['peak_mb'] or 0:.0f} / {warm['peak_after_mb'] or 0:.0f} MB; "
        f"index workers (other processes) up to {cold['workers_peak_mb']:.0f} MB cold, {warm['workers_peak_mb']:.0f} MB warm"
    )
    if "during_build_p95_ms" in cold:
        print(f"  keystrokes during the cold build: p50 {cold['during_build_p50_ms']:.1f}ms, p95 {cold['during_build_p95_ms']:.1f}ms ({cold['during_build_edits']} edits)")


def print_cli(cli: dict) -> None:
    print(f"\nCLI check over {cli['lines']:,} lines")
    print(f"  cold {cli['cold_s']:.1f}s ({cli['cold_lines_per_s']:,.0f} lines/s), warm {cli['warm_s']:.1f}s ({cli['warm_lines_per_s']:,.0f} lines/s)")
    ceiling = cli.get("ceiling")
    if ceiling:
        print(
            f"  at best, cold ({ceiling['processes']} processes, no cache, no checks, no report): parsing alone "
            f"{ceiling['parse_lines_per_s']:,.0f} lines/s, parsing and facts {ceiling['parse_and_facts_lines_per_s']:,.0f} lines/s"
        )


if __name__ == "__main__":
    raise SystemExit(main())
