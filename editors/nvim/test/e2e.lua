-- End-to-end test of the FlowZap Neovim plugin against the real fz-lsp server.
--
-- Run by test/run.sh; by hand:
--   nvim --headless --clean -u NONE -l test/e2e.lua                 (0.9+)
--   nvim --headless --clean -u NONE -c 'luafile test/e2e.lua'       (0.7)
-- Environment:
--   FZ_NVIM_TEST_MODE  setup (default): require('flowzap').setup{}, strategy chosen by the plugin
--                      start:  setup{ strategy = 'start' }  (the 0.8-0.10 code path)
--                      enable: no setup(), only vim.lsp.enable('flowzap') (0.11+, lsp/flowzap.lua)
--                      readme: no plugin at all, only the README's 0.11 snippet (marked
--                              `<!-- tested: nvim-0.11-snippet -->`)
--   FZ_LSP_CMD         server command, words separated by spaces (default: the plugin's `fz-lsp`)
--   FZ_TEST_TIMEOUT_MS how long to wait for each server answer (default 15000)
--
-- Prints one PASS/FAIL line per check and a RESULT line; exits 1 on any failure.

local api = vim.api

local source = debug.getinfo(1, 'S').source:gsub('^@', '')
local test_dir = vim.fn.fnamemodify(source, ':p:h')
local plugin_dir = vim.fn.fnamemodify(test_dir, ':h')
local fixture = test_dir .. '/fixtures/unicode.fz'

local mode = vim.env.FZ_NVIM_TEST_MODE or 'setup'
local timeout = tonumber(vim.env.FZ_TEST_TIMEOUT_MS or '') or 15000
local v = vim.version()
local nvim_version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
local tag = ('[nvim %s %s] '):format(nvim_version, mode)

local h = dofile(test_dir .. '/harness.lua').new(tag)
local out, check, eq, show = h.out, h.check, h.eq, h.show

local Abort = {}
local function require_ok(name, ok, detail)
  if not check(name, ok, detail) then
    error(Abort)
  end
end

local function finish()
  out(('RESULT %s%d passed, %d failed'):format(tag, h.passed, h.failed))
  if h.failed > 0 or h.passed == 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

-- Position helpers written independently of Neovim's own conversions, so the
-- test checks them instead of reusing them. `byte` is a 0-based byte offset.
local function units(text, byte, encoding)
  if encoding == 'utf-8' then
    return byte
  end
  local count, i = 0, 1
  while i <= byte do
    local c = text:byte(i)
    local len = c < 0x80 and 1 or c < 0xE0 and 2 or c < 0xF0 and 3 or 4
    count = count + ((encoding == 'utf-16' and len == 4) and 2 or 1)
    i = i + len
  end
  return count
end

-- 0-based byte column of the `nth` occurrence of `needle` in line `row` (0-based).
local function byte_col(bufnr, row, needle, nth)
  local line = api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
  local from = 1
  local s
  for _ = 1, nth or 1 do
    s = line:find(needle, from, true)
    assert(s, ('%q not found in line %d: %s'):format(needle, row, line))
    from = s + 1
  end
  return s - 1
end

local function row_of(bufnr, prefix)
  for i, line in ipairs(api.nvim_buf_get_lines(bufnr, 0, -1, true)) do
    if line:sub(1, #prefix) == prefix then
      return i - 1
    end
  end
  error('no line starting with ' .. prefix)
end

-- Server exit, recorded through the client config's on_exit.
local server_exit
local function on_exit(code, signal)
  server_exit = ('server exited with code %s, signal %s'):format(tostring(code), tostring(signal))
end

local function server_cmd()
  local words = vim.split(vim.env.FZ_LSP_CMD or '', '%s+', { trimempty = true })
  return #words > 0 and words or nil
end

local uses_plugin = mode ~= 'readme'

-- The README's plugin-less snippet for 0.11, read from the README itself.
local function readme_snippet()
  local text = table.concat(vim.fn.readfile(plugin_dir .. '/README.md'), '\n')
  local _, after = text:find('<!-- tested: nvim-0.11-snippet -->', 1, true)
  assert(after, 'README.md has no tested snippet marker')
  local code = text:match('^%s*```lua\n(.-)\n```', after + 1)
  assert(code, 'no ```lua block after the marker')
  return code
end

local function start_plugin()
  local settings = { ['fz-lsp'] = { debounceMs = 0, severity = { FZ212 = 'hint' } } }
  if not uses_plugin then
    vim.cmd('filetype on')
    assert((loadstring or load)(readme_snippet(), 'README snippet'))()
    -- The test's own server command and settings, laid over the snippet's.
    vim.lsp.config('flowzap', { cmd = server_cmd(), settings = settings, on_exit = on_exit })
    return
  end
  vim.opt.runtimepath:prepend(plugin_dir)
  -- What a plugin manager does for a plugin added after startup (Neovim has
  -- already run `filetype on` here): source its plugin/ and ftdetect/ files.
  vim.cmd('filetype plugin on')
  vim.cmd('syntax on')
  vim.cmd('runtime! plugin/flowzap.lua')
  vim.cmd('augroup filetypedetect')
  vim.cmd('source ' .. vim.fn.fnameescape(plugin_dir .. '/ftdetect/flowzap.lua'))
  vim.cmd('augroup END')

  if mode == 'enable' then
    local overrides = { settings = settings, on_exit = on_exit }
    overrides.cmd = server_cmd()
    vim.lsp.config('flowzap', overrides)
    vim.lsp.enable('flowzap')
  else
    require('flowzap').setup({
      cmd = server_cmd(),
      settings = settings,
      on_exit = on_exit,
      strategy = mode == 'start' and 'start' or nil,
    })
  end
end

-- Looked up without the plugin's help (the readme mode has no plugin).
local function flowzap_client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = 'flowzap' })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  for _, client in ipairs(clients) do
    if client.name == 'flowzap' then
      return client
    end
  end
