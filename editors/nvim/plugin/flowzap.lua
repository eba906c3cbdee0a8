-- FlowZap Code support: user commands. The language server starts once
-- require('flowzap').setup() has been called (or, on Neovim 0.11+, after
-- vim.lsp.enable('flowzap')).
if vim.g.loaded_flowzap then
  return
end
vim.g.loaded_flowzap = true

vim.cmd([[
  command! -bar FlowZapInfo lua require('flowzap').info()
  command! -bar FlowZapRestart lua require('flowzap').restart()
  command! -bar FlowZapInstall lua require('flowzap.install').install()
  command! -bar FlowZapPreview lua require('flowzap.preview').open()
  command! -bar FlowZapPreviewStop lua require('flowzap.preview').stop()
]])
