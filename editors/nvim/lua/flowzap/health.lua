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
  local ok_ft, got
  if vim.fn.has('nvim-0.8') == 1 then
    got = vim.filetype.match({ filename = 'example.fz' })
    ok_ft = got == 'flowzap'
  else
    ok_ft = vim.fn.exists('#BufRead#*.fz') == 1
    got = ok_ft and 'flowzap' or 'no BufRead autocommand for *.fz'
  end
  if ok_ft then
    health.ok('*.fz files get filetype flowzap')
  else
    health.warn('*.fz is not detected as flowzap (' .. tostring(got) .. ')', {
      'Is the plugin directory on the runtimepath before `filetype on` runs?',
      'If it is added later, run :runtime! ftdetect/flowzap.lua',
    })
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
  if type(cmd) ~= 'table' then
    health.info('cmd is a function: not checked')
  elseif vim.fn.executable(cmd[1]) == 1 then
    health.ok(('server command: %s (%s)'):format(table.concat(cmd, ' '), vim.fn.exepath(cmd[1])))
    local out = vim.fn.system({ cmd[1], '--version' })
    if vim.v.shell_error == 0 then
      health.info('version: ' .. vim.trim(out))
    end
  else
    health.error(("server command '%s' is not executable"):format(tostring(cmd[1])), {
      'Install fz-lsp (for example `pipx install fz-lsp`) so that `fz-lsp` is on PATH,',
      'or set cmd = { "/path/to/fz-lsp" } (or { "python3", "-m", "fz_lsp" }) in setup().',
    })
  end
  for _, line in ipairs(flowzap.describe()) do
    health.info(line)
  end
  health.info('LSP log: ' .. vim.lsp.get_log_path())
end

return M
