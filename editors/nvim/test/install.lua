-- The zero-install route in headless Neovim 0.11: only this plugin on the
-- runtimepath, no fz-lsp anywhere on PATH. `:FlowZapInstall` makes the venv under
-- stdpath('data') from the plugin's own checkout; opening a FlowZap file then
-- gives diagnostics; a Fuzion-looking .fz file does not get the FlowZap filetype;
-- :checkhealth flowzap reports Python, server, version and position encoding.
--
-- Run by test/run.sh (case nvim-0.11-install) with fresh XDG folders. Prints one
-- PASS/FAIL line per check and a RESULT line; exits 1 on any failure.
local api = vim.api

local source = debug.getinfo(1, 'S').source:gsub('^@', '')
local test_dir = vim.fn.fnamemodify(source, ':p:h')
local plugin_dir = vim.fn.fnamemodify(test_dir, ':h')
local repo = vim.fn.fnamemodify(plugin_dir, ':h:h')
local tag = '[install] '
local h = dofile(test_dir .. '/harness.lua').new(tag)
local out, check, eq = h.out, h.check, h.eq

local function finish()
  out(('RESULT %s%d passed, %d failed'):format(tag, h.passed, h.failed))
  vim.cmd(h.failed > 0 and 'cquit 1' or 'qall!')
end

local function run()
  -- What a plugin manager does: the plugin folder on the runtimepath, its
  -- plugin/ and ftdetect/ files sourced.
  vim.opt.runtimepath:prepend(plugin_dir)
  vim.cmd('filetype plugin on')
  vim.cmd('runtime! plugin/flowzap.lua')
  vim.cmd('augroup filetypedetect')
  vim.cmd('runtime! ftdetect/flowzap.lua')
  vim.cmd('augroup END')
  require('flowzap').setup({ settings = { ['fz-lsp'] = { debounceMs = 0 } } })

  local venv_server = require('flowzap.install').venv_server()
  eq('no fz-lsp on PATH', vim.fn.executable('fz-lsp'), 0)
  eq('no server in the venv yet', vim.fn.executable(venv_server), 0)
  check(
    'the venv is under stdpath("data")',
    vim.startswith(venv_server, vim.fn.stdpath('data') .. '/flowzap/venv/'),
    venv_server
  )

  -- A Fuzion file: not FlowZap, no server.
  local work = vim.fn.tempname()
  vim.fn.mkdir(work, 'p')
  vim.fn.writefile({ '# Fuzion', 'hello is', '  say "Hello, 世界"', '', 'fib(n i32) i32 =>', '  n' }, work .. '/hello.fz')
  vim.cmd('edit ' .. vim.fn.fnameescape(work .. '/hello.fz'))
  check('a Fuzion-looking .fz file is not flowzap', vim.bo.filetype ~= 'flowzap', 'filetype ' .. vim.bo.filetype)

  -- :FlowZapInstall, waited for.
  vim.cmd('FlowZapInstall')
  local install = require('flowzap.install')
  local done = vim.wait(300000, function()
    return install.state == 'done' or install.state == 'failed'
  end, 200)
  out('') -- the install notifications (stderr, headless) end without a newline
  check(':FlowZapInstall finished', done and install.state == 'done', tostring(install.message))
  eq('the server is in the venv', vim.fn.executable(venv_server), 1)
  local version = vim.trim(vim.fn.system({ venv_server, '--version' }))
  local init = table.concat(vim.fn.readfile(repo .. '/fz_lsp/__init__.py'), '\n')
  eq('its version is the checkout\'s', version, 'fz-lsp ' .. init:match('__version__ = "([^"]+)"'))

  -- A FlowZap file: filetype, client from the venv, diagnostics.
  vim.fn.writefile(vim.fn.readfile(repo .. '/examples/broken/everything-wrong.fz'), work .. '/broken.fz')
  vim.cmd('edit ' .. vim.fn.fnameescape(work .. '/broken.fz'))
  local buf = api.nvim_get_current_buf()
  eq('a FlowZap .fz file is flowzap', vim.bo[buf].filetype, 'flowzap')
  local got = vim.wait(30000, function()
    return #vim.diagnostic.get(buf) > 10
  end, 50)
  local diagnostics = vim.diagnostic.get(buf)
  check('diagnostics arrive', got, ('%d diagnostics'):format(#diagnostics))
  local first
  for _, d in ipairs(diagnostics) do
    if d.code == 'FZ205' then
      first = { lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity }
    end
  end
  -- `n2: rect label:...` on line 3: `rect` is bytes 4-8.
  eq('FZ205 on `rect`', first, { lnum = 2, col = 4, end_col = 8, severity = vim.diagnostic.severity.ERROR })
  local client = require('flowzap').clients(buf)[1]
  check('the client runs the venv server', client ~= nil and client.config.cmd[1] == venv_server,
    client and vim.inspect(client.config.cmd))
  eq('position encoding', client and client.offset_encoding, 'utf-8')
  local fuzion_buf = vim.fn.bufnr(work .. '/hello.fz')
  eq('no client for the Fuzion file', #require('flowzap').clients(fuzion_buf), 0)

  -- :checkhealth flowzap
  vim.cmd('silent checkhealth flowzap')
  local report = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  for _, want in ipairs({
    'Python 3%.%d+%.%d+ %(',
    'found: the venv of :FlowZapInstall',
    'version: ' .. vim.pesc(version),
    'position encoding utf%-8',
    'get filetype flowzap',
  }) do
    check(':checkhealth flowzap reports ' .. want, report:find(want) ~= nil)
  end
  check(':checkhealth flowzap has no error', not report:find('ERROR'), report)
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  check('the test ran to the end', false, tostring(err))
end
finish()
