; chunkls fold query for Python (definitions fold through their chunks).

[
  (if_statement)
  (elif_clause)
  (else_clause)
  (for_statement)
  (while_statement)
  (try_statement)
  (except_clause)
  (finally_clause)
  (with_statement)
  (match_statement)
  (case_clause)
  (dictionary)
  (list)
  (tuple)
  (set)
  (dictionary_comprehension)
  (list_comprehension)
  (set_comprehension)
  (generator_expression)
  (argument_list)
  (parameters)
  (string)
  (lambda)
] @fold

(comment) @fold.comment

[
  (import_statement)
  (import_from_statement)
  (future_import_statement)
] @fold.imports
