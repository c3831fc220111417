"""The command line: the same engine as the server, for CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BAD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def run(*args, cwd: Path):
    return subprocess.run(
        [sys.executable, "-m", "backend_ls", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_check_text_and_exit_codes(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "good.py").write_text("x = 1\n")
    result = run("check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "bad.py:5:12: SVC001 `requests.get` has no timeout and can hang the worker; pass `timeout=`.\n"
    clean = run("check", "good.py", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_check_json(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    result = run("check", "bad.py", "--format", "json", cwd=tmp_path)
    assert json.loads(result.stdout) == [
        {
            "path": "bad.py",
            "line": 5,
            "column": 12,
            "end_line": 5,
            "end_column": 29,
            "code": "SVC001",
            "rule": "http-without-timeout",
            "severity": "warning",
            "message": "`requests.get` has no timeout and can hang the worker; pass `timeout=`.",
            "fix": {"title": "Add `timeout=10`", "safety": "safe"},
        }
    ]


def test_usage_and_io_errors_exit_2(tmp_path):
    missing = run("check", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and "no such file or folder: nowhere" in missing.stderr
    assert run("check", "--format", "xml", cwd=tmp_path).returncode == 2
    (tmp_path / "latin1.py").write_bytes(b"name = '\xe9t\xe9'\n")
    unreadable = run("check", "latin1.py", cwd=tmp_path)
    assert unreadable.returncode == 2 and "latin1.py: cannot be read" in unreadable.stderr


def test_folders_skip_gitignored_and_tool_folders(tmp_path):
    for folder in ("app", ".venv/lib", "build", "generated", "node_modules/x"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "calls.py").write_text(BAD)
    (tmp_path / ".gitignore").write_text("generated/\n*.tmp.py\n")
    (tmp_path / "app" / "scratch.tmp.py").write_text(BAD)
    result = run("check", ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["app/calls.py"]


def test_ignore_comment_select_ignore_and_pyproject(tmp_path):
    (tmp_path / "bad.py").write_text(BAD.replace("get(url)", "get(url)  # backend-ls: ignore[SVC001]"))
    assert run("check", "bad.py", cwd=tmp_path).returncode == 0
    (tmp_path / "bad.py").write_text(BAD)
    assert run("check", "bad.py", "--ignore", "SVC", cwd=tmp_path).returncode == 0
    assert run("check", "bad.py", "--select", "API", cwd=tmp_path).returncode == 0
    (tmp_path / "pyproject.toml").write_text('[tool.backend-ls]\nignore = ["SVC001"]\n')
    assert run("check", "bad.py", cwd=tmp_path).returncode == 0


def test_fix_applies_safe_fixes_only_when_asked(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(BAD)
    run("check", "bad.py", cwd=tmp_path)
    assert path.read_text() == BAD, "check without --fix must not write"
    result = run("check", "bad.py", "--fix", cwd=tmp_path)
    assert result.returncode == 0
    assert path.read_text() == BAD.replace("get(url)", "get(url, timeout=10)")


def test_rules_list_and_document(tmp_path):
    listing = run("rules", cwd=tmp_path)
    assert listing.returncode == 0 and "SVC001" in listing.stdout
    document = run("rules", "SVC001", cwd=tmp_path)
    assert document.stdout.startswith("---\nid: \"http-without-timeout\"")
    assert run("rules", "XYZ999", cwd=tmp_path).returncode == 2


def test_routes_json(tmp_path):
    (tmp_path / "app.py").write_text(
        "from flask import Flask, Blueprint\n"
        "app = Flask(__name__)\n"
        "bp = Blueprint('users', __name__, url_prefix='/users')\n"
        "@bp.route('/<int:id>', methods=['GET', 'DELETE'])\n"
        "def user(id):\n    pass\n"
        "app.register_blueprint(bp, url_prefix='/api/v1/users')\n"
    )
    result = run("routes", "app.py", "--format", "json", cwd=tmp_path)
    assert json.loads(result.stdout) == [
        {"method": "GET", "path": "/api/v1/users/<int:id>", "handler": "app.user", "file": "app.py", "line": 4, "framework": "flask"},
        {"method": "DELETE", "path": "/api/v1/users/<int:id>", "handler": "app.user", "file": "app.py", "line": 4, "framework": "flask"},
    ]


def test_a_second_run_answers_from_the_run_cache_and_sees_changes(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(BAD)
    (project / "other.py").write_text("x = 1\n")

    def check():
        return subprocess.run(
            [sys.executable, "-m", "backend_ls", "check", ".", "--format", "json"],
            cwd=project, env=env, capture_output=True, text=True, timeout=60,
        )

    first, second = check(), check()
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout and json.loads(first.stdout)
    assert list((tmp_path / "cache" / "backend-ls" / "runs").rglob("*")), "the run was not cached"
    (project / "other.py").write_text(BAD)  # another file changes: the run is done again
    third = check()
    assert sorted(f["path"] for f in json.loads(third.stdout)) == ["app.py", "other.py"]
    (project / "pyproject.toml").write_text('[tool.backend-ls]\nignore = ["SVC001"]\n')
    assert check().returncode == 0


def test_the_same_command_again_prints_the_kept_report(tmp_path):
    """A run keeps its report as printed: the same command again writes it out without the
    findings (they are not even loaded), and another format is made from the kept findings."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(BAD)

    def check(*options):
        return subprocess.run(
            [sys.executable, "-m", "backend_ls", "check", ".", *options],
            cwd=project, env=env, capture_output=True, text=True, timeout=60,
        )

    uncached = check("--format", "json", "--no-cache")
    first = check("--format", "json")
    runs = tmp_path / "cache" / "backend-ls" / "runs"
    reports = list(runs.rglob("*.json"))
    assert len(reports) == 1 and first.stdout == uncached.stdout
    findings = reports[0].with_suffix("")
    findings.unlink()  # only the printed report is left
    again = check("--format", "json")
    assert (again.returncode, again.stdout) == (1, uncached.stdout)
    assert not findings.exists(), "the run was done again"
    assert check("--format", "text").stdout == check("--format", "text", "--no-cache").stdout
    (project / "app.py").write_text("x = 1\n")
    assert [check("--format", "json").returncode for _ in range(2)] == [0, 0]
    assert check("--format", "json").stdout == "[]\n"


