" Filetype settings for FlowZap Code.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

" FlowZap keeps only the lane's "# Display label"; '//' lines are what the
" server reports as dropped comments (FZ302), so they are the safest way to
" comment a statement out while editing.
setlocal commentstring=//\ %s
setlocal comments=://,:#
setlocal formatoptions-=t formatoptions+=croql
let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions<'

" One fold per lane (from 'LaneId {' to its '}'). Folds start open; set
" g:flowzap_folding = 0 before the file is opened to keep your own folding.
if get(g:, 'flowzap_folding', 1)
  setlocal foldmethod=expr
  setlocal foldexpr=flowzap#foldexpr(v:lnum)
  setlocal foldtext=flowzap#foldtext()
  setlocal foldlevel=99
  let b:undo_ftplugin .= ' | setlocal foldmethod< foldexpr< foldtext< foldlevel<'
endif
