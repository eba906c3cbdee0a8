-- End-to-end test of rename, formatting, semantic tokens, folding and inlay hints through
-- Neovim's own LSP client and the real fz-lsp server (run by test/run.sh).
--   nvim --headless --clean -u NONE -l test/reshape.lua                 (0.11)
--   nvim --headless --clean -u NONE -c 'luafile test/reshape.lua'       (0.7: rename, formatting)
-- Prints one PASS/FAIL line per check and a RESULT line; exits 1 on any failure.

local api = vim.api
local source = debug.getinfo(1, 'S').source:gsub('^@', '')
local test_dir = vim.fn.fnamemodify(source, ':p:h')
local plugin_dir = vim.fn.fnamemodify(test_dir, ':h')
local timeout = tonumber(vim.env.FZ_TEST_TIMEOUT_MS or '') or 15000
local v = vim.version()
local tag = ('[nvim %d.%d.%d reshape] '):format(v.major, v.minor, v.patch)
local modern = vim.fn.has('nvim-0.10') == 1
local h = dofile(test_dir .. '/harness.lua').new(tag)
local out, check, eq = h.out, h.check, h.eq

local TEXT = {
  'Shop {   #  商店 🛒',
  'n1:circle label:"开始 🚀"',
  'n2: rectangle label:"库存 📦"',
  '  n1.handle(right)->n2.handle(left) [label="下单 📦"]',
  'n2.handle(bottom) -> 账单.n3.handle(top)',
  'loop [重试 🔁] n1 账单.n3',
  '}',
  '账单 {',
  'n3: circle label:"完成 🎉"',
  '}',
}

local function lines(buf)
  return api.nvim_buf_get_lines(buf, 0, -1, true)
end

local function client_of(buf)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf, name = 'flowzap' })
    or vim.tbl_values(vim.lsp.buf_get_clients(buf))
  return clients[1]
end

