-- FlowZap Code support for Neovim 0.7+: starts fz-lsp for `flowzap` buffers.
--
--   require('flowzap').setup({
--     cmd = { 'fz-lsp' },                               -- server command
--     settings = { ['fz-lsp'] = { severity = { FZ501 = 'off' } } },
--     on_attach = function(client, bufnr) end,          -- optional
--   })
--
-- How the client is started depends on the Neovim version (`strategy`):
--   'enable'       0.11+: vim.lsp.config('flowzap', ...) + vim.lsp.enable('flowzap')
--   'start'        0.8+:  vim.lsp.start() from a FileType autocommand
--   'start_client' 0.7:   vim.lsp.start_client() + vim.lsp.buf_attach_client(),
--                         one client per root directory
local M = {}

local api = vim.api
local defaults = require('flowzap.config')

local NAME = defaults.name
local GROUP = 'flowzap_lsp'

-- Keys of setup() that belong to the plugin, not to the LSP client config.
local PLUGIN_KEYS = { strategy = true, autostart = true }

-- Resolved configuration after setup() (nil before).
M.config = nil
M.strategy = nil

local state = {
  clients = {}, -- start_client strategy: root directory ('' when none) -> client id
  warned = {}, -- messages already shown once
}

local function has(feature)
  return vim.fn.has(feature) == 1
end

local function notify_once(key, msg, level)
  if state.warned[key] then
    return
  end
  state.warned[key] = true
  vim.notify('flowzap: ' .. msg, level or vim.log.levels.WARN)
end

--- The start strategy for this Neovim ('auto' resolved).
function M.pick_strategy(wanted)
  wanted = wanted or 'auto'
  local available = {
    enable = has('nvim-0.11') and vim.lsp.enable ~= nil,
    start = has('nvim-0.8') and vim.lsp.start ~= nil,
    start_client = vim.lsp.start_client ~= nil,
  }
  if wanted == 'auto' then
    for _, s in ipairs({ 'enable', 'start', 'start_client' }) do
      if available[s] then
        return s
      end
    end
  end
  if available[wanted] then
    return wanted
  end
  error(("flowzap: strategy '%s' is not available in this Neovim"):format(tostring(wanted)), 0)
end

-- Top-level keys replace the defaults (a user's `cmd` must not be merged index
-- by index with the default list); `settings` is merged deeply.
local function merge(base, opts)
  local out = {}
  for k, v in pairs(base) do
    out[k] = v
  end
  for k, v in pairs(opts or {}) do
    if k == 'settings' and type(v) == 'table' then
      out.settings = vim.tbl_deep_extend('force', base.settings or {}, v)
    else
      out[k] = v
    end
  end
  return out
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ':h')
end

local function exists(path)
  return (vim.loop or vim.uv).fs_stat(path) ~= nil
end

--- Root directory of a buffer: the nearest directory holding the first marker
--- found (markers are tried in order; a nested list means "equal priority"),
--- as vim.fs.root() does on 0.10+. nil when no marker is found.
function M.find_root(bufnr, markers)
  local name = api.nvim_buf_get_name(bufnr)
  if name == '' then
    return nil
  end
  if vim.fs and vim.fs.root then
    return vim.fs.root(bufnr, markers)
  end
  local start = dirname(vim.fn.fnamemodify(name, ':p'))
  for _, marker in ipairs(markers or {}) do
    local names = type(marker) == 'table' and marker or { marker }
    local dir = start
    while true do
      for _, m in ipairs(names) do
        if exists(dir .. '/' .. m) then
          return dir
        end
      end
      local parent = dirname(dir)
      if parent == dir then
        break
      end
      dir = parent
    end
  end
  return nil
end

--- All running fz-lsp clients, or those attached to `bufnr`.
function M.clients(bufnr)
  local all
  if vim.lsp.get_clients then
    all = vim.lsp.get_clients(bufnr and { bufnr = bufnr } or nil)
  elseif bufnr then
    all = vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  else
    all = vim.lsp.get_active_clients()
  end
  local out = {}
  for _, client in ipairs(all) do
    if client.name == NAME then
      table.insert(out, client)
    end
  end
  return out
end

local function client_buffers(client)
  if client.attached_buffers then
    return vim.tbl_keys(client.attached_buffers)
  end
  return vim.lsp.get_buffers_by_client_id(client.id)
end

local function command_ok(cmd)
  if type(cmd) ~= 'table' then
    return true -- a function (RPC client) on 0.10+: nothing to check
  end
  if type(cmd[1]) ~= 'string' or vim.fn.executable(cmd[1]) ~= 1 then
    notify_once('cmd:' .. tostring(cmd[1]), M.missing_server_message(cmd[1]), vim.log.levels.ERROR)
    return false
  end
  return true
end

