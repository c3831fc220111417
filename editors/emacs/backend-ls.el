;;; backend-ls.el --- backend-ls in Emacs -*- lexical-binding: t -*-

;; Eglot (built into Emacs 29+).  Eglot runs one server per buffer, so for Python buffers
;; backend-ls takes the place of your usual Python server; lsp-mode (below) runs it beside it.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode) . ("backend-ls" "serve"))))

;; Settings, answered to the server's workspace/configuration request (section "backend-ls"):
;; the keys of [tool.backend-ls] in pyproject.toml, overriding it.  Per project, put this in
;; .dir-locals.el as ((nil . ((eglot-workspace-configuration . (:backend-ls (:select ["ALL"]))))))
;; (setq-default eglot-workspace-configuration
;;               '(:backend-ls (:select ["ALL"] :severity (:SVC001 "error"))))

;; lsp-mode, as an add-on server next to pyright, pylsp or jedi:
(with-eval-after-load 'lsp-mode
  (lsp-register-client
   (make-lsp-client :new-connection (lsp-stdio-connection '("backend-ls" "serve"))
                    :activation-fn (lsp-activate-on "python")
                    :server-id 'backend-ls
                    :add-on? t)))

(provide 'backend-ls)
;;; backend-ls.el ends here
