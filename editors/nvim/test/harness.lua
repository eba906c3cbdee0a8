-- The PASS/FAIL/RESULT lines every Neovim end-to-end script prints (run.sh reads them), in one
-- place: `local h = dofile(test_dir .. '/harness.lua').new(tag)`, then h.check / h.eq and the
-- counts h.passed / h.failed for the script's own RESULT line.
local M = {}

function M.out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

function M.show(x)
  if type(x) == 'string' then
    return ('%q'):format(x)
  end
  return vim.inspect(x, { newline = ' ', indent = '' })
end

function M.new(tag)
  local h = { passed = 0, failed = 0, out = M.out, show = M.show }
  function h.check(name, ok, detail)
    if ok then
      h.passed = h.passed + 1
      M.out('PASS ' .. tag .. name)
    else
      h.failed = h.failed + 1
      M.out('FAIL ' .. tag .. name .. (detail and (': ' .. detail) or ''))
    end
    return ok
  end
  function h.eq(name, got, want)
    return h.check(name, vim.deep_equal(got, want), ('expected %s, got %s'):format(M.show(want), M.show(got)))
  end
  return h
end

return M
