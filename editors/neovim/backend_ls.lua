-- backend-ls for Neovim 0.11+, with the built-in `vim.lsp.config` / `vim.lsp.enable`.
-- Copy this file to ~/.config/nvim/plugin/backend_ls.lua (or paste it into init.lua).
-- The server must be on PATH: `python -m pip install backend-ls` in your project's environment
-- (or set cmd = { "/path/to/venv/bin/python", "-m", "backend_ls", "serve" }).

vim.lsp.config("backend_ls", {
  cmd = { "backend-ls", "serve" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.cfg", "setup.py", ".git" },
  -- Optional: Neovim answers the server's workspace/configuration request (section "backend-ls")
  -- from `settings`. The keys are those of [tool.backend-ls] in pyproject.toml and override it.
  -- (Leave it out rather than empty: Neovim sends an empty Lua table as a JSON list.)
  -- settings = {
  --   ["backend-ls"] = {
  --     select = { "ALL" },
  --     ignore = { "API003" },
  --     severity = { SVC001 = "error" },
  --     ["docs-url"] = "https://docs.example.com/backend-ls/rules",
  --   },
  -- },
})
vim.lsp.enable("backend_ls")

-- Code lenses above route handlers ("GET /api/v1/users/{id} · 2 findings"): Neovim shows them
-- once asked to; `vim.lsp.codelens.run()` on a lens line lists that route's findings.
vim.api.nvim_create_autocmd("LspAttach", {
  group = vim.api.nvim_create_augroup("backend_ls_codelens", { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= "backend_ls" then
      return
    end
    vim.lsp.codelens.refresh({ bufnr = args.buf })
    vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "TextChanged" }, {
      buffer = args.buf,
      group = "backend_ls_codelens",
      callback = function()
        vim.lsp.codelens.refresh({ bufnr = args.buf })
      end,
    })
  end,
})
