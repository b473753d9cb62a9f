; chunkls fold query for Rust (items fold through their chunks).

[
  (block)
  (declaration_list)
  (field_declaration_list)
  (ordered_field_declaration_list)
  (enum_variant_list)
  (match_block)
  (match_arm)
  (closure_expression)
  (arguments)
  (parameters)
  (type_parameters)
  (type_arguments)
  (where_clause)
  (array_expression)
  (tuple_expression)
  (field_initializer_list)
  (token_tree)
  (macro_rule)
  (use_list)
  (string_literal)
  (raw_string_literal)
] @fold

[
  (line_comment)
  (block_comment)
] @fold.comment

[
  (use_declaration)
  (extern_crate_declaration)
] @fold.imports
