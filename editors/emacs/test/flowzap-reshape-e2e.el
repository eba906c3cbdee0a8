;;; flowzap-reshape-e2e.el --- End-to-end test: formatting and rename through Eglot  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by test/run.sh after flowzap-e2e.el; by hand:
;;   emacs --batch -l test/flowzap-reshape-e2e.el
;; Formats a messy buffer with `eglot-format-buffer' and renames a lane and a
;; node with `eglot-rename', with Chinese and emoji before the edited words.
;; Prints one PASS/FAIL line per check and a RESULT line; exits 1 on failure.

;;; Code:

(require 'cl-lib)
(set-language-environment "UTF-8")
(prefer-coding-system 'utf-8)

(defconst fz-test-dir (file-name-directory (or load-file-name buffer-file-name)))
(add-to-list 'load-path (expand-file-name ".." fz-test-dir))
(require 'flowzap-mode)
(require 'eglot)

(defconst fz-timeout
  (let ((env (getenv "FZ_TEST_TIMEOUT")))
    (if (and env (> (string-to-number env) 0)) (string-to-number env) 15)))
(defconst fz-tag (format "[emacs %s eglot reshape] " emacs-version))
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
  (let ((deadline (+ (float-time) (or seconds fz-timeout))))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defconst fz-messy
  (concat "Shop {   #  商店 🛒\n"
          "n1:circle label:\"开始 🚀\"\n"
          "n2: rectangle label:\"库存 📦\"\n"
          "  n1.handle(right)->n2.handle(left) [label=\"下单 📦\"]\n"
          "n2.handle(bottom) -> 账单.n3.handle(top)\n"
          "loop [重试 🔁] n1 账单.n3\n"
          "}\n"
          "账单 {\n"
          "n3: circle label:\"完成 🎉\"\n"
          "}\n"))

(defconst fz-formatted
  (concat "Shop { # 商店 🛒\n"
          "  n1: circle label:\"开始 🚀\"\n"
          "  n2: rectangle label:\"库存 📦\"\n"
          "  n1.handle(right) -> n2.handle(left) [label=\"下单 📦\"]\n"
          "  n2.handle(bottom) -> 账单.n3.handle(top)\n"
          "  loop [重试 🔁] n1 账单.n3\n"
          "}\n"
          "\n"
          "账单 {\n"
          "  n3: circle label:\"完成 🎉\"\n"
          "}\n"))

(defun fz-text () (buffer-substring-no-properties (point-min) (point-max)))

(defun fz-goto (needle &optional nth)
  (goto-char (point-min))
  (search-forward needle nil nil (or nth 1))
  (goto-char (match-beginning 0)))

(defun fz-rename (needle nth new-name)
  "Rename at the NTH NEEDLE, after sending Eglot's pending changes (it sends them when idle)."
  (eglot--signal-textDocument/didChange)
  (fz-goto needle nth)
  (eglot-rename new-name))

(defun fz-run ()
  (let ((cmd (split-string (or (getenv "FZ_LSP_CMD") "") "[ \t]+" t))
        (venv (getenv "FZ_LSP_VENV")))
    (when cmd (setq flowzap-lsp-command cmd))
    (when (and venv (not (string= venv ""))) (setq flowzap-lsp-venv venv)))
  (setq flowzap-lsp-settings '(:debounceMs 0))
  (let* ((dir (make-temp-file "fz-reshape" t))
         (file (expand-file-name "reshape.fz" dir)))
    (with-temp-file file (insert fz-messy))
    (let ((coding-system-for-read 'utf-8)) (find-file file)))
  (condition-case err
      (apply #'eglot (eglot--guess-contact))
    (error (fz-out "eglot: %s" (error-message-string err))))
  (unless (fz-check "eglot manages the buffer"
                    (fz-wait (lambda () (and (eglot-current-server) eglot--managed-mode))))
    (throw 'fz-abort nil))
  (eglot-format-buffer)
  (fz-eq "eglot-format-buffer gives the canonical layout" (fz-text) fz-formatted)
  (fz-rename "账单.n3" 2 "Billing")
  (fz-eq "eglot-rename of a lane from a prefix after emoji"
         (fz-text) (replace-regexp-in-string "账单" "Billing" fz-formatted t t))
  (fz-rename "n1" 3 "n7")
  (fz-eq "eglot-rename of a node from a loop member"
         (fz-text)
         (replace-regexp-in-string "\\bn1\\b" "n7"
                                   (replace-regexp-in-string "账单" "Billing" fz-formatted t t) t t))
  (fz-rename "n7:" 1 "n1")
  (fz-rename "Billing {" 1 "账单")
  (fz-eq "rename there and back gives the formatted text again" (fz-text) fz-formatted))

(defun fz-main ()
  (catch 'fz-abort
    (condition-case err
        (fz-run)
      (error (fz-check "test script ran without a Lisp error" nil (error-message-string err)))))
  (fz-out "RESULT %s%d passed, %d failed" fz-tag fz-passed fz-failed)
  (let ((server (ignore-errors (eglot-current-server))))
    (when server (ignore-errors (eglot-shutdown server))))
  (kill-emacs (if (or (> fz-failed 0) (= fz-passed 0)) 1 0)))

(fz-main)

;;; flowzap-reshape-e2e.el ends here