--- What to tell a user whose server command does not run.
function M.missing_server_message(program)
  return (
    "server command '%s' is not executable. Run :FlowZapInstall (a virtualenv under %s, "
    .. "installed from this plugin's checkout), put fz-lsp on PATH, or pass its path as "
    .. 'setup({ cmd = { ... } }). See :checkhealth flowzap.'
  ):format(tostring(program), vim.fn.stdpath('data'))
end

-- A client config for one buffer (start / start_client strategies).
local function client_config(bufnr, base)
  local config = {}
  for k, v in pairs(base) do
    if not PLUGIN_KEYS[k] and k ~= 'root_markers' and k ~= 'filetypes' then
      config[k] = v
    end
  end
  config.name = NAME
  if config.root_dir == nil then
    config.root_dir = M.find_root(bufnr, base.root_markers)
  elseif type(config.root_dir) == 'function' then
    -- Neovim 0.11's form, fun(bufnr, on_dir); here on_dir must be called at once.
    local found
    config.root_dir(bufnr, function(dir)
      found = dir
    end)
    config.root_dir = found
  end
  return config
end

local function usable_buffer(bufnr)
  return api.nvim_buf_is_valid(bufnr) and vim.bo[bufnr].buftype == ''
end

--- Start (or reuse) the server for `bufnr` and attach the buffer to it.
--- Returns the client id, or nil when nothing was started.
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = api.nvim_get_current_buf()
  end
  if not M.config then
    error('flowzap: call require("flowzap").setup() first', 0)
  end
  if not usable_buffer(bufnr) then
    return nil
  end
  local base = M.config
  if M.strategy == 'enable' then
    base = merge(vim.lsp.config[NAME] or base, {})
  end
  if not command_ok(base.cmd) then
    return nil
  end
  local config = client_config(bufnr, base)

  if M.strategy ~= 'start_client' then
    return api.nvim_buf_call(bufnr, function()
      return vim.lsp.start(config, { bufnr = bufnr })
    end)
  end

  -- Neovim 0.7: one client per root directory, started by hand.
  local key = config.root_dir or ''
  local id = state.clients[key]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    state.clients[key] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Make sure *.fz is detected as `flowzap`, whatever the order in which the
--- plugin manager set up the runtimepath and `filetype on` (ftdetect/ covers
--- the usual case). Buffers already open without a filetype get it now, when
--- they read like FlowZap Code.
function M.register_filetype()
  local detect = require('flowzap.detect')
  detect.register()
  for _, bufnr in ipairs(api.nvim_list_bufs()) do
    if
      api.nvim_buf_is_loaded(bufnr)
      and vim.bo[bufnr].filetype == ''
      and api.nvim_buf_get_name(bufnr):match('%.fz$')
      and detect.filetype(nil, bufnr) == 'flowzap'
    then
      api.nvim_buf_call(bufnr, function()
        vim.cmd('setfiletype flowzap')
      end)
    end
  end
end

local function filetype_buffers(filetypes)
  local out = {}
  for _, bufnr in ipairs(api.nvim_list_bufs()) do
    if api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(filetypes, vim.bo[bufnr].filetype) then
      table.insert(out, bufnr)
    end
  end
  return out
end

