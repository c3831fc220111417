"""A real headless Neovim (Debian's `neovim`, 0.7) drives `backend-ls serve` on a fixture project:
the diagnostics it shows, a quick fix applied to its buffer, and its code lenses. The setup files in
editors/neovim are loaded too: their server command, file types and root markers are the ones a
user gets, and the lspconfig one registers the same server.

The Lua below sticks to Neovim 0.7 APIs (`vim.lsp.start_client`, `vim.lsp.buf_attach_client`,
`vim.diagnostic.get`, `vim.lsp.buf_request_sync`, `vim.lsp.util.apply_workspace_edit`); the 0.11
setup's `vim.lsp.config` / `vim.lsp.enable` are replaced by stand-ins that record what it declares.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
EDITORS = REPOSITORY / "editors" / "neovim"
SERVER = [sys.executable, "-m", "backend_ls", "serve"]
TIMEOUT_SECONDS = 120

PYPROJECT = """[tool.backend-ls]
select = ["SVC001"]  # other checks come and go; this test is about the editor
"""

APP = '''import requests
from flask import Flask

app = Flask(__name__)


@app.route("/users/<int:user_id>")
def show_user(user_id):
    profile = requests.get(f"https://profiles.example.com/{user_id}")
    return profile.json()


def ping():
    return requests.post("https://health.example.com/", json={})
'''

DRIVER = r"""
local result = { messages = {}, autocmds = {} }

local function diagnostics_of(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, { code = d.code, lnum = d.lnum, col = d.col, severity = d.severity, source = d.source })
  end
  table.sort(found, function(a, b) return a.lnum < b.lnum end)
  return found
end

local function load_setup()
  -- Stand-ins for what Neovim 0.7 lacks, recording what the 0.11 setup declares.
  local declared, enabled = {}, {}
  local saved = { vim.lsp.config, vim.lsp.enable, vim.api.nvim_create_autocmd, vim.api.nvim_create_augroup }
  vim.lsp.config = function(name, config) declared[name] = config end
  vim.lsp.enable = function(name) table.insert(enabled, name) end
  vim.api.nvim_create_autocmd = function(event, _) table.insert(result.autocmds, event) end
  vim.api.nvim_create_augroup = function() return 0 end
  dofile(os.getenv("SETUP"))
  vim.lsp.config, vim.lsp.enable, vim.api.nvim_create_autocmd, vim.api.nvim_create_augroup = unpack(saved)
  result.enabled = enabled
  local name = enabled[1]
  local config = declared[name]
  result.declared = { name = name, cmd = config.cmd, filetypes = config.filetypes, root_markers = config.root_markers,
                      has_settings = config.settings ~= nil }
  return name, config
end

local function load_lspconfig_setup()
  -- nvim-lspconfig's modules, replaced by stand-ins that record the server it defines.
  local registered, setup_options = {}, nil
  package.preload["lspconfig.configs"] = function() return registered end
  package.preload["lspconfig.util"] = function()
    return { root_pattern = function(...) return { root_pattern = { ... } } end }
  end
  package.preload["lspconfig"] = function()
    return setmetatable({}, { __index = function(_, server)
      return { setup = function(options) setup_options = { server = server, options = options } end }
    end })
  end
  dofile(os.getenv("LSPCONFIG_SETUP"))
  local default = registered.backend_ls.default_config
  result.lspconfig = { cmd = default.cmd, filetypes = default.filetypes, root_pattern = default.root_dir.root_pattern,
                       setup = setup_options.server, on_attach = type(setup_options.options.on_attach) }
end

