"""`backend-ls serve | check | routes | rules`: argument parsing, logging and exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import nullcontext
from pathlib import Path

from backend_ls import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# From this many files, `check` shares the checks out among forked copies of itself (backend_ls/forked.py).
FORKED_CHECKS_FROM_FILES = 64


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backend-ls", description="Backend architecture checks for Python.")
    parser.add_argument("--version", action="version", version=f"backend-ls {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead (for debugging)")
    serve.add_argument("--log-file", help="also write the log to this file")
    serve.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")

    check = commands.add_parser("check", help="lint files and folders")
    check.add_argument("paths", nargs="*", default=["."], type=Path)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--select", help="comma-separated codes or prefixes to enable")
    check.add_argument("--ignore", help="comma-separated codes or prefixes to disable")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes to the files")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix, apply the unsafe fixes too")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the facts cache")

    routes = commands.add_parser("routes", help="list the routes found in files and folders")
    routes.add_argument("paths", nargs="*", default=["."], type=Path)
    routes.add_argument("--format", choices=("text", "json"), default="text")
    routes.add_argument("--no-cache", action="store_true", help="do not read or write the facts cache")

    rules = commands.add_parser("rules", help="list the checks, or print one check's document")
    rules.add_argument("code", nargs="?")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:
        return EXIT_ERROR if exit.code else EXIT_CLEAN
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "check":
            return check(args)
        if args.command == "routes":
            return routes(args)
        return rules(args)
    except BrokenPipeError:
        return EXIT_CLEAN
    except KeyboardInterrupt:
        return EXIT_ERROR


def _error(message: str) -> None:
    print(f"backend-ls: {message}", file=sys.stderr)


def serve(args) -> int:
    level = logging.WARNING - 10 * min(args.verbose, 2)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if args.log_file:
        handlers.append(logging.FileHandler(args.log_file))
    logging.basicConfig(level=level, handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from backend_ls.server import create_server

    server = create_server()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            _error(f"--tcp expects HOST:PORT, got {args.tcp!r}")
            return EXIT_ERROR
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        from backend_ls.lsp.stdio import serve_stdio

        serve_stdio(server)
    return EXIT_CLEAN


def _missing(paths: list[Path]) -> list[Path]:
    return [path for path in paths if not path.exists()]


def _index_paths(paths: list[Path], use_cache: bool):
    """Facts of every file under `paths`, indexed together so checks can look across files."""
    from backend_ls.files import python_files
    from backend_ls.index import WorkspaceIndex, default_cache_dir, index_executor

    roots = sorted({path if path.is_dir() else path.parent for path in paths})
    index = WorkspaceIndex(roots, cache_dir=default_cache_dir() if use_cache else None)
    files = python_files(paths)
    with index_executor(len(files), fork=True) as executor:
        results = index.build(files, executor)
    return index, results


def check(args) -> int:
    from backend_ls import run_cache
    from backend_ls.files import python_files

    missing = _missing(args.paths)
    if missing:
        _error(f"no such file or folder: {', '.join(map(str, missing))}")
        return EXIT_ERROR
    overrides = {}
    if args.select:
        overrides["select"] = [c.strip() for c in args.select.split(",") if c.strip()]
    if args.ignore:
        overrides["ignore"] = [c.strip() for c in args.ignore.split(",") if c.strip()]
    # A run over files that have not changed since the last one answers from the run cache, before
    # the engine is even imported.
    cache_dir = None if args.no_cache or args.fix else run_cache.cache_root()
    key = run_cache.run_key(python_files(args.paths), repr(sorted(overrides.items()))) if cache_dir else None
    printed = run_cache.load_report(cache_dir, key, args.format)
    if printed is not None:
        has_findings, report = printed
        sys.stdout.write(report)
        return EXIT_FINDINGS if has_findings else EXIT_CLEAN
    cached = run_cache.load(cache_dir, key)
    if cached is not None:
        return _report(cached, args.format, failed=False, keep_in=(cache_dir, key))
    from backend_ls.analysis import analyse_text, check_facts
    from backend_ls.fixes import apply_fixes
    from backend_ls.collection import collection_paused
    from backend_ls.forked import map_forked
    from backend_ls.options import apply_overrides, load_settings
    from backend_ls.rules.base import Applicability
    from backend_ls.rules.registry import load_rules

    threshold = Applicability.UNSAFE if args.unsafe_fixes else Applicability.SAFE
    ruleset = load_rules()
    for problem in ruleset.errors:
        _error(problem)
    index, files = _index_paths(args.paths, not args.no_cache)
    # Each file with the settings of its folder, and the problems of those settings where the
    # folder first comes up, so the messages come out in the order of a run one file at a time.
    planned: list[tuple[object, object, list[str]]] = []
    settings_cache: dict[Path, object] = {}
    for result in files:
        if result.facts is None:
            planned.append((result, None, []))
            continue
        folder, problems = Path(result.path).resolve().parent, []
        if folder not in settings_cache:
            settings, problems = load_settings(folder)
            settings_cache[folder], _ = apply_overrides(settings, overrides, "command line")
        planned.append((result, settings_cache[folder], problems))

    def check_file(result, settings) -> tuple[list, list[str]]:
        path, text = Path(result.path), result.text
        analysis = check_facts(result.facts, text.splitlines(keepends=True), settings, ruleset, index)
        if args.fix:
            original = text
            for _ in range(5):  # fixes can make room for others; stop when nothing changes
                fixes = [f.fix for f in analysis.findings if f.fix and f.fix.applicability >= threshold]
                new_text, applied = apply_fixes(text, fixes)
                if not applied or new_text == text:
                    break
                text = new_text
                analysis = analyse_text(text, str(path), settings, ruleset, index)
            if text != original:
                path.write_text(text, encoding="utf-8")
        return list(analysis.findings), list(analysis.problems)

    checkable = [(result, settings) for result, settings, _ in planned if settings is not None]
    # Checks and reports make many objects and no garbage cycles; fixes parse again, and do.
    with nullcontext() if args.fix else collection_paused():
        if args.fix or len(checkable) < FORKED_CHECKS_FROM_FILES:
            checked = [check_file(result, settings) for result, settings in checkable]
        else:
            # The index is built and its pool shut down: copies of this process check the files.
            checked = map_forked(lambda job: check_file(*job), checkable, os.cpu_count() or 1)
        answers = iter(checked)
        results, failed = [], False
        for result, settings, problems in planned:
            if result.facts is None:
                _error(result.error or f"{Path(result.path)}: cannot be analysed")
                failed = failed or result.text is None
                continue
            for problem in problems:
                _error(problem)
            findings, analysis_problems = next(answers)
            for problem in analysis_problems:
                _error(problem)
            path = Path(result.path).as_posix()
            results.extend((path, finding) for finding in findings)
        cacheable = not failed and not ruleset.errors
        if cacheable:
            run_cache.store(cache_dir, key, results)
        return _report(results, args.format, failed, keep_in=(cache_dir, key) if cacheable else None)


def _report(results, output_format: str, failed: bool, keep_in: tuple | None = None) -> int:
    """Print the report; `keep_in`: the run cache's folder and key, to keep it as printed."""
    from backend_ls import run_cache
    from backend_ls.report.formats import as_json, as_text

    report = as_json(results) if output_format == "json" else as_text(results)
    sys.stdout.write(report)
    if keep_in is not None:
        run_cache.store_report(*keep_in, output_format, bool(results), report)
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if results else EXIT_CLEAN


