-- backend-ls with nvim-lspconfig (Neovim 0.8 to 0.10, or any version with the plugin's legacy
-- `require("lspconfig")` interface). nvim-lspconfig does not ship backend-ls, so this defines it.
-- The server must be on PATH: `python -m pip install backend-ls` in your project's environment.

local configs = require("lspconfig.configs")
local util = require("lspconfig.util")

if not configs.backend_ls then
  configs.backend_ls = {
    default_config = {
      cmd = { "backend-ls", "serve" },
      filetypes = { "python" },
      root_dir = util.root_pattern("pyproject.toml", "setup.cfg", "setup.py", ".git"),
      single_file_support = true,
    },
    docs = {
      description = "backend-ls: architecture-level findings for Python backends.",
    },
  }
end

require("lspconfig").backend_ls.setup({
  -- Optional: answers the server's workspace/configuration request (section "backend-ls"); the
  -- keys are those of [tool.backend-ls] in pyproject.toml and override it.
  -- settings = { ["backend-ls"] = { select = { "ALL" }, severity = { SVC001 = "error" } } },
  on_attach = function(client, bufnr)
    -- Code lenses above route handlers; `vim.lsp.codelens.run()` on a lens line lists the findings.
    if client.server_capabilities.codeLensProvider then
      vim.lsp.codelens.refresh()
      vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "TextChanged" }, {
        buffer = bufnr,
        callback = function()
          vim.lsp.codelens.refresh()
        end,
      })
    end
  end,
})