def _mixed_project(root: Path) -> None:
    """Findings in many files, a folder whose pyproject has a problem, an unreadable file."""
    root.mkdir()
    for n in range(7):
        (root / f"calls{n}.py").write_text(BAD + f"\n\ndef other{n}(url):\n    return requests.post(url)\n")
    (root / "sub").mkdir()
    (root / "sub" / "pyproject.toml").write_text('[tool.backend-ls]\nnot_a_setting = 1\n')
    for n in range(3):
        (root / "sub" / f"more{n}.py").write_text(BAD)
    (root / "sub" / "latin1.py").write_bytes(b"name = '\xe9t\xe9'\n")


def test_forked_checks_answer_as_checks_in_one_process(tmp_path, monkeypatch, capsys):
    """Over many files `check` shares the checks out among forked copies of itself: the output,
    messages, exit status and the run cache are those of a run in one process."""
    import threading

    from backend_ls import cli, forked

    _mixed_project(tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    forks = []
    real_fork = os.fork

    def counted_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(forked.os, "fork", counted_fork)
    answers = {}
    for name, threshold in (("serial", 10**9), ("forked", 2)):
        monkeypatch.setattr(cli, "FORKED_CHECKS_FROM_FILES", threshold)
        for output in ("text", "json"):
            monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{name}-{output}"))
            status = cli.main(["check", ".", "--format", output])
            answers[name, output] = (status, *capsys.readouterr())
    assert threading.active_count() == 1 and forks, "the checks were not forked"
    for output in ("text", "json"):
        assert answers["forked", output] == answers["serial", output]
        status, stdout, stderr = answers["forked", output]
        assert status == 2 and stdout.count("SVC001") == 17
        assert "latin1.py: cannot be read" in stderr and "unknown setting 'not_a_setting'" in stderr


def test_map_forked_keeps_the_order_and_reports_failures():
    import pytest

    from backend_ls.forked import map_forked

    assert map_forked(lambda n: n * n, list(range(11)), 3) == [n * n for n in range(11)]
    assert map_forked(lambda n: n, [], 2) == []

    def fails_on(bad):
        def function(n):
            if n == bad:
                raise ValueError(f"failed on {n}")
            return n

        return function

    with pytest.raises(RuntimeError, match="ValueError: failed on 7"):
        map_forked(fails_on(7), list(range(10)), 2)  # 7 is the child's
    with pytest.raises(ValueError, match="failed on 4"):
        map_forked(fails_on(4), list(range(10)), 2)  # 4 is this process's: the child is ended