end

local function diagnostics(bufnr)
  local got = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(got, {
      code = d.code,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      source = d.source,
    })
  end
  table.sort(got, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    if a.col ~= b.col then
      return a.col < b.col
    end
    return tostring(a.code) < tostring(b.code)
  end)
  return got
end

local function messages(bufnr)
  local by_code = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    by_code[d.code] = d.message
  end
  return by_code
end

local function diag(code, row, col, len, severity)
  return {
    code = code,
    lnum = row,
    col = col,
    end_lnum = row,
    end_col = col + len,
    severity = severity,
    source = 'flowzap',
  }
end

local function wait_diagnostics(name, bufnr, want)
  vim.wait(timeout, function()
    return vim.deep_equal(diagnostics(bufnr), want)
  end, 20)
  return eq(name, diagnostics(bufnr), want)
end

local function request(bufnr, method, params)
  local results, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if not results then
    return nil, 'no answer: ' .. tostring(err)
  end
  for _, res in pairs(results) do
    if res.error then
      return nil, 'error: ' .. show(res.error)
    end
    return res.result
  end
  return nil, 'no client answered'
end

local function position(bufnr, row, byte, encoding)
  local line = api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
  return {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = row, character = units(line, byte, encoding) },
  }
end

local function floating_text()
  for _, win in ipairs(api.nvim_list_wins()) do
    if api.nvim_win_get_config(win).relative ~= '' then
      local buf = api.nvim_win_get_buf(win)
      return table.concat(api.nvim_buf_get_lines(buf, 0, -1, false), '\n'), win
    end
  end
end

-- Which buffers got diagnostics from the server, and how (push or pull):
-- lets the test tell "no diagnostics" from "no answer yet".
local delivered, delivery = {}, {}
local function track_deliveries()
  local methods = {
    ['textDocument/publishDiagnostics'] = 'push',
    ['textDocument/diagnostic'] = 'pull',
  }
  for method, how in pairs(methods) do
    local original = vim.lsp.handlers[method]
    if original then
      vim.lsp.handlers[method] = function(err, result, ctx, config)
        local ret = original(err, result, ctx, config)
        local uri = (method == 'textDocument/publishDiagnostics' and result and result.uri)
          or (ctx and ctx.params and ctx.params.textDocument and ctx.params.textDocument.uri)
        if uri and not err then
          local bufnr = vim.uri_to_bufnr(uri)
          delivered[bufnr] = (delivered[bufnr] or 0) + 1
          delivery[how] = true
        end
        return ret
      end
    end
  end
end

local function syntax_at(row, byte)
  return vim.fn.synIDattr(vim.fn.synID(row + 1, byte + 1, 1), 'name')
end

