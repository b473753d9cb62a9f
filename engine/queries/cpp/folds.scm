; chunkls fold query for C++ (definitions fold through their chunks).

[
  (compound_statement)
  (declaration_list)
  (field_declaration_list)
  (enumerator_list)
  (if_statement)
  (for_statement)
  (for_range_loop)
  (while_statement)
  (do_statement)
  (switch_statement)
  (case_statement)
  (try_statement)
  (catch_clause)
  (lambda_expression)
  (initializer_list)
  (argument_list)
  (parameter_list)
  (template_parameter_list)
  (template_argument_list)
  (field_initializer_list)
  (linkage_specification)
  (preproc_if)
  (preproc_ifdef)
  (preproc_else)
  (preproc_elif)
  (preproc_elifdef)
  (concatenated_string)
  (raw_string_literal)
] @fold

(comment) @fold.comment

[
  (preproc_include)
  (using_declaration)
] @fold.imports
