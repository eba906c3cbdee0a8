-- Filetype detection for FlowZap Code (*.fz).
-- Neovim 0.8+ resolves filetypes through vim.filetype; 0.7 still uses autocommands
-- (its vim.filetype.add only takes effect with g:do_filetype_lua = 1).
if vim.fn.has('nvim-0.8') == 1 and vim.filetype and vim.filetype.add then
  vim.filetype.add({ extension = { fz = 'flowzap' } })
else
  vim.cmd([[autocmd BufRead,BufNewFile *.fz setfiletype flowzap]])
end
