" Vim syntax file
" Language:     FlowZap Code (*.fz)
" Maintainer:   the fz-lsp project
"
" Highlights the same elements as the VS Code TextMate grammar: lane IDs and
" display labels, node IDs (declarations and references), shapes, attribute
" keys, strings and their escapes, handle(...) with its direction, '->', edge
" labels, loops and the comment lines the server warns about.
"
" Only the lowercase spellings of keywords, shapes, directions and keys are
" highlighted: FlowZap reads them lowercase, and the server reports any other
" case, so an unhighlighted 'Circle' is a hint before the diagnostic arrives.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn sync minlines=1

" Comments: a whole line starting with '#' or '//' (FlowZap drops them).
syn keyword flowzapTodo contained TODO FIXME XXX NOTE
syn match flowzapComment /^\s*\zs\%(#\|\/\/\).*$/ contains=flowzapTodo,@Spell

" Lane header: 'LaneId {' with an optional '# Display label' to end of line.
syn match flowzapLaneId /^\s*\zs\h[A-Za-z0-9_-]*\ze\s*{/ nextgroup=flowzapLaneOpen skipwhite
syn match flowzapLaneOpen /{/ contained nextgroup=flowzapLaneLabelMark skipwhite
syn match flowzapLaneLabelMark /#/ contained nextgroup=flowzapLaneLabel skipwhite
syn match flowzapLaneLabel /.*$/ contained contains=@Spell
syn match flowzapLaneClose /^\s*\zs}\ze\s*$/

" Node references anywhere on a line (edges, loop members), with an optional
" 'Lane.' prefix.
syn match flowzapNodeRef /\<n\d\+\>/
syn match flowzapLaneRef /\<\h[A-Za-z0-9_-]*\ze\.n\d\+\>/ nextgroup=flowzapDot
syn match flowzapDot /\./ contained

" Node declaration: 'nK: shape key:"value" ...'.
syn match flowzapNodeDecl /^\s*\zsn\d\+\ze\s*:/ nextgroup=flowzapDeclColon skipwhite
syn match flowzapDeclColon /:/ contained nextgroup=flowzapShape skipwhite
syn keyword flowzapShape contained circle rectangle diamond taskbox
syn match flowzapAttrKey /\<\%(label\|owner\|description\|system\)\ze\s*[:=]\s*"/ nextgroup=flowzapAttrSep skipwhite
syn match flowzapAttrSep /[:=]/ contained

" Strings: double-quoted, one line, with \" and \\ escapes.
syn region flowzapString start=/"/ skip=/\\[\\"]/ end=/"/ end=/$/ oneline contains=flowzapEscape,@Spell
syn match flowzapEscape /\\[\\"]/ contained

" Edge: 'nA.handle(dir) -> nB.handle(dir) [label="text"]'.
syn match flowzapHandle /\.\zshandle\ze\s*(/ nextgroup=flowzapHandleArgs
syn region flowzapHandleArgs matchgroup=flowzapParen start=/(/ end=/)/ oneline contained contains=flowzapDirection
syn keyword flowzapDirection contained left right top bottom
syn match flowzapArrow /->/
syn region flowzapEdgeAttrs matchgroup=flowzapBracket start=/\[\ze\s*label\>/ end=/\]/ oneline contains=flowzapAttrKey,flowzapString

" Loop: 'loop [free text] nA nB ...' (the text runs to the first ']').
syn match flowzapLoop /^\s*\zsloop\>/ nextgroup=flowzapLoopText skipwhite
syn region flowzapLoopText matchgroup=flowzapBracket start=/\[/ end=/\]/ oneline contained contains=@Spell

hi def link flowzapTodo          Todo
hi def link flowzapComment       Comment
hi def link flowzapLaneId        Type
hi def link flowzapLaneOpen      Delimiter
hi def link flowzapLaneClose     Delimiter
hi def link flowzapLaneLabelMark Delimiter
hi def link flowzapLaneLabel     Title
hi def link flowzapNodeDecl      Function
hi def link flowzapNodeRef       Identifier
hi def link flowzapLaneRef       Type
hi def link flowzapDot           Delimiter
hi def link flowzapDeclColon     Delimiter
hi def link flowzapShape         Keyword
hi def link flowzapAttrKey       Label
hi def link flowzapAttrSep       Operator
hi def link flowzapString        String
hi def link flowzapEscape        SpecialChar
hi def link flowzapHandle        Function
hi def link flowzapParen         Delimiter
hi def link flowzapDirection     Constant
hi def link flowzapArrow         Operator
hi def link flowzapBracket       Delimiter
hi def link flowzapLoop          Repeat
hi def link flowzapLoopText      String

let b:current_syntax = 'flowzap'

let &cpo = s:cpo_save
unlet s:cpo_save