local function run()
  vim.o.hidden = true
  vim.opt.runtimepath:prepend(plugin_dir)
  vim.cmd('filetype plugin on')
  vim.cmd('runtime! plugin/flowzap.lua')
  vim.cmd('augroup filetypedetect')
  vim.cmd('source ' .. vim.fn.fnameescape(plugin_dir .. '/ftdetect/flowzap.lua'))
  vim.cmd('augroup END')
  local cmd = vim.split(vim.env.FZ_LSP_CMD or '', '%s+', { trimempty = true })
  require('flowzap').setup({ cmd = #cmd > 0 and cmd or nil, settings = { ['fz-lsp'] = { debounceMs = 0 } } })

  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local path = dir .. '/reshape.fz'
  vim.fn.writefile(TEXT, path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = api.nvim_get_current_buf()
  vim.wait(timeout, function()
    return client_of(buf) ~= nil and client_of(buf).initialized ~= false
  end, 20)
  local client = client_of(buf)
  if not check('the server attached', client ~= nil) then
    return
  end
  vim.wait(timeout, function()
    return client.server_capabilities ~= nil and client.server_capabilities.renameProvider ~= nil
  end, 20)

  -- Formatting through the client's own command.
  if modern then
    vim.lsp.buf.format({ bufnr = buf, async = false, timeout_ms = timeout })
  else
    vim.lsp.buf.formatting_sync(nil, timeout)
  end
  eq('formatting', lines(buf), {
    'Shop { # 商店 🛒',
    '  n1: circle label:"开始 🚀"',
    '  n2: rectangle label:"库存 📦"',
    '  n1.handle(right) -> n2.handle(left) [label="下单 📦"]',
    '  n2.handle(bottom) -> 账单.n3.handle(top)',
    '  loop [重试 🔁] n1 账单.n3',
    '}',
    '',
    '账单 {',
    '  n3: circle label:"完成 🎉"',
    '}',
  })

  -- Rename the lane from a prefix after emoji, then the node from the loop member; and back.
  local formatted = lines(buf)
  local loop_row = 5
  local col = formatted[loop_row + 1]:find('账单', 1, true) - 1
  api.nvim_win_set_cursor(0, { loop_row + 1, col })
  vim.lsp.buf.rename('Billing')
  vim.wait(timeout, function()
    return lines(buf)[9] == 'Billing {'
  end, 20)
  local renamed = lines(buf)
  eq('rename a lane: header and every prefix', {
    renamed[5],
    renamed[6],
    renamed[9],
  }, { '  n2.handle(bottom) -> Billing.n3.handle(top)', '  loop [重试 🔁] n1 Billing.n3', 'Billing {' })
  col = renamed[loop_row + 1]:find('n1', 1, true) - 1
  api.nvim_win_set_cursor(0, { loop_row + 1, col })
  vim.lsp.buf.rename('n7')
  vim.wait(timeout, function()
    return lines(buf)[2] == '  n7: circle label:"开始 🚀"'
  end, 20)
  local node = lines(buf)
  eq('rename a node: declaration, edge and loop member', { node[2], node[4], node[6] }, {
    '  n7: circle label:"开始 🚀"',
    '  n7.handle(right) -> n2.handle(left) [label="下单 📦"]',
    '  loop [重试 🔁] n7 Billing.n3',
  })
  api.nvim_win_set_cursor(0, { 2, 2 })
  vim.lsp.buf.rename('n1')
  vim.wait(timeout, function()
    return lines(buf)[2] == '  n1: circle label:"开始 🚀"'
  end, 20)
  api.nvim_win_set_cursor(0, { 9, 0 })
  vim.lsp.buf.rename('账单')
  vim.wait(timeout, function()
    return lines(buf)[9] == '账单 {'
  end, 20)
  eq('rename there and back gives the formatted text again', lines(buf), formatted)

  if not modern then
    return
  end
  -- Folding ranges, as the client receives them.
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) } }
  local folds = vim.lsp.buf_request_sync(buf, 'textDocument/foldingRange', params, timeout) or {}
  local ranges = {}
  for _, res in pairs(folds) do
    for _, r in ipairs(res.result or {}) do
      table.insert(ranges, { r.startLine, r.endLine })
    end
  end
  eq('folding ranges per lane', ranges, { { 0, 5 }, { 8, 9 } })

  -- Semantic tokens, applied by the client to the buffer.
  vim.lsp.semantic_tokens.force_refresh(buf)
  local function token_at(row, needle)
    local byte = lines(buf)[row + 1]:find(needle, 1, true) - 1
    local found = {}
    for _, token in ipairs(vim.lsp.semantic_tokens.get_at_pos(buf, row, byte) or {}) do
      local modifiers = vim.tbl_keys(token.modifiers or {})
      table.sort(modifiers)
      table.insert(found, { token.type, modifiers })
    end
    return found
  end
  vim.wait(timeout, function()
    return #token_at(8, '账单') > 0
  end, 20)
  eq('semantic tokens after Chinese and emoji', {
    token_at(8, '账单'),
    token_at(4, '账单'),
    token_at(5, 'n1'),
    token_at(1, 'circle'),
    token_at(3, 'left'),
    token_at(3, '"下单'),
  }, {
    { { 'namespace', { 'declaration' } } },
    { { 'namespace', {} } },
    { { 'variable', {} } },
    { { 'type', {} } },
    { { 'enumMember', {} } },
    { { 'string', {} } },
  })

  -- Inlay hints, as the README says to turn them on.
  vim.lsp.inlay_hint.enable(true, { bufnr = buf })
  local hints
  vim.wait(timeout, function()
    hints = vim.lsp.inlay_hint.get({ bufnr = buf })
    return #hints >= 5
  end, 50)
  local got = {}
  for _, item in ipairs(hints or {}) do
    local hint = item.inlay_hint
    local label = type(hint.label) == 'string' and hint.label or hint.label[1].value
    table.insert(got, { hint.position.line, hint.position.character, label })
  end
  table.sort(got, function(a, b)
    return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2])
  end)
  local l = lines(buf)
  local function after(row, needle, nth)
    local s, e = 0, 0
    for _ = 1, nth or 1 do
      s, e = l[row + 1]:find(needle, e + 1, true)
    end
    return e -- the byte after the ID: Neovim 0.11 speaks UTF-8, so columns are bytes
  end
  eq('inlay hints after references', got, {
    { 3, after(3, 'n1'), '‹开始 🚀›' },
    { 3, after(3, 'n2'), '‹库存 📦›' },
    { 4, after(4, 'n2'), '‹库存 📦›' },
    { 4, after(4, '账单.n3'), '‹完成 🎉›' },
    { 5, after(5, 'n1'), '‹开始 🚀›' },
    { 5, after(5, '账单.n3'), '‹完成 🎉›' },
  })
end

local ok, err = xpcall(run, debug.traceback)
check('no error in the test script', ok, not ok and tostring(err) or nil)
out(('RESULT %s%d passed, %d failed'):format(tag, h.passed, h.failed))
vim.cmd(h.failed > 0 and 'cquit 1' or 'qall!')
