;;; flowzap-mode.el --- Major mode for FlowZap Code (.fz) with fz-lsp  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages

;; This file is not part of GNU Emacs.

;;; Commentary:

;; A small major mode for FlowZap Code, the text format behind flowzap.xyz
;; diagrams: syntax highlighting, comments, imenu/outline over lanes, and the
;; registration of the fz-lsp language server with Eglot.
;;
;;   (add-to-list 'load-path "/path/to/fz-lsp/editors/emacs")
;;   (require 'flowzap-mode)
;;   (add-hook 'flowzap-mode-hook #'eglot-ensure)   ; start fz-lsp automatically
;;
;; The server is `fz-lsp' on `exec-path', or the one in the virtualenv named by
;; `flowzap-lsp-venv'.  Make that venv from a checkout of fz-lsp with
;;
;;   python3 -m venv ~/.local/share/fz-lsp && ~/.local/share/fz-lsp/bin/pip install /path/to/fz-lsp
;;
;; and (setq flowzap-lsp-venv "~/.local/share/fz-lsp").
;;
;; Server settings (the `fz-lsp' section) go in `flowzap-lsp-settings'; they are
;; sent as initializationOptions when the server starts.

;;; Code:

(defgroup flowzap nil
  "FlowZap Code editing and the fz-lsp language server."
  :group 'languages
  :prefix "flowzap-")

(defcustom flowzap-lsp-command '("fz-lsp")
  "Command (program and arguments) that starts the fz-lsp server on stdio.
A bare program name is looked up on `exec-path', unless `flowzap-lsp-venv'
is set."
  :type '(repeat string))

(defcustom flowzap-lsp-venv nil
  "Virtualenv that holds fz-lsp, or nil to use `fz-lsp' from `exec-path'.
When set (for example \"~/.local/share/fz-lsp\"), the server is started as
VENV/bin/fz-lsp (VENV/Scripts/fz-lsp.exe on Windows), with the arguments of
`flowzap-lsp-command'."
  :type '(choice (const :tag "fz-lsp on exec-path" nil) directory))

(defun flowzap-lsp-server-command ()
  "The command that starts fz-lsp: from `flowzap-lsp-venv' when set."
  (if flowzap-lsp-venv
      (cons (expand-file-name (if (eq system-type 'windows-nt) "Scripts/fz-lsp.exe" "bin/fz-lsp")
                              flowzap-lsp-venv)
            (cdr flowzap-lsp-command))
    flowzap-lsp-command))

(defcustom flowzap-lsp-settings nil
  "The fz-lsp settings object, sent as initializationOptions.
A plist such as (:debounceMs 150 :severity (:FZ501 \"off\")).  The
same object may also be given under the `fz-lsp' section of
`eglot-workspace-configuration'."
  :type '(plist))

(defconst flowzap--id "[A-Za-z_][A-Za-z0-9_-]*"
  "A lane ID: letters, digits, `_' and `-', not starting with a digit.")

(defconst flowzap--lane-header-re
  (concat "^[ \t]*\\(" flowzap--id "\\)[ \t]*\\({\\)\\(?:[ \t]*\\(#\\)[ \t]*\\(.*\\)\\)?")
  "A lane header: `LaneId {' with an optional `# Display label'.")

(defconst flowzap--node-decl-re
  "^[ \t]*\\(n[0-9]+\\)[ \t]*\\(:\\)[ \t]*\\(circle\\|rectangle\\|diamond\\|taskbox\\)?\\_>"
  "A node declaration: `nK: shape'.")

(defvar flowzap-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?- "_" table)
    ;; `#' and `/' start comments only at the beginning of a line; see
    ;; `flowzap--syntax-propertize'.
    (modify-syntax-entry ?# "." table)
    (modify-syntax-entry ?/ "." table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?{ "(}" table)
    (modify-syntax-entry ?} "){" table)
    (modify-syntax-entry ?\[ "(]" table)
    (modify-syntax-entry ?\] ")[" table)
    (modify-syntax-entry ?\( "()" table)
    (modify-syntax-entry ?\) ")(" table)
    table)
  "Syntax table for `flowzap-mode'.")

(defconst flowzap--syntax-propertize
  (syntax-propertize-rules
   ;; A line whose first non-blank text is `#' or `//' is a comment (the
   ;; server warns about it, FZ302: FlowZap drops such lines).
   ("^[ \t]*\\(#\\)" (1 "<"))
   ("^[ \t]*\\(/\\)/" (1 "<")))
  "Mark line comments; `#' after a lane's `{' stays a display label.")

(defvar flowzap-font-lock-keywords
  `((,flowzap--lane-header-re
     (1 font-lock-type-face)
     (3 font-lock-comment-delimiter-face nil t)
     (4 font-lock-doc-face nil t))
    (,flowzap--node-decl-re
     (1 font-lock-function-name-face)
     (3 font-lock-keyword-face nil t))
    ("\\_<\\(label\\|owner\\|description\\|system\\)[ \t]*[:=][ \t]*\""
     1 font-lock-builtin-face)
    (,(concat "\\_<\\(" flowzap--id "\\)\\.\\(n[0-9]+\\)\\_>")
     (1 font-lock-type-face)
     (2 font-lock-variable-name-face))
    ("\\_<n[0-9]+\\_>" . font-lock-variable-name-face)
    ("\\.\\(handle\\)[ \t]*(\\(?:[ \t]*\\(left\\|right\\|top\\|bottom\\)\\_>\\)?"
     (1 font-lock-function-name-face)
     (2 font-lock-constant-face nil t))
    ("->" . font-lock-builtin-face)
    ("^[ \t]*\\(loop\\)\\_>\\(?:[ \t]*\\(\\[[^]\n]*\\]\\)\\)?"
     (1 font-lock-keyword-face)
     (2 font-lock-string-face nil t)))
  "Highlighting for `flowzap-mode'.")

(defvar flowzap-imenu-generic-expression
  `(("Nodes" ,(concat "^[ \t]*\\(n[0-9]+\\)[ \t]*:[ \t]*[a-z]+.*?label[ \t]*:[ \t]*\"\\(?:[^\"\\]\\|\\\\.\\)*\"") 1)
    (nil ,flowzap--lane-header-re 1))
  "Imenu entries: lanes at the top level, nodes under \"Nodes\".")

;;;###autoload
(define-derived-mode flowzap-mode prog-mode "FlowZap"
  "Major mode for FlowZap Code diagrams (.fz files).

Start the fz-lsp language server with \\[eglot], or add `eglot-ensure'
to `flowzap-mode-hook'."
  :syntax-table flowzap-mode-syntax-table
  (setq-local font-lock-defaults '(flowzap-font-lock-keywords))
  (setq-local syntax-propertize-function flowzap--syntax-propertize)
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|#+\\)[ \t]*")
  (setq-local comment-use-syntax t)
  (setq-local indent-tabs-mode nil)
  (setq-local imenu-generic-expression flowzap-imenu-generic-expression)
  (setq-local outline-regexp (concat "[ \t]*" flowzap--id "[ \t]*{"))
  (setq-local outline-level (lambda () 1)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.fz\\'" . flowzap-mode))

(defun flowzap-eglot-contact (&optional _interactive)
  "The Eglot contact for fz-lsp: `flowzap-lsp-server-command' plus its settings.
Signals a `user-error' that says how to install the server when it is missing."
  (let* ((command (flowzap-lsp-server-command))
         (program (car command)))
    (unless (if (file-name-absolute-p program)
                (file-executable-p program)
              (executable-find program))
      (user-error "fz-lsp not found (%s): %s" program
                  (if flowzap-lsp-venv
                      (format "make the venv with `python3 -m venv %s && %s/bin/pip install /path/to/fz-lsp'"
                              flowzap-lsp-venv flowzap-lsp-venv)
                    "install it on PATH, or set `flowzap-lsp-venv' to the virtualenv that has it")))
    (append command
            (when flowzap-lsp-settings
              (list :initializationOptions flowzap-lsp-settings)))))

(defvar eglot-server-programs)

;;;###autoload
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(flowzap-mode . flowzap-eglot-contact)))

(provide 'flowzap-mode)
;;; flowzap-mode.el ends here
