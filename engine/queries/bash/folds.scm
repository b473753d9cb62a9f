; chunkls fold query for Bash (functions fold through their chunks).

[
  (compound_statement)
  (subshell)
  (if_statement)
  (elif_clause)
  (else_clause)
  (for_statement)
  (c_style_for_statement)
  (while_statement)
  (do_group)
  (case_statement)
  (case_item)
  (array)
  (string)
  (raw_string)
  (heredoc_redirect)
  (command_substitution)
] @fold

(comment) @fold.comment

; `source lib.sh` and `. lib.sh`.
((command name: (command_name (word) @_command)) @fold.imports
  (#any-of? @_command "source" "."))
