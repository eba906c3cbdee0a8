-- Default client configuration for fz-lsp, shared by require('flowzap').setup()
-- and by lsp/flowzap.lua (Neovim 0.11+ `vim.lsp.enable('flowzap')`).
local M = {}

M.name = 'flowzap'

-- The server reads the same object from the `fz-lsp` settings section and from
-- initializationOptions. Sending it at initialize as well means the first
-- diagnostics already use the user's severities and debounce.
local function mirror_settings(params, config)
  local section = config.settings and config.settings['fz-lsp']
  if params.initializationOptions == nil and type(section) == 'table' and next(section) ~= nil then
    params.initializationOptions = section
  end
end

--- A fresh copy of the defaults (a vim.lsp.Config / start_client config).
--- The command is `fz-lsp` on PATH, else the one :FlowZapInstall put in
--- Neovim's data directory.
function M.defaults()
  return {
    name = M.name,
    cmd = (require('flowzap.install').server_cmd()),
    filetypes = { 'flowzap' },
    root_markers = { '.fz-lsp.toml', 'pyproject.toml', '.git' },
    settings = { ['fz-lsp'] = vim.empty_dict() },
    before_init = mirror_settings,
  }
end

return M
