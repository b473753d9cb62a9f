; chunkls fold query for Go (definitions fold through their chunks).
; Case clauses do not fold: their nodes end at column 0 of the next clause's line, and a
; fold there would hide the next `case`.

[
  (block)
  (literal_value)
  (argument_list)
  (parameter_list)
  (field_declaration_list)
  (interface_type)
  (expression_switch_statement)
  (type_switch_statement)
  (select_statement)
  (const_declaration)
  (var_declaration)
  (type_declaration)
  (raw_string_literal)
] @fold

(comment) @fold.comment

(import_declaration) @fold.imports
