-- End-to-end test of :FlowZapPreview against the real fz-lsp server: the unsaved buffer is drawn
-- through `flowzap/render`, served by `fz-lsp preview` on 127.0.0.1, redrawn as it is edited,
-- the last error-free picture kept while it has errors, and everything stopped with the buffer.
--
-- Run by test/run.sh (Neovim 0.7 and 0.11); by hand:
--   nvim --headless --clean -u NONE -l test/preview.lua                 (0.9+)
--   nvim --headless --clean -u NONE -c 'luafile test/preview.lua'       (0.7)
-- Environment: FZ_LSP_CMD (server command), FZ_TEST_TIMEOUT_MS (default 15000).
-- Prints one PASS/FAIL line per check and a RESULT line; exits 1 on any failure.

local api = vim.api

local source = debug.getinfo(1, 'S').source:gsub('^@', '')
local test_dir = vim.fn.fnamemodify(source, ':p:h')
local plugin_dir = vim.fn.fnamemodify(test_dir, ':h')
local timeout = tonumber(vim.env.FZ_TEST_TIMEOUT_MS or '') or 15000
local v = vim.version()
local tag = ('[nvim %d.%d.%d preview] '):format(v.major, v.minor, v.patch)

local h = dofile(test_dir .. '/harness.lua').new(tag)
local out, check = h.out, h.check

local function read(path)
  local file = io.open(path, 'rb')
  if not file then
    return nil
  end
  local text = file:read('*a')
  file:close()
  return text
end

local function nodes(svg)
  local found = {}
  for id in (svg or ''):gmatch('data%-node="([^"]+)"') do
    table.insert(found, id)
  end
  table.sort(found)
  return table.concat(found, ',')
end

-- An HTTP GET of the page and the first Server-Sent Event, by Python's standard library.
local FETCH = [[
import json, sys, urllib.request
base = sys.argv[1]
page = urllib.request.urlopen(base, timeout=10)
csp = page.headers.get("Content-Security-Policy", "")
events = urllib.request.urlopen(base + "events", timeout=10)
data = None
for raw in events:
    line = raw.decode("utf-8").rstrip("\n")
    if line.startswith("data: "):
        data = json.loads(line[6:])
        break
print(json.dumps({"status": page.status, "csp": csp, "svg": data and data.get("svg")}))
]]

local function fetch(url)
  local text = vim.fn.system({ 'python3', '-c', FETCH, url })
  if vim.v.shell_error ~= 0 then
    return nil, text
  end
  return vim.fn.json_decode(text)
end

local DIAGRAM = {
  'Kitchen { # Küche 厨房',
  'n1: circle label:"Start 🚀"',
  'n2: rectangle label:"Prépare <中文> & \\"order\\""',
  'n1.handle(right) -> n2.handle(left) [label="出发"]',
  '}',
  'Delivery { # Lieferung 配送',
  'n3: rectangle label:"Deliver 配送"',
  'Kitchen.n2.handle(bottom) -> n3.handle(top)',
  '}',
}

local function run()
  vim.opt.runtimepath:prepend(plugin_dir)
  vim.cmd('filetype plugin on')
  vim.cmd('runtime! plugin/flowzap.lua')
  vim.cmd('augroup filetypedetect')
  vim.cmd('source ' .. vim.fn.fnameescape(plugin_dir .. '/ftdetect/flowzap.lua'))
  vim.cmd('augroup END')
  local words = vim.split(vim.env.FZ_LSP_CMD or '', '%s+', { trimempty = true })
  require('flowzap').setup({ cmd = #words > 0 and words or nil, settings = { ['fz-lsp'] = { debounceMs = 0 } } })
  check(':FlowZapPreview exists', vim.fn.exists(':FlowZapPreview') == 2)

  local folder = vim.fn.tempname()
  vim.fn.mkdir(folder, 'p')
  local file = folder .. '/orders.fz'
  vim.fn.writefile(DIAGRAM, file)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = api.nvim_get_current_buf()
  local preview = require('flowzap.preview')
  local attached = vim.wait(timeout, function()
    local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf }) or vim.lsp.buf_get_clients(buf)
    return next(clients) ~= nil
  end, 20)
  check('fz-lsp is attached', attached)

  local opened = {}
  preview.open_url = function(url)
    table.insert(opened, url)
  end
  vim.cmd('FlowZapPreview')
  vim.wait(timeout, function()
    local state = preview.state(buf)
    return #opened > 0 and state and state.drawn
  end, 20)
  local state = preview.state(buf)
  check('the browser is sent to a loopback URL', #opened == 1 and opened[1]:match('^http://127%.0%.0%.1:%d+/$') ~= nil, vim.inspect(opened))
  if not state or not state.drawn then
    check('the buffer was drawn', false, vim.inspect(state))
    return
  end
  local first = read(state.svg)
  check('the picture has one element per node', nodes(first) == 'n1,n2,n3', nodes(first))
  check('labels are escaped text', first:find('Prépare &lt;中文&gt; &amp;', 1, true) ~= nil and first:find('Start 🚀', 1, true) ~= nil)
  local served, problem = fetch(opened[1])
  check(
    'fz-lsp preview serves the page with a strict CSP, and the picture',
    served ~= nil and served.status == 200 and served.csp:find("default-src 'none'", 1, true) ~= nil and served.svg == first,
    problem or vim.inspect(served and { status = served.status, csp = served.csp })
  )

  -- Typing (never saved): the new node appears in the picture; the file on disk is unchanged.
  api.nvim_buf_set_lines(buf, 7, 7, true, { 'n4: circle label:"完成 🎉"' })
  vim.wait(timeout, function()
    return nodes(read(state.svg)) == 'n1,n2,n3,n4'
  end, 20)
  local second = read(state.svg)
  check('an edit of the unsaved buffer is drawn', nodes(second) == 'n1,n2,n3,n4', nodes(second))
  check('the file on disk is untouched', table.concat(vim.fn.readfile(file), '\n') == table.concat(DIAGRAM, '\n'))
  -- The server notices the new file on its next poll (every 0.2 s).
  local again
  vim.wait(timeout, function()
    again = fetch(opened[1])
    return again ~= nil and nodes(again.svg) == 'n1,n2,n3,n4'
  end, 100)
  check('the page gets the new picture', again ~= nil and nodes(again.svg) == 'n1,n2,n3,n4', again and nodes(again.svg))

  -- Mid-word: an edge to a node that does not exist; the last good picture stays.
  api.nvim_buf_set_lines(buf, 8, 8, true, { 'n4.handle(right) -> n9.handle(left)' })
  vim.wait(timeout, function()
    return (state.errors or 0) > 0
  end, 20)
  check('the server counts the error', state.errors == 1, tostring(state.errors))
  check('while the text has errors the last error-free picture stays', read(state.svg) == second)

  -- Wiping the buffer stops the server and removes the picture's folder.
  local job, dir = state.job, state.dir
  vim.cmd('bwipeout!')
  local stopped = vim.fn.jobwait({ job }, timeout)[1]
  check('wiping the buffer stops fz-lsp preview', stopped ~= -1, tostring(stopped))
  check("the picture's folder is removed", vim.fn.isdirectory(dir) == 0, dir)
  check('no preview is left', preview.state(buf) == nil)
end

local ok, e = xpcall(run, function(err)
  return debug.traceback(tostring(err), 2)
end)
if not ok then
  check('test script ran without a Lua error', false, tostring(e))
end
out(('RESULT %d passed, %d failed'):format(h.passed, h.failed))
vim.cmd((h.failed == 0 and h.passed > 0) and 'qall!' or 'cquit!')
