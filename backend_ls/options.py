"""Settings: `[tool.backend-ls]` in the nearest pyproject.toml, overridden by editor settings.

Keys are accepted in kebab-case (TOML), snake_case or camelCase (editors); an invalid value is
reported and falls back to its default instead of stopping anything.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEVERITIES = ("error", "warning", "information", "hint")


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("ALL",)  # codes, area prefixes ("SEC") or "ALL"
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)  # code or prefix -> severity
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> codes
    docs_url: str | None = None  # base URL of the rule documents; None: the shipped files
    api_roots: tuple[str, ...] = ("/api",)
    http_timeout: int = 10
    fat_handler_statements: int = 40  # SVC004: a route handler with more statements than this is fat
    debounce_ms: int = 0  # bursts are coalesced anyway: only the newest version is analysed
    # SEC001 / SEC002: entries are words or names, matched against the words of a decorator, a
    # dependency or a path (`login_required` -> "login", "required"); a multi-word entry matches
    # its words in order ("current_user" matches `get_current_active_user`).
    auth_decorators: tuple[str, ...] = (
        "login", "auth", "authenticated", "authentication", "authorize", "authorized", "jwt", "token",
        "permission", "permissions", "perm", "role", "roles", "scope", "scopes", "user_passes_test",
        "staff_member_required", "admin_required", "superuser_required",
    )
    auth_dependencies: tuple[str, ...] = (
        "current_user", "active_user", "superuser", "auth", "authenticate", "authenticated",
        "authorization", "authorize", "authorized", "token", "jwt", "oauth2", "oauth", "login",
        "permission", "permissions", "role", "roles", "scopes", "api_key", "apikey", "bearer",
        "credentials", "verify_user", "require_user",
    )
    public_paths: tuple[str, ...] = (
        "login", "logout", "register", "signup", "sign_up", "signin", "sign_in", "token", "auth",
        "webhook", "health", "healthz", "ping",
    )
    rate_limit_decorators: tuple[str, ...] = ("limit", "shared_limit", "ratelimit", "rate_limit", "rate_limiter", "throttle")
    rate_limited_paths: tuple[str, ...] = (
        "login", "signin", "sign_in", "token", "signup", "sign_up", "register", "password_reset",
        "reset_password", "forgot_password", "otp",
    )
    # DB007: model name -> the column its rows are sharded by (`[tool.backend-ls.sharding]`,
    # `Order = "tenant_id"`); empty: nothing is sharded and DB007 stays silent.
    sharding: dict[str, str] = field(default_factory=dict)
    root: str | None = None  # the folder of the pyproject.toml the settings came from

    def enabled(self, code: str, path: str | None = None) -> bool:
        if not _matches(code, self.select) or _matches(code, self.ignore):
            return False
        if path is not None and self.per_file_ignores:
            relative = _relative(path, self.root)
            for pattern, codes in self.per_file_ignores.items():
                if fnmatch.fnmatch(relative, pattern) and _matches(code, codes):
                    return False
        return True

    def severity_of(self, code: str, default: str | None) -> str | None:
        best = None
        for key, value in self.severity.items():
            if code.startswith(key) and (best is None or len(key) > len(best)):
                best = key
        return self.severity[best] if best is not None else default


def _matches(code: str, selectors) -> bool:
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)


def _relative(path: str, root: str | None) -> str:
    if root:
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()


def _snake(key: str) -> str:
    key = key.replace("-", "_")
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def _string_list(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError("expected a list of strings")


def _severity_map(value) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("expected a table of code = severity")
    result = {}
    for code, severity in value.items():
        if severity not in SEVERITIES:
            raise ValueError(f"severity of {code} must be one of {', '.join(SEVERITIES)}")
        result[str(code)] = severity
    return result


def _per_file_ignores(value) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError("expected a table of glob = [codes]")
    return {str(pattern): _string_list(codes) for pattern, codes in value.items()}


def _positive_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("expected a positive integer")
    return value


def _non_negative_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("expected an integer >= 0")
    return value


def _string_map(value) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()):
        raise ValueError("expected a table of name = \"string\"")
    return dict(value)


def _optional_string(value) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise ValueError("expected a string")


CONVERTERS = {
    "select": _string_list,
    "ignore": _string_list,
    "severity": _severity_map,
    "per_file_ignores": _per_file_ignores,
    "docs_url": _optional_string,
    "api_roots": _string_list,
    "http_timeout": _positive_int,
    "fat_handler_statements": _positive_int,
    "debounce_ms": _non_negative_int,
    "auth_decorators": _string_list,
    "auth_dependencies": _string_list,
    "public_paths": _string_list,
    "rate_limit_decorators": _string_list,
    "rate_limited_paths": _string_list,
    "sharding": _string_map,
}


def apply_overrides(settings: Settings, raw: dict, source: str) -> tuple[Settings, list[str]]:
    """Settings with the valid keys of `raw` applied, and a message for each key that is not."""
    changes, problems = {}, []
    for key, value in (raw or {}).items():
        name = _snake(str(key))
        converter = CONVERTERS.get(name)
        if converter is None:
            problems.append(f"{source}: unknown setting '{key}' is ignored")
            continue
        try:
            changes[name] = converter(value)
        except ValueError as error:
            problems.append(f"{source}: setting '{key}' is ignored: {error}")
    return dataclasses.replace(settings, **changes), problems


def find_pyproject(start: Path) -> Path | None:
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_settings(start: Path) -> tuple[Settings, list[str]]:
    """The settings that apply to a file or folder, from the nearest pyproject.toml."""
    path = find_pyproject(start.resolve())
    if path is None:
        return Settings(), []
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        return Settings(), [f"{path}: cannot be read, defaults apply: {error}"]
    table = data.get("tool", {}).get("backend-ls", {})
    if not isinstance(table, dict):
        return Settings(root=str(path.parent)), [f"{path}: [tool.backend-ls] is not a table"]
    return apply_overrides(Settings(root=str(path.parent)), table, str(path))
