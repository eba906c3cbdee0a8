-- Finding the fz-lsp server, and :FlowZapInstall, which makes a virtualenv
-- under Neovim's data directory and installs the server into it from this
-- plugin's own checkout (the plugin is the editors/nvim folder of the fz-lsp
-- repository, so the server source is two folders up; no package index entry
-- is needed, only pip's build tools).
local M = {}

local uv = vim.uv or vim.loop
local is_windows = vim.fn.has('win32') == 1

M.MIN_PYTHON = { 3, 10 }

-- install state: 'idle' | 'running' | 'done' | 'failed'
M.state = 'idle'
M.message = nil

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The folder of the fz-lsp checkout this plugin lives in, or nil.
function M.checkout()
  local source = debug.getinfo(1, 'S').source:gsub('^@', '')
  local root = vim.fn.fnamemodify(source, ':p:h:h:h:h:h')
  if exists(root .. '/pyproject.toml') and exists(root .. '/fz_lsp/__init__.py') then
    return root
  end
  return nil
end

--- The virtualenv :FlowZapInstall makes: stdpath('data')/flowzap/venv.
function M.venv()
  return vim.fn.stdpath('data') .. '/flowzap/venv'
end

function M.venv_server()
  return M.venv() .. (is_windows and '/Scripts/fz-lsp.exe' or '/bin/fz-lsp')
end

--- The server command and where it came from: `fz-lsp` on PATH first, then
--- the venv of :FlowZapInstall. Returns ({ 'fz-lsp' }, nil) when neither has it.
function M.server_cmd()
  if vim.fn.executable('fz-lsp') == 1 then
    return { 'fz-lsp' }, 'PATH'
  end
  local venv_server = M.venv_server()
  if vim.fn.executable(venv_server) == 1 then
    return { venv_server }, 'venv'
  end
  return { 'fz-lsp' }, nil
end

--- Version of a Python as { major, minor, patch }, or nil when it does not run.
function M.python_version(python)
  if vim.fn.executable(python) ~= 1 then
    return nil
  end
  local out = vim.fn.system({ python, '-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])' })
  if vim.v.shell_error ~= 0 then
    return nil
  end
  local major, minor, patch = vim.trim(out):match('^(%d+)%.(%d+)%.(%d+)$')
  if not major then
    return nil
  end
  return { tonumber(major), tonumber(minor), tonumber(patch) }
end

local function new_enough(version)
  return version[1] > M.MIN_PYTHON[1] or (version[1] == M.MIN_PYTHON[1] and version[2] >= M.MIN_PYTHON[2])
end

--- The first Python >= 3.10 among g:flowzap_python, python3 and python.
--- Returns path, version; or nil and a sentence saying what was found.
function M.find_python()
  local found = {}
  local candidates = { vim.g.flowzap_python, 'python3', 'python' }
  if is_windows then
    candidates = { vim.g.flowzap_python, 'python', 'python3' }
  end
  for _, name in pairs(candidates) do
    if type(name) == 'string' and name ~= '' then
      local version = M.python_version(name)
      if version and new_enough(version) then
        return vim.fn.exepath(name) ~= '' and vim.fn.exepath(name) or name, version
      elseif version then
        table.insert(found, ('%s is Python %s'):format(name, table.concat(version, '.')))
      end
    end
  end
  local why = #found > 0 and table.concat(found, ', ') or 'no python3 or python on PATH'
  return nil,
    ('fz-lsp needs Python %d.%d or later (%s). Install one, or point g:flowzap_python at it.'):format(
      M.MIN_PYTHON[1],
      M.MIN_PYTHON[2],
      why
    )
end

local function notify(msg, level)
  vim.schedule(function()
    vim.notify('flowzap: ' .. msg, level or vim.log.levels.INFO)
  end)
end

-- Run the steps one after another with jobstart (works from 0.7 on).
local function run_steps(steps, on_done)
  local function step(i)
    if i > #steps then
      on_done(true)
      return
    end
    local output = {}
    local function collect(_, data)
      for _, line in ipairs(data or {}) do
        if line ~= '' then
          table.insert(output, line)
        end
      end
    end
    local ok, job = pcall(vim.fn.jobstart, steps[i].cmd, {
      on_stdout = collect,
      on_stderr = collect,
      on_exit = function(_, code)
        if code == 0 then
          step(i + 1)
        else
          local tail = table.concat(vim.list_slice(output, math.max(1, #output - 5)), '\n')
          on_done(false, ('%s failed (exit %d): %s'):format(steps[i].what, code, tail))
        end
      end,
    })
    if not ok or job <= 0 then
      on_done(false, ('%s could not be started: %s'):format(steps[i].what, table.concat(steps[i].cmd, ' ')))
    end
  end
  step(1)
end

--- :FlowZapInstall: (re)make the venv and install the server from the checkout.
--- opts.on_done(ok, message) is called at the end (after the plugin switched
--- to the new server).
function M.install(opts)
  opts = opts or {}
  local function finish(ok, msg)
    M.state = ok and 'done' or 'failed'
    M.message = msg
    notify(msg, ok and vim.log.levels.INFO or vim.log.levels.ERROR)
    vim.schedule(function()
      if ok then
        require('flowzap').use_server({ M.venv_server() })
      end
      if opts.on_done then
        opts.on_done(ok, msg)
      end
    end)
  end
  if M.state == 'running' then
    notify('an installation is already running')
    return
  end
  local root = M.checkout()
  if not root then
    finish(false, 'this plugin is not inside an fz-lsp checkout, so there is nothing to install from')
    return
  end
  local python, version = M.find_python()
  if not python then
    finish(false, version)
    return
  end
  local venv = M.venv()
  local venv_python = venv .. (is_windows and '/Scripts/python.exe' or '/bin/python')
  M.state = 'running'
  notify(('installing fz-lsp from %s into %s (Python %s) ...'):format(root, venv, table.concat(version, '.')))
  vim.fn.mkdir(vim.fn.fnamemodify(venv, ':h'), 'p')
  run_steps({
    { what = 'creating the virtualenv', cmd = { python, '-m', 'venv', '--clear', venv } },
    {
      what = 'pip install',
      cmd = { venv_python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', root },
    },
    { what = 'fz-lsp --version', cmd = { M.venv_server(), '--version' } },
  }, function(ok, msg)
    if ok then
      finish(true, ('fz-lsp installed in %s'):format(venv))
    else
      finish(false, msg)
    end
  end)
end

return M
