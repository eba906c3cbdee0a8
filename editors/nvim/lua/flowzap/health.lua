-- :checkhealth flowzap
local M = {}

-- vim.health.* on 0.10+, vim.health.report_* on 0.8/0.9, health#report_* on 0.7.
local function reporter()
  local h = vim.health
  if h and h.start then
    return h
  end
  if h and h.report_start then
    return {
      start = h.report_start,
      ok = h.report_ok,
      info = h.report_info,
      warn = h.report_warn,
      error = h.report_error,
    }
  end
  local function wrap(name)
    return function(msg, advice)
      if advice ~= nil then
        vim.fn['health#report_' .. name](msg, advice)
      else
        vim.fn['health#report_' .. name](msg)
      end
    end
  end
  return {
    start = wrap('start'),
    ok = wrap('ok'),
    info = wrap('info'),
    warn = wrap('warn'),
    error = wrap('error'),
  }
end

function M.check()
  local health = reporter()
  local flowzap = require('flowzap')

  health.start('flowzap: Neovim')
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.7') == 1 then
    health.ok('Neovim ' .. version)
  else
    health.error('Neovim ' .. version .. ' is too old: 0.7 or later is needed')
    return
  end
  local ok, strategy = pcall(flowzap.pick_strategy, 'auto')
  health.info('client start strategy for this version: ' .. (ok and strategy or tostring(strategy)))

  health.start('flowzap: filetype')
  local ok_ft, got, fuzion
  if vim.fn.has('nvim-0.8') == 1 then
    -- Extension functions see buffers, not `contents`: match scratch buffers.
    local function match(lines)
      local buf = vim.api.nvim_create_buf(false, true)
      vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
      local ft = vim.filetype.match({ buf = buf, filename = 'example.fz' })
      vim.api.nvim_buf_delete(buf, { force = true })
      return ft
    end
    got = match({ 'Orders { # Orders', 'n1: circle label:"Start"' })
    fuzion = match({ 'hello is', '  say "Hi"' })
    ok_ft = got == 'flowzap' and fuzion ~= 'flowzap'
  else
    ok_ft = vim.fn.exists('#flowzap_filetype') == 1
    got = ok_ft and 'flowzap' or 'no BufRead autocommand for *.fz'
  end
  if ok_ft then
    health.ok('*.fz files that start like FlowZap Code (a lane header or a node line) get filetype flowzap')
    health.info('other *.fz files (Fuzion) are left alone')
  else
    health.warn('*.fz is not detected as flowzap by content (' .. tostring(got) .. ', ' .. tostring(fuzion) .. ')', {
      'Is the plugin directory on the runtimepath before `filetype on` runs?',
      'If it is added later, run :runtime! ftdetect/flowzap.lua',
    })
  end

  local install = require('flowzap.install')
  health.start('flowzap: Python (for :FlowZapInstall)')
  local python, version = install.find_python()
  if python then
    health.ok(('Python %s (%s)'):format(table.concat(version, '.'), python))
  else
    health.warn(version, { 'Only :FlowZapInstall needs Python; an fz-lsp on PATH works without it.' })
  end
  local checkout = install.checkout()
  if checkout then
    health.info('server source for :FlowZapInstall: ' .. checkout)
  else
    health.info('the plugin is not inside an fz-lsp checkout: :FlowZapInstall cannot install from it')
  end

  health.start('flowzap: server')
  local enabled = vim.lsp.is_enabled ~= nil and vim.lsp.is_enabled('flowzap')
  if flowzap.config then
    health.ok('set up with require("flowzap").setup()')
  elseif enabled then
    health.ok('enabled with vim.lsp.enable("flowzap")')
  else
    health.warn('fz-lsp is not set up', {
      'Call require("flowzap").setup() from your config, or on Neovim 0.11+ vim.lsp.enable("flowzap").',
    })
  end
  local config = flowzap.config
  if not config and vim.lsp.config and vim.fn.has('nvim-0.11') == 1 then
    config = vim.lsp.config.flowzap
  end
  config = config or require('flowzap.config').defaults()
  local cmd = config.cmd
  local _, source = install.server_cmd()
  local where = ({ PATH = 'fz-lsp on PATH', venv = 'the venv of :FlowZapInstall (' .. install.venv() .. ')' })[source]
  if where then
    health.info('found: ' .. where)
  end
  if type(cmd) ~= 'table' then
    health.info('cmd is a function: not checked')
  elseif vim.fn.executable(cmd[1]) == 1 then
    health.ok(('server command: %s (%s)'):format(table.concat(cmd, ' '), vim.fn.exepath(cmd[1])))
    local out = vim.fn.system({ cmd[1], '--version' })
    if vim.v.shell_error == 0 then
      health.ok('version: ' .. vim.trim(out))
    else
      health.error(('%s --version failed: %s'):format(cmd[1], vim.trim(out)))
    end
  else
    health.error(flowzap.missing_server_message(cmd[1]))
  end
  for _, client in ipairs(flowzap.clients()) do
    health.info(('client %d: position encoding %s'):format(client.id, client.offset_encoding or '?'))
  end
  for _, line in ipairs(flowzap.describe()) do
    health.info(line)
  end
  health.info('LSP log: ' .. vim.lsp.get_log_path())
end

return M
