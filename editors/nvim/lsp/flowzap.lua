-- fz-lsp for Neovim 0.11+: `vim.lsp.enable('flowzap')` picks this file up from
-- the runtimepath. Override any field with `vim.lsp.config('flowzap', {...})`.
return require('flowzap.config').defaults()