local function main()
  local name, config = load_setup()
  load_lspconfig_setup()

  vim.cmd("filetype on")
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("FILE")))
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype

  vim.lsp.handlers["window/showMessage"] = function(_, params) table.insert(result.messages, params.message) end
  local client_id = vim.lsp.start_client({
    name = name,
    cmd = vim.fn.json_decode(os.getenv("SERVER")),  -- the test's interpreter, not `backend-ls` from PATH
    root_dir = os.getenv("ROOT"),
    settings = { ["backend-ls"] = { severity = { SVC001 = "error" } } },  -- the shape the setups document
    -- Neovim 0.8+ answers workspace/configuration from `settings`; 0.7 does not offer it, so send
    -- them the way nvim-lspconfig's on_init does.
    on_init = function(client)
      client.notify("workspace/didChangeConfiguration", { settings = client.config.settings })
    end,
  })
  assert(vim.lsp.buf_attach_client(buf, client_id), "the client did not attach")
  local client = vim.lsp.get_client_by_id(client_id)

  -- Settings arrive through workspace/configuration: wait for the diagnostics published with them.
  assert(vim.wait(60000, function()
    local found = diagnostics_of(buf)
    if #found < 2 then return false end
    for _, d in ipairs(found) do
      if d.severity ~= vim.diagnostic.severity.ERROR then return false end
    end
    return true
  end, 50), "no diagnostics with the editor's severity")
  result.before = diagnostics_of(buf)
  local lens_responses = vim.lsp.buf_request_sync(buf, "textDocument/codeLens",
    { textDocument = { uri = vim.uri_from_bufnr(buf) } }, 20000)
  result.lenses_before = {}
  for _, response in pairs(lens_responses or {}) do
    for _, lens in ipairs(response.result or {}) do
      table.insert(result.lenses_before, { line = lens.range.start.line, title = lens.command.title })
    end
  end

  -- The quick fix, asked for as `vim.lsp.buf.code_action()` asks for it, and applied to the buffer.
  local target = result.before[1]
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf), only = { "quickfix" } }
  local responses = assert(vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000))
  local titles, fix = {}, nil
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      table.insert(titles, action.title)
      if fix == nil and action.title:find("^backend%-ls %(SVC001%): ") and not action.title:find("Ignore") then
        fix = action
      end
    end
  end
  result.titles = titles
  assert(fix, "no SVC001 quick fix among the code actions")
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  result.fixed_line = vim.api.nvim_buf_get_lines(buf, target.lnum, target.lnum + 1, false)[1]

  -- The edit reaches the server as didChange; the fixed call's diagnostic goes away.
  assert(vim.wait(60000, function() return #diagnostics_of(buf) == 1 end, 50), "the fixed diagnostic stayed")
  result.after = diagnostics_of(buf)

  -- Code lenses, through Neovim's own code lens module, and the command behind one.
  vim.lsp.codelens.refresh()
  assert(vim.wait(20000, function() return #vim.lsp.codelens.get(buf) > 0 end, 50), "no code lens")
  result.lenses = {}
  for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
    table.insert(result.lenses, { line = lens.range.start.line, title = lens.command and lens.command.title })
  end
  vim.api.nvim_win_set_cursor(0, { result.lenses[1].line + 1, 0 })
  vim.lsp.codelens.run()
  assert(vim.wait(20000, function()
    for _, message in ipairs(result.messages) do
      if message:find("^backend%-ls: GET /users/<int:user_id>") then return true end
    end
    return false
  end, 50), "the lens command showed nothing")

  vim.lsp.stop_client(client_id)
  vim.wait(10000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end

local ok, err = xpcall(main, debug.traceback)
result.ok = ok
result.error = ok and vim.NIL or tostring(err)
local file = assert(io.open(os.getenv("RESULT"), "w"))
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd("qall!")
"""


def find_nvim() -> str:
    """Neovim's path; without it the test skips, except in CI (`CI` set), where it fails."""
    found = shutil.which("nvim")
    if found is None:
        message = "nvim is not installed (Debian: apt-get install -y neovim)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run this test")
        pytest.skip(message)
    return found


def run_driver(nvim: str, tmp_path: Path) -> dict:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "app.py").write_text(APP)
    driver = tmp_path / "driver.lua"
    driver.write_text(DRIVER)
    result_file = tmp_path / "result.json"
    env = dict(
        os.environ,
        SETUP=str(EDITORS / "backend_ls.lua"),
        LSPCONFIG_SETUP=str(EDITORS / "lspconfig.lua"),
        FILE=str(project / "app.py"),
        ROOT=str(project),
        SERVER=json.dumps(SERVER),
        RESULT=str(result_file),
        XDG_STATE_HOME=str(tmp_path / "state"),  # Neovim's LSP log goes there, not in the home folder
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        # The server runs in the project folder: make it import this checkout, as the other tests do.
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")])),
    )
    try:
        run = subprocess.run(
            [nvim, "--headless", "--clean", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {driver}"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"Neovim did not finish in {TIMEOUT_SECONDS}s: {error.stdout!r} {error.stderr!r}")
    assert result_file.exists(), f"Neovim wrote no result (status {run.returncode}): {run.stdout} {run.stderr}"
    result = json.loads(result_file.read_text())
    assert result["ok"], result["error"]
    result["text"] = (project / "app.py").read_text()
    return result


def test_neovim_shows_the_diagnostics_applies_a_fix_and_shows_code_lenses(tmp_path):
    result = run_driver(find_nvim(), tmp_path)

    # What the 0.11 setup declares is what this test started the server with.
    assert result["declared"] == {
        "name": "backend_ls",
        "cmd": ["backend-ls", "serve"],
        "filetypes": ["python"],
        "root_markers": ["pyproject.toml", "setup.cfg", "setup.py", ".git"],
        "has_settings": False,  # documented, commented out: an empty table would reach the server as []
    }
    assert result["enabled"] == ["backend_ls"]
    assert result["autocmds"] == ["LspAttach"]
    assert result["lspconfig"] == {
        "cmd": ["backend-ls", "serve"],
        "filetypes": ["python"],
        "root_pattern": ["pyproject.toml", "setup.cfg", "setup.py", ".git"],
        "setup": "backend_ls",
        "on_attach": "function",
    }
    assert result["filetype"] == "python"

    error = 1  # vim.diagnostic.severity.ERROR: the severity set through workspace/configuration
    assert [(d["code"], d["lnum"], d["col"], d["severity"], d["source"]) for d in result["before"]] == [
        ("SVC001", 8, 14, error, "backend-ls"),
        ("SVC001", 13, 11, error, "backend-ls"),
    ]
    assert "backend-ls (SVC001): Add `timeout=10`" in result["titles"]
    assert "backend-ls (SVC001): Ignore SVC001 on this line" in result["titles"]
    assert result["fixed_line"] == '    profile = requests.get(f"https://profiles.example.com/{user_id}", timeout=10)'
    assert [(d["code"], d["lnum"]) for d in result["after"]] == [("SVC001", 13)]

    # The file on disk is untouched: the fix went to the buffer, as a code action does.
    assert result["text"] == APP

    # A lens above the route's decorator counts the findings in its handler; ping() is not a route.
    assert result["lenses_before"] == [{"line": 6, "title": "GET /users/<int:user_id> · 1 finding"}]
    assert result["lenses"] == [{"line": 6, "title": "GET /users/<int:user_id> · no findings"}]
    shown = [m for m in result["messages"] if m.startswith("backend-ls: GET")]
    assert shown == ["backend-ls: GET /users/<int:user_id>: no findings"]
    assert not [m for m in result["messages"] if "not an object" in m or "ignored" in m]
