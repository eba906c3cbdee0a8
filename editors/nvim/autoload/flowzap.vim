" Helpers for the FlowZap Code filetype (folding).

let s:lane_header = '^\s*\h[A-Za-z0-9_-]*\s*{'
let s:lane_close = '^\s*}\s*$'

" Fold level of line a:lnum: a fold opens at a lane header and closes at the
" lane's '}'. Lanes do not nest, so one level is enough.
function! flowzap#foldexpr(lnum) abort
  let l:line = getline(a:lnum)
  if l:line =~# s:lane_header
    return '>1'
  elseif l:line =~# s:lane_close
    return '<1'
  endif
  " Any other line keeps the level of the line before it: 1 inside a lane,
  " 0 after its closing brace.
  return '='
endfunction

" Closed fold text: 'LaneId  Display label  (3 nodes, 2 edges)'.
function! flowzap#foldtext() abort
  let l:header = getline(v:foldstart)
  let l:id = matchstr(l:header, '^\s*\zs\h[A-Za-z0-9_-]*')
  let l:label = matchstr(l:header, '{\s*#\s*\zs.\{-}\ze\s*$')
  let l:nodes = 0
  let l:edges = 0
  for l:text in getline(v:foldstart + 1, v:foldend)
    if l:text =~# '^\s*n\d\+\s*:'
      let l:nodes += 1
    elseif l:text =~# '->'
      let l:edges += 1
    endif
  endfor
  let l:text = l:id
  if !empty(l:label)
    let l:text .= '  ' . l:label
  endif
  return printf('%s  (%d nodes, %d edges) ', l:text, l:nodes, l:edges)
endfunction
