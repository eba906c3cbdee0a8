-- Telling FlowZap Code from other *.fz files: the Fuzion language uses the same
-- extension. A file is FlowZap Code when one of its first lines is a lane
-- header (`Id {`, optionally `# label`) or a node line (`nK: ...`); a file whose
-- first lines hold other code is left alone. An empty file, or one with only
-- comments so far, is FlowZap (a new diagram). The VS Code extension applies the
-- same two rules (src/flowzapContent.ts), except that there a file of blank and
-- comment lines only stays with the language VS Code gave it.
local M = {}

M.LINES = 30

local function is_flowzap_line(line)
  -- Lane header: an ID without spaces, braces, quotes or `#`, then `{`.
  if line:match('^%s*[^%s{}#"/]+%s*{%s*$') or line:match('^%s*[^%s{}#"/]+%s*{%s*#') then
    return true
  end
  -- Node line: n followed by digits, a colon, then something.
  return line:match('^%s*n%d+%s*:%s*%S') ~= nil
end

local function is_blank_or_comment(line)
  return line:match('^%s*$') ~= nil or line:match('^%s*#') ~= nil or line:match('^%s*//') ~= nil
end

--- 'flowzap' when `lines` read like FlowZap Code, nil when they read like something else.
function M.classify(lines)
  for i = 1, math.min(#lines, M.LINES) do
    local line = lines[i]
    if is_flowzap_line(line) then
      return 'flowzap'
    end
    if not is_blank_or_comment(line) then
      return nil
    end
  end
  return 'flowzap'
end

--- The first lines of a buffer (or of the `contents` list vim.filetype.match passes on).
local function first_lines(bufnr)
  if type(bufnr) == 'table' then
    return vim.list_slice(bufnr, 1, M.LINES)
  end
  if bufnr == nil or not vim.api.nvim_buf_is_valid(bufnr) then
    return {}
  end
  return vim.api.nvim_buf_get_lines(bufnr, 0, M.LINES, false)
end

--- For vim.filetype.add({ extension = { fz = ... } }): fun(path, bufnr).
function M.filetype(_, bufnr)
  return M.classify(first_lines(bufnr))
end

--- Register the detection: vim.filetype on 0.8+, an autocommand on 0.7.
function M.register()
  if vim.fn.has('nvim-0.8') == 1 and vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { fz = M.filetype } })
  elseif vim.fn.exists('#flowzap_filetype') == 0 then
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = vim.api.nvim_create_augroup('flowzap_filetype', { clear = true }),
      pattern = '*.fz',
      callback = function(args)
        if M.filetype(nil, args.buf) == 'flowzap' then
          vim.cmd('setfiletype flowzap')
        end
      end,
    })
  end
end

return M