-- (vim.validate's table form is deprecated on 0.11, its new form missing on 0.7.)
local function check_type(opts, key, types)
  local value = opts[key]
  if value ~= nil and not vim.tbl_contains(types, type(value)) then
    error(('flowzap: setup(): %s must be a %s, got %s'):format(key, table.concat(types, ' or '), type(value)), 0)
  end
end

--- Configure fz-lsp and start it for every `flowzap` buffer (see the top of this file).
function M.setup(opts)
  opts = opts or {}
  if type(opts) ~= 'table' then
    error('flowzap: setup() takes a table', 0)
  end
  check_type(opts, 'cmd', { 'table', 'function' })
  check_type(opts, 'settings', { 'table' })
  check_type(opts, 'filetypes', { 'table' })
  check_type(opts, 'root_markers', { 'table' })
  check_type(opts, 'on_attach', { 'function' })
  check_type(opts, 'strategy', { 'string' })
  check_type(opts, 'autostart', { 'boolean' })
  M.cmd_from_user = opts.cmd ~= nil
  -- A plugin manager that adds editors/nvim to the runtimepath late (lazy.nvim's config
  -- function) has not sourced plugin/flowzap.lua: the :FlowZap* commands come from there.
  if not vim.g.loaded_flowzap then
    vim.cmd('runtime plugin/flowzap.lua')
  end
  local config = merge(defaults.defaults(), opts)
  M.strategy = M.pick_strategy(config.strategy)
  local autostart = config.autostart ~= false
  for key in pairs(PLUGIN_KEYS) do
    config[key] = nil
  end
  M.config = config
  M.register_filetype()

  local group = api.nvim_create_augroup(GROUP, { clear = true })

  if M.strategy == 'enable' then
    vim.lsp.config(NAME, config)
    if autostart and #filetype_buffers(config.filetypes) > 0 then
      command_ok(config.cmd) -- vim.lsp.enable would only log it
    end
    vim.lsp.enable(NAME, autostart)
    if autostart then
      api.nvim_create_autocmd('FileType', {
        group = group,
        pattern = config.filetypes,
        desc = 'Say how to install fz-lsp when it is missing',
        callback = function()
          command_ok(vim.lsp.config[NAME].cmd)
        end,
      })
    end
    return
  end

  if not autostart then
    return
  end
  api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    desc = 'Start fz-lsp for FlowZap Code buffers',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  for _, bufnr in ipairs(filetype_buffers(config.filetypes)) do
    M.attach(bufnr)
  end
end

--- Switch to a newly installed server (after :FlowZapInstall), unless the user
--- gave a command of their own, and start it for the open FlowZap buffers.
function M.use_server(cmd)
  local enabled = vim.lsp.is_enabled ~= nil and vim.lsp.is_enabled(NAME)
  if M.config then
    if M.cmd_from_user then
      return
    end
    M.config.cmd = cmd
    if M.strategy == 'enable' then
      vim.lsp.config(NAME, { cmd = cmd })
    end
  elseif enabled then
    local current = vim.lsp.config[NAME].cmd
    if type(current) ~= 'table' or vim.fn.executable(current[1]) == 1 then
      return -- a working command of the user's own
    end
    vim.lsp.config(NAME, { cmd = cmd })
  else
    return
  end
  state.warned = {}
  M.restart()
end

--- Stop every fz-lsp client and start it again for the buffers it served.
function M.restart()
  local strategy, config = M.strategy, M.config
  if not strategy and vim.lsp.is_enabled ~= nil and vim.lsp.is_enabled(NAME) then
    strategy, config = 'enable', vim.lsp.config[NAME]
  end
  if not strategy or not config then
    vim.notify('flowzap: not set up: call require("flowzap").setup()', vim.log.levels.WARN)
    return
  end
  local buffers, ids = {}, {}
  for _, client in ipairs(M.clients()) do
    for _, bufnr in ipairs(client_buffers(client)) do
      buffers[bufnr] = true
    end
    table.insert(ids, client.id)
    vim.lsp.stop_client(client.id)
  end
  state.clients = {}
  local function all_stopped()
    for _, id in ipairs(ids) do
      if vim.lsp.get_client_by_id(id) then
        return false
      end
    end
    return true
  end
  if not vim.wait(3000, all_stopped, 20) then
    for _, id in ipairs(ids) do
      vim.lsp.stop_client(id, true)
    end
    vim.wait(1000, all_stopped, 20)
  end
  if next(buffers) == nil then
    for _, bufnr in ipairs(filetype_buffers(config.filetypes or { 'flowzap' })) do
      buffers[bufnr] = true
    end
  end
  for bufnr in pairs(buffers) do
    if usable_buffer(bufnr) then
      if strategy == 'enable' then
        api.nvim_exec_autocmds('FileType', { group = 'nvim.lsp.enable', buffer = bufnr })
      else
        M.attach(bufnr)
      end
    end
  end
end

--- Lines describing the running clients (used by :FlowZapInfo and :checkhealth).
function M.describe()
  local lines = {}
  local strategy, config = M.strategy, M.config
  if not strategy and vim.lsp.is_enabled ~= nil and vim.lsp.is_enabled(NAME) then
    strategy, config = 'vim.lsp.enable() without setup()', vim.lsp.config[NAME]
  end
  table.insert(lines, ('strategy: %s'):format(strategy or 'not set up'))
  if config and type(config.cmd) == 'table' then
    table.insert(lines, ('cmd: %s'):format(table.concat(config.cmd, ' ')))
  end
  local clients = M.clients()
  if #clients == 0 then
    table.insert(lines, 'no fz-lsp client is running')
  end
  for _, client in ipairs(clients) do
    local bufs = {}
    for _, bufnr in ipairs(client_buffers(client)) do
      table.insert(bufs, ('%d:%s'):format(bufnr, vim.fn.fnamemodify(api.nvim_buf_get_name(bufnr), ':~:.')))
    end
    table.insert(
      lines,
      ('client %d: root %s, position encoding %s, buffers %s'):format(
        client.id,
        client.config.root_dir or '(none: single file)',
        client.offset_encoding or '?',
        #bufs > 0 and table.concat(bufs, ', ') or '(none)'
      )
    )
  end
  return lines
end

function M.info()
  local chunks = {}
  for _, line in ipairs(M.describe()) do
    table.insert(chunks, { line .. '\n' })
  end
  api.nvim_echo(chunks, true, {})
end

return M
