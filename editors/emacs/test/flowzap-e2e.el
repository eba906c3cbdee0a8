;;; flowzap-e2e.el --- End-to-end test: flowzap-mode + Eglot + fz-lsp  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by test/run.sh; by hand:
;;   emacs --batch -l test/flowzap-e2e.el
;; Environment: FZ_LSP_CMD (server command, words split on spaces; default
;; `fz-lsp'), FZ_TEST_TIMEOUT (seconds to wait for each answer, default 15).
;; Prints one PASS/FAIL line per check and a RESULT line; exits 1 on failure.

;;; Code:

(require 'cl-lib)
(set-language-environment "UTF-8")
(prefer-coding-system 'utf-8)

(defconst fz-test-dir
  (file-name-directory (or load-file-name buffer-file-name)))
(add-to-list 'load-path (expand-file-name ".." fz-test-dir))
(require 'flowzap-mode)
(require 'eglot)
(require 'flymake)
(require 'xref)

(defconst fz-fixture (expand-file-name "fixtures/unicode.fz" fz-test-dir))
(defconst fz-timeout
  (let ((env (getenv "FZ_TEST_TIMEOUT")))
    (if (and env (> (string-to-number env) 0)) (string-to-number env) 15)))
(defconst fz-tag (format "[emacs %s eglot %s] " emacs-version
                         (or (ignore-errors
                               (with-temp-buffer
                                 (insert-file-contents (locate-library "eglot.el"))
                                 (and (re-search-forward "^;; Version: \\(.*\\)$" nil t)
                                      (match-string 1))))
                             "?")))

(defvar fz-passed 0)
(defvar fz-failed 0)

(defun fz-out (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defun fz-check (name ok &optional detail)
  (if ok
      (progn (cl-incf fz-passed) (fz-out "PASS %s%s" fz-tag name))
    (cl-incf fz-failed)
    (fz-out "FAIL %s%s%s" fz-tag name (if detail (concat ": " detail) "")))
  ok)

(defun fz-eq (name got want)
  (fz-check name (equal got want) (format "expected %S, got %S" want got)))

(defun fz-wait (pred &optional seconds)
  "Process events until PRED returns non-nil or SECONDS pass; return PRED's value."
  (let ((deadline (+ (float-time) (or seconds fz-timeout))))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun fz-goto (prefix needle &optional offset)
  "Go to NEEDLE on the line starting with PREFIX (plus OFFSET chars)."
  (goto-char (point-min))
  (unless (re-search-forward (concat "^" (regexp-quote prefix)) nil t)
    (error "No line starting with %s" prefix))
  (beginning-of-line)
  (unless (search-forward needle (line-end-position) t)
    (error "%s not found after %s" needle prefix))
  (goto-char (+ (match-beginning 0) (or offset 0))))

(defun fz-where (pos)
  "POS as (LINE COLUMN), both 0-based, the column in characters."
  (save-excursion
    (goto-char pos)
    (list (1- (line-number-at-pos pos t)) (- pos (line-beginning-position)))))

(defun fz-diagnostics ()
  "Flymake's diagnostics as sorted (CODE TYPE START END) lists."
  (sort (mapcar (lambda (d)
                  (list (plist-get (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d)) :code)
                        (flymake-diagnostic-type d)
                        (fz-where (flymake-diagnostic-beg d))
                        (fz-where (flymake-diagnostic-end d))))
                (flymake-diagnostics))
        (lambda (a b) (or (< (car (nth 2 a)) (car (nth 2 b)))
                          (and (= (car (nth 2 a)) (car (nth 2 b)))
                               (< (cadr (nth 2 a)) (cadr (nth 2 b))))))))

(defun fz-expect (code type prefix needle)
  "Expected diagnostic CODE of TYPE on NEEDLE in the line starting with PREFIX."
  (save-excursion
    (fz-goto prefix needle)
    (list code type (fz-where (point)) (fz-where (+ (point) (length needle))))))

(defun fz-wait-diagnostics (name want)
  (fz-wait (lambda () (equal (fz-diagnostics) want)))
  (fz-eq name (fz-diagnostics) want))

(defun fz-face-at (prefix needle)
  (save-excursion
    (fz-goto prefix needle)
    (let ((face (get-text-property (point) 'face)))
      (if (listp face) (car face) face))))

(defun fz-run ()
  (let ((cmd (split-string (or (getenv "FZ_LSP_CMD") "") "[ \t]+" t))
        (venv (getenv "FZ_LSP_VENV")))
    (when cmd (setq flowzap-lsp-command cmd))
    (when (and venv (not (string= venv "")))
      (setq flowzap-lsp-venv venv)
      (fz-eq "flowzap-lsp-venv: the server comes from the venv's bin/"
             (flowzap-lsp-server-command)
             (list (expand-file-name "bin/fz-lsp" venv)))))
  (setq flowzap-lsp-settings '(:debounceMs 0 :severity (:FZ212 "hint")))

  (let ((coding-system-for-read 'utf-8))
    (find-file fz-fixture))
  (fz-eq "*.fz opens in flowzap-mode" major-mode 'flowzap-mode)
  (fz-eq "comment-start" comment-start "// ")
  (font-lock-ensure)
  (fz-eq "font-lock faces"
         (list (fz-face-at "Kitchen" "Kitchen")
               (fz-face-at "Kitchen" "Küche")
               (fz-face-at "n3:" "n3")
               (fz-face-at "n3:" "taskbox")
               (fz-face-at "n3:" "label")
               (fz-face-at "n3:" "中文")
               (fz-face-at "n3.handle" "handle")
               (fz-face-at "n3.handle" "bottom")
               (fz-face-at "n3.handle" "Delivery")
               (fz-face-at "loop [重试" "loop")
               (fz-face-at "loop [重试" "重试")
               (fz-face-at "loop [重试" "n99"))
         '(font-lock-type-face font-lock-doc-face font-lock-function-name-face
           font-lock-keyword-face font-lock-builtin-face font-lock-string-face
           font-lock-function-name-face font-lock-constant-face font-lock-type-face
           font-lock-keyword-face font-lock-string-face font-lock-variable-name-face))

  ;; Start the server through the mode's Eglot registration.
  (fz-eq "eglot contact from flowzap-mode"
         (nth 3 (eglot--guess-contact))
         (append (flowzap-lsp-server-command) (list :initializationOptions flowzap-lsp-settings)))
  (condition-case err
      (apply #'eglot (eglot--guess-contact))
    (error (fz-out "eglot: %s" (error-message-string err))))
  (unless (fz-check "eglot manages the buffer"
                    (fz-wait (lambda () (and (eglot-current-server) eglot--managed-mode)))
                    "no fz-lsp server connected (Emacs messages follow the summary)")
    (throw 'fz-abort nil))
  (flymake-start)

  ;; Diagnostics: Emacs columns are characters; the server speaks UTF-16 to
  ;; Eglot 1.9, so right columns after 中文 and 😀 prove the conversion.
  (let ((want (list (fz-expect "FZ212" 'eglot-note "n3:" "😀")
                    (fz-expect "FZ206" 'eglot-warning "n3:" "bogus")
                    (fz-expect "FZ101" 'eglot-error "loop [重试" "n99"))))
    (fz-wait-diagnostics "flymake diagnostics at exact columns (open)" want)
    (let ((texts (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
      (fz-check "diagnostic text carries source, code and node"
                (cl-some (lambda (s) (string-prefix-p "flowzap [FZ101]: " s)) texts)
                (format "%S" texts))
      (fz-check "FZ101 message names the node"
                (cl-some (lambda (s) (and (string-match-p "FZ101" s) (string-match-p "n99" s))) texts)
                (format "%S" texts)))

    ;; Definition across lanes with xref (M-.).
    (fz-goto "n5.handle(top)" "Kitchen.n1" (length "Kitchen."))
    (xref-find-definitions (xref-backend-identifier-at-point 'eglot))
    (fz-eq "definition Kitchen.n1 -> n1 in Kitchen"
           (fz-where (point))
           (save-excursion (fz-goto "n1:" "n1") (fz-where (point))))
    (fz-goto "loop [😀" "Kitchen.n2" (length "Kitchen.n"))
    (xref-find-definitions (xref-backend-identifier-at-point 'eglot))
    (fz-eq "definition Kitchen.n2 after an emoji -> n2 in Kitchen"
           (fz-where (point))
           (save-excursion (fz-goto "n2:" "n2") (fz-where (point))))

    ;; Hover on a line with an emoji before the node.
    (fz-goto "loop [😀" " n4" 1)
    (let* ((hover (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                   (eglot--TextDocumentPositionParams)))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (or (plist-get contents :value) ""))))
      (fz-check "hover on n4 shows its label" (string-match-p "Deliver 配送" text)
                (format "%S" hover)))

    ;; An edit after the emoji: `bogus' becomes `owner', FZ206 goes.
    (fz-goto "n3:" "bogus")
    (delete-region (point) (+ (point) (length "bogus")))
    (insert "owner")
    (fz-wait-diagnostics "flymake diagnostics after an edit after the emoji"
                         (list (nth 0 want) (nth 2 want)))

    ;; Completion after `Kitchen.' through Eglot's completion-at-point.
    (fz-goto "loop [😀" "loop")
    (end-of-line)
    (insert "\nn4.handle(bottom) -> Kitchen.")
    (let* ((capf (eglot-completion-at-point))
           (items (and capf (all-completions "" (nth 2 capf)))))
      (fz-eq "completion after Kitchen. lists exactly Kitchen nodes"
             (sort (mapcar #'substring-no-properties items) #'string<)
             '("n1" "n2" "n3")))))

(defun fz-main ()
  (catch 'fz-abort
    (condition-case err
        (fz-run)
      (error (fz-check "test script ran without a Lisp error" nil
                       (error-message-string err)))))
  (fz-out "RESULT %s%d passed, %d failed" fz-tag fz-passed fz-failed)
  (let ((server (ignore-errors (eglot-current-server))))
    (when server (ignore-errors (eglot-shutdown server))))
  (kill-emacs (if (or (> fz-failed 0) (= fz-passed 0)) 1 0)))

(fz-main)

;;; flowzap-e2e.el ends here