def routes(args) -> int:
    missing = _missing(args.paths)
    if missing:
        _error(f"no such file or folder: {', '.join(map(str, missing))}")
        return EXIT_ERROR
    index, files = _index_paths(args.paths, not args.no_cache)
    table, failed = [], False
    for result in files:
        if result.facts is None:
            _error(result.error or f"{result.path}: cannot be analysed")
            failed = failed or result.text is None
            continue
        path = Path(result.path)
        module = index.module_of(result.path)
        module_name = module.names[0] if module and module.names else path.stem
        for route in index.routes_of(result.path, result.facts):
            for method in route.methods or ("ANY",):
                table.append(
                    {
                        "method": method,
                        "path": route.path if route.path is not None else "<dynamic>",
                        "handler": f"{module_name}.{route.handler}",
                        "file": path.as_posix(),
                        "line": route.anchor.start[0],
                        "framework": route.framework,
                    }
                )
    if args.format == "json":
        sys.stdout.write(json.dumps(table, indent=2) + "\n")
    else:
        for row in table:
            print(f"{row['method']:<7} {row['path']:<40} {row['handler']}  ({row['file']}:{row['line']})")
    return EXIT_ERROR if failed else EXIT_CLEAN


def rules(args) -> int:
    from backend_ls.rules.registry import load_rules

    ruleset = load_rules()
    for problem in ruleset.errors:
        _error(problem)
    if args.code:
        code = args.code.upper()
        document = ruleset.document(code) or next(
            (rule.document for rule in ruleset.rules.values() if rule.document.id == args.code), None
        )
        if document is None:
            _error(f"no rule {args.code}; `backend-ls rules` lists them")
            return EXIT_ERROR
        sys.stdout.write(document.path.read_text(encoding="utf-8"))
        return EXIT_CLEAN
    rows = [
        {
            "code": code,
            "rule": rule.document.id,
            "title": rule.document.title,
            "area": rule.document.area,
            "severity": rule.document.severity,
            "fix": rule.document.fix,
        }
        for code, rule in sorted(ruleset.rules.items())
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        for row in rows:
            print(f"{row['code']:<8} {row['rule']:<30} {row['severity']:<12} fix:{row['fix']:<7} {row['title']}")
    return EXIT_CLEAN
