; chunkls fold query for Ruby (definitions fold through their chunks).

[
  (do_block)
  (block)
  (lambda)
  (if)
  (unless)
  (while)
  (until)
  (for)
  (case)
  (case_match)
  (when)
  (in_clause)
  (else)
  (elsif)
  (begin)
  (rescue)
  (ensure)
  (array)
  (hash)
  (string)
  (string_array)
  (symbol_array)
  (heredoc_body)
  (argument_list)
  (method_parameters)
] @fold

(comment) @fold.comment

((call
   !receiver
   method: (identifier) @_method) @fold.imports
  (#any-of? @_method "require" "require_relative" "load" "autoload"))