local function run()
  vim.o.hidden = true
  track_deliveries()
  start_plugin()
  if uses_plugin then
    check('plugin command :FlowZapInfo exists', vim.fn.exists(':FlowZapInfo') == 2)
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
  local buf = api.nvim_get_current_buf()

  -- Filetype, options, syntax and folding.
  eq('filetype of *.fz', vim.bo[buf].filetype, 'flowzap')
  local n3 = row_of(buf, 'n3:')
  local loop = row_of(buf, 'loop [重试')
  if uses_plugin then
    eq('commentstring', vim.bo[buf].commentstring, '// %s')
    eq('foldmethod', vim.wo.foldmethod, 'expr')
    local folds = {}
    for lnum = 1, api.nvim_buf_line_count(buf) do
      table.insert(folds, vim.fn.foldlevel(lnum))
    end
    eq('one fold level per lane', folds, { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })
    local edge = row_of(buf, 'n3.handle')
    eq('syntax groups', {
      syntax_at(0, 0),
      syntax_at(0, byte_col(buf, 0, 'Küche')),
      syntax_at(n3, 0),
      syntax_at(n3, byte_col(buf, n3, 'taskbox')),
      syntax_at(n3, byte_col(buf, n3, 'label')),
      syntax_at(n3, byte_col(buf, n3, '中文')),
      syntax_at(n3, byte_col(buf, n3, 'bogus')),
      syntax_at(edge, byte_col(buf, edge, 'handle')),
      syntax_at(edge, byte_col(buf, edge, 'bottom')),
      syntax_at(edge, byte_col(buf, edge, '->')),
      syntax_at(edge, byte_col(buf, edge, 'Delivery')),
      syntax_at(edge, byte_col(buf, edge, 'n4')),
      syntax_at(edge, byte_col(buf, edge, '出发')),
      syntax_at(loop, 0),
      syntax_at(loop, byte_col(buf, loop, '重试')),
      syntax_at(loop, byte_col(buf, loop, 'n99')),
    }, {
      'flowzapLaneId',
      'flowzapLaneLabel',
      'flowzapNodeDecl',
      'flowzapShape',
      'flowzapAttrKey',
      'flowzapString',
      '',
      'flowzapHandle',
      'flowzapDirection',
      'flowzapArrow',
      'flowzapLaneRef',
      'flowzapNodeRef',
      'flowzapString',
      'flowzapLoop',
      'flowzapLoopText',
      'flowzapNodeRef',
    })
  end

  -- The client starts and attaches through the plugin.
  local expected_strategy = ({ setup = vim.fn.has('nvim-0.11') == 1 and 'enable' or 'start_client', start = 'start' })[mode]
  if expected_strategy then
    eq('plugin start strategy', require('flowzap').strategy, expected_strategy)
  end
  vim.wait(timeout, function()
    local c = flowzap_client(buf)
    return (c ~= nil and c.initialized == true) or server_exit ~= nil
  end, 20)
  local client = flowzap_client(buf)
  require_ok(
    'fz-lsp client attached and initialized',
    client ~= nil and client.initialized == true,
    server_exit or ('no initialized fz-lsp client after %d ms'):format(timeout)
  )
  local want_cmd = server_cmd() or { 'fz-lsp' }
  eq('client command', client.config.cmd, want_cmd)
  -- 0.7 cannot negotiate (UTF-16 only); 0.11 offers utf-8 first.
  local want_encoding = vim.fn.has('nvim-0.10') == 1 and 'utf-8' or 'utf-16'
  eq('negotiated position encoding', client.offset_encoding, want_encoding)
  local encoding = client.offset_encoding

  -- Diagnostics: exact byte columns after Chinese text and an emoji. In this
  -- fixture, utf-8, utf-16 and code-point columns all differ for both errors.
  local HINT, WARN, ERROR = vim.diagnostic.severity.HINT, vim.diagnostic.severity.WARN, vim.diagnostic.severity.ERROR
  local emoji = byte_col(buf, n3, '😀')
  local bogus = byte_col(buf, n3, 'bogus')
  local n99 = byte_col(buf, loop, 'n99')
  check(
    'fixture: columns differ in every encoding',
    bogus == 32 and n99 == 28 and units(api.nvim_buf_get_lines(buf, n3, n3 + 1, true)[1], bogus, 'utf-16') == 26
  )
  local want = {
    diag('FZ212', n3, emoji, 4, HINT), -- emoji in a label (severity set to hint by the test's settings)
    diag('FZ206', n3, bogus, #'bogus', WARN), -- unknown attribute key, after the emoji
    diag('FZ101', loop, n99, #'n99', ERROR), -- undefined node, after Chinese text and an emoji
  }
  wait_diagnostics('diagnostics at exact byte columns (open)', buf, want)
  local msgs = messages(buf)
  check('FZ101 message names the node', (msgs.FZ101 or ''):find('n99', 1, true) ~= nil, show(msgs.FZ101))
  check('FZ206 message names the key', (msgs.FZ206 or ''):find('bogus', 1, true) ~= nil, show(msgs.FZ206))

  -- Go to definition across lanes with the real vim.lsp.buf.definition().
  local function goto_definition(name, row, byte, want_row)
    api.nvim_win_set_cursor(0, { row + 1, byte })
    vim.lsp.buf.definition()
    vim.wait(timeout, function()
      return api.nvim_win_get_cursor(0)[1] == want_row + 1
    end, 20)
    eq(name, api.nvim_win_get_cursor(0), { want_row + 1, 0 })
  end
  local back = row_of(buf, 'n5.handle(top)')
  goto_definition(
    'definition Kitchen.n1 (Delivery lane) -> n1 in Kitchen',
    back,
    byte_col(buf, back, 'Kitchen.n1') + #'Kitchen.',
    row_of(buf, 'n1:')
  )
  local loop2 = row_of(buf, 'loop [😀')
  goto_definition(
    'definition Kitchen.n2 after an emoji -> n2 in Kitchen',
    loop2,
    byte_col(buf, loop2, 'Kitchen.n2') + #'Kitchen.n',
    row_of(buf, 'n2:')
  )

  -- Hover: the node's label, asked on a line with an emoji before the node.
  local hover, err = request(buf, 'textDocument/hover', position(buf, loop2, byte_col(buf, loop2, ' n4') + 1, encoding))
  local text = hover and hover.contents and (hover.contents.value or show(hover.contents)) or (err or 'nil')
  check('hover on n4 shows its label', text:find('Deliver 配送', 1, true) ~= nil, show(text))
  check('hover is Markdown', hover ~= nil and hover.contents.kind == 'markdown', show(hover and hover.contents.kind))
  -- The same through vim.lsp.buf.hover(): a floating window with the label.
  api.nvim_win_set_cursor(0, { loop2 + 1, byte_col(buf, loop2, ' n4') + 1 })
  vim.lsp.buf.hover()
  vim.wait(timeout, function()
    return floating_text() ~= nil
  end, 20)
  local float, float_win = floating_text()
  check(
    'vim.lsp.buf.hover() opens a float with the label',
    float ~= nil and float:find('Deliver 配送', 1, true) ~= nil,
    show(float)
  )
  if float_win then
    api.nvim_win_close(float_win, true)
  end

  -- An edit after the emoji (incremental sync in the negotiated encoding):
  -- `bogus` becomes `owner`, FZ206 goes, the rest stays where it was.
  api.nvim_buf_set_text(buf, n3, bogus, n3, bogus + #'bogus', { 'owner' })
  wait_diagnostics('diagnostics after an edit after the emoji', buf, { want[1], want[3] })

  -- Completion after `Kitchen.` on a new line in the Delivery lane, after non-ASCII text.
  local new_row = row_of(buf, 'loop [😀') + 1
  local typed = 'n4.handle(bottom) -> Kitchen.'
  api.nvim_buf_set_lines(buf, new_row, new_row, true, { typed })
  local result
  result, err = request(
    buf,
    'textDocument/completion',
    vim.tbl_extend('force', position(buf, new_row, #typed, encoding), {
      context = { triggerKind = 2, triggerCharacter = '.' },
    })
  )
  local items = result and (result.items or result) or {}
  local labels, details = {}, {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    details[item.label] = (item.detail or '') .. ' ' .. show(item.documentation or '')
  end
  table.sort(labels)
  eq('completion after Kitchen. lists exactly Kitchen nodes', labels, { 'n1', 'n2', 'n3' })
  check(
    'completion details carry the labels',
    (details.n1 or ''):find('Start', 1, true) and (details.n2 or ''):find('Prépare 中文 order', 1, true) and true
      or false,
    err or show(details)
  )
  local chosen
  for _, item in ipairs(items) do
    if item.label == 'n2' then
      chosen = item
    end
  end
  if chosen and chosen.textEdit then
    vim.lsp.util.apply_text_edits({ chosen.textEdit }, buf, encoding)
  elseif chosen then
    api.nvim_buf_set_text(buf, new_row, #typed, new_row, #typed, { chosen.insertText or chosen.label })
  end
  eq(
    'accepting completion n2 gives the right text',
    api.nvim_buf_get_lines(buf, new_row, new_row + 1, true)[1],
    typed .. 'n2'
  )
  -- The completed line is a valid edge again: the diagnostics are those before it was typed.
  api.nvim_buf_set_text(buf, new_row, #typed + 2, new_row, #typed + 2, { '.handle(top)' })
  wait_diagnostics('diagnostics after completing the edge', buf, { want[1], want[3] })
  out('INFO ' .. tag .. 'diagnostics delivered by ' .. table.concat(vim.tbl_keys(delivery), ' and '))

  -- :FlowZapRestart replaces the client; the new one serves the open buffers.
  if uses_plugin then
    local old_id = flowzap_client(buf).id
    local before = delivered[buf] or 0
    vim.cmd('FlowZapRestart')
    vim.wait(timeout, function()
      local c = flowzap_client(buf)
      return c ~= nil and c.id ~= old_id and c.initialized == true and (delivered[buf] or 0) > before
    end, 20)
    local renewed = flowzap_client(buf)
    check(
      ':FlowZapRestart starts a new client that answers',
      renewed ~= nil and renewed.id ~= old_id and (delivered[buf] or 0) > before,
      ('old client %d, now %s, diagnostics answers %d -> %d'):format(
        old_id,
        renewed and tostring(renewed.id) or 'none',
        before,
        delivered[buf] or 0
      )
    )
    wait_diagnostics('diagnostics after :FlowZapRestart', buf, { want[1], want[3] })
  end

  -- The project's examples: each checks clean, and a cross-lane reference in
  -- each leads to its node's declaration.
  local examples = vim.fn.glob(vim.fn.fnamemodify(plugin_dir, ':h:h') .. '/examples/*.fz', false, true)
  check('examples found', #examples > 0, 'no examples/*.fz next to editors/')
  for _, path in ipairs(examples) do
    local name = vim.fn.fnamemodify(path, ':t')
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    local ebuf = api.nvim_get_current_buf()
    vim.wait(timeout, function()
      return (delivered[ebuf] or 0) > 0
    end, 20)
    local found = vim.diagnostic.get(ebuf)
    check(
      name .. ': diagnostics delivered, none reported',
      (delivered[ebuf] or 0) > 0 and #found == 0,
      (delivered[ebuf] or 0) == 0 and 'no diagnostics answer from the server' or show(found)
    )
    local lines = api.nvim_buf_get_lines(ebuf, 0, -1, true)
    local ref_row, ref_col, node
    for i, line in ipairs(lines) do
      local s, _, _, id = line:find('([%a_][%w_-]*)%.(n%d+)%.handle')
      if s then
        ref_row, node = i - 1, id
        ref_col = line:find(id .. '.handle', s, true) - 1
        break
      end
    end
    local decl_row
    for i, line in ipairs(lines) do
      if node and line:match('^%s*' .. node .. '%s*:') then
        decl_row = i - 1
      end
    end
    if check(name .. ': has a cross-lane reference', ref_row ~= nil and decl_row ~= nil) then
      api.nvim_win_set_cursor(0, { ref_row + 1, ref_col })
      vim.lsp.buf.definition()
      vim.wait(timeout, function()
        return api.nvim_win_get_cursor(0)[1] == decl_row + 1
      end, 20)
      eq(
        ('%s: definition of %s (line %d) -> its declaration'):format(name, node, ref_row + 1),
        api.nvim_win_get_cursor(0)[1],
        decl_row + 1
      )
    end
  end
end

-- Last, as it opens a new tab: the health report has no warning or error.
local function health()
  vim.cmd('silent checkhealth flowzap')
  local report = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(
    ':checkhealth flowzap has no warning or error',
    report:find('OK', 1, true) ~= nil and not report:find('WARNING', 1, true) and not report:find('ERROR', 1, true),
    report
  )
end

local ok, e = xpcall(function()
  run()
  if uses_plugin then
    health()
  end
end, function(e)
  if e == Abort then
    return e
  end
  return debug.traceback(tostring(e), 2)
end)
if not ok and e ~= Abort then
  check('test script ran without a Lua error', false, tostring(e))
end
finish()
