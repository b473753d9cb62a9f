; chunkls fold query for C (definitions fold through their chunks).

[
  (compound_statement)
  (if_statement)
  (for_statement)
  (while_statement)
  (do_statement)
  (switch_statement)
  (case_statement)
  (initializer_list)
  (argument_list)
  (parameter_list)
  (preproc_if)
  (preproc_ifdef)
  (preproc_else)
  (preproc_elif)
  (concatenated_string)
] @fold

(comment) @fold.comment

(preproc_include) @fold.imports
