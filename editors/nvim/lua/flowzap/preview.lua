-- :FlowZapPreview - the picture of the current FlowZap buffer in a browser.
--
-- With fz-lsp attached, the buffer is drawn as it is typed (unsaved text included) through
-- the server's `flowzap/render` request; the SVG goes to a file in a private temporary
-- folder, which `fz-lsp preview` serves on 127.0.0.1 and reloads in the page (pan and zoom
-- kept). While the text has errors the last error-free picture stays. Without the server,
-- `fz-lsp preview FILE` shows the file as saved on disk.
local M = {}

local api = vim.api
local uv = vim.loop

local DELAY_MS = 200

-- bufnr -> { job, url, svg, dir, timer, pending, drawn }
local previews = {}

--- Opens `url` in the browser; replaced by tests (and by users who want another browser).
function M.open_url(url)
  if vim.ui and vim.ui.open then
    vim.ui.open(url)
    return
  end
  local opener
  if vim.fn.has('mac') == 1 then
    opener = { 'open', url }
  elseif vim.fn.has('win32') == 1 then
    opener = { 'cmd', '/c', 'start', '', url }
  elseif vim.fn.executable('xdg-open') == 1 then
    opener = { 'xdg-open', url }
  end
  if opener then
    vim.fn.jobstart(opener, { detach = true })
  else
    vim.notify('flowzap: open ' .. url .. ' in your browser', vim.log.levels.INFO)
  end
end

local function client_for(bufnr)
  local name = require('flowzap.config').name
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = name })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  for _, client in ipairs(clients) do
    if client.name == name then
      return client
    end
  end
end

--- The command that runs `fz-lsp preview`: the server command of the plugin's config.
local function preview_cmd(target)
  local config = require('flowzap').config or require('flowzap.config').defaults()
  local cmd = {}
  for _, word in ipairs(config.cmd or { 'fz-lsp' }) do
    if word ~= '--stdio' then
      table.insert(cmd, word)
    end
  end
  vim.list_extend(cmd, { 'preview', target })
  return cmd
end

local function write_atomically(path, text)
  local temporary = path .. '.tmp'
  local file = assert(io.open(temporary, 'wb'))
  file:write(text)
  file:close()
  assert(os.rename(temporary, path))
end

local function theme()
  return vim.o.background == 'dark' and 'dark' or 'light'
end

--- Ask the server for the buffer's picture; keep the last error-free one while there are errors.
local function draw(bufnr)
  local preview = previews[bufnr]
  local client = client_for(bufnr)
  if not preview or not client or preview.pending then
    if preview then
      preview.again = preview.pending
    end
    return
  end
  preview.pending = true
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, format = 'svg', theme = theme() }
  client.request('flowzap/render', params, function(err, result)
    preview.pending = false
    if previews[bufnr] ~= preview then
      return -- stopped meanwhile
    end
    if err or type(result) ~= 'table' or type(result.svg) ~= 'string' then
      preview.problem = err and (err.message or tostring(err)) or 'no picture'
    elseif result.errors == 0 or not preview.drawn then
      write_atomically(preview.svg, result.svg)
      preview.drawn = true
      preview.version = result.version
      preview.errors = result.errors
    else
      preview.errors = result.errors
    end
    if preview.again then
      preview.again = false
      draw(bufnr)
    end
  end, bufnr)
end

local function schedule(bufnr)
  local preview = previews[bufnr]
  if not preview then
    return
  end
  preview.timer:stop()
  preview.timer:start(DELAY_MS, 0, vim.schedule_wrap(function()
    draw(bufnr)
  end))
end

function M.stop(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local preview = previews[bufnr]
  if not preview then
    return
  end
  previews[bufnr] = nil
  preview.timer:stop()
  preview.timer:close()
  pcall(api.nvim_del_augroup_by_name, 'flowzap_preview_' .. bufnr)
  vim.fn.jobstop(preview.job)
  if preview.dir then
    vim.fn.delete(preview.dir, 'rf')
  end
end

--- The preview of a buffer, for :FlowZapInfo and the tests.
function M.state(bufnr)
  return previews[(bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr]
end

function M.open(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local existing = previews[bufnr]
  if existing and existing.url then
    M.open_url(existing.url)
    return existing
  end
  local client = client_for(bufnr)
  local file = api.nvim_buf_get_name(bufnr)
  local target, dir, svg
  if client then
    -- A folder of our own (mode 0700) for the picture of the unsaved buffer.
    local base = vim.fn.fnamemodify(file ~= '' and file or 'diagram.fz', ':t:r')
    dir = vim.fn.tempname() .. '-flowzap'
    vim.fn.mkdir(dir, 'p', 448) -- 0700
    svg = dir .. '/' .. base .. '.svg'
    -- Something to serve until the first answer: the page shows it and then reloads.
    write_atomically(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    target = svg
  elseif file ~= '' and vim.fn.filereadable(file) == 1 then
    target = file
  else
    vim.notify('flowzap: no language server attached and no file on disk to preview', vim.log.levels.WARN)
    return nil
  end

  local preview = { dir = dir, svg = svg, timer = uv.new_timer(), drawn = false }
  local output = ''
  preview.job = vim.fn.jobstart(preview_cmd(target), {
    on_stdout = function(_, data)
      output = output .. table.concat(data, '\n')
      local url = output:match('(http://127%.0%.0%.1:%d+/)')
      if url and not preview.url then
        preview.url = url
        M.open_url(url)
      end
    end,
    on_stderr = function(_, data)
      local text = vim.trim(table.concat(data, '\n'))
      if text ~= '' then
        preview.problem = text
      end
    end,
    on_exit = function(_, code)
      if previews[bufnr] == preview and code ~= 0 and code ~= 143 then
        vim.schedule(function()
          vim.notify(('flowzap: fz-lsp preview stopped (exit %d): %s'):format(code, preview.problem or ''), vim.log.levels.ERROR)
        end)
      end
    end,
  })
  if preview.job <= 0 then
    vim.notify('flowzap: cannot start ' .. table.concat(preview_cmd(target), ' '), vim.log.levels.ERROR)
    preview.timer:close()
    return nil
  end
  previews[bufnr] = preview

  local group = api.nvim_create_augroup('flowzap_preview_' .. bufnr, { clear = true })
  if client then
    -- Every change, typed or made by a plugin or the API (TextChanged misses the latter).
    api.nvim_buf_attach(bufnr, false, {
      on_lines = function()
        if previews[bufnr] ~= preview then
          return true -- detach: this preview is over
        end
        vim.schedule(function()
          schedule(bufnr)
        end)
      end,
    })
    api.nvim_create_autocmd('OptionSet', {
      group = group,
      pattern = 'background',
      callback = function()
        schedule(bufnr)
      end,
    })
    draw(bufnr)
  end
  api.nvim_create_autocmd({ 'BufWipeout', 'BufDelete' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.stop(bufnr)
    end,
  })
  api.nvim_create_autocmd('VimLeavePre', {
    group = group,
    callback = function()
      M.stop(bufnr)
    end,
  })
  return preview
end

return M
