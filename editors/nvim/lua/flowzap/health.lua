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
  local detected
  if vim.filetype and vim.filetype.match and vim.fn.has('nvim-0.8') == 1 then
    detected = vim.filetype.match({ filename = 'example.fz' })
  end
  if detected == 'flowzap' or (detected == nil and #vim.api.nvim_get_runtime_file('ftdetect/flowzap.lua', true) > 0) then
    health.ok('*.fz files get filetype flowzap')
  else
    health.warn(
      '*.fz is not detected as flowzap (got ' .. tostring(detected) .. ')',
      { 'Is the plugin directory on the runtimepath, and is `filetype on` set?' }
    )
  end

  health.start('flowzap: server')
  if not flowzap.config then
    health.warn('require("flowzap").setup() has not been called', {
      'Call it from your config, or on Neovim 0.11+ use vim.lsp.enable("flowzap").',
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
