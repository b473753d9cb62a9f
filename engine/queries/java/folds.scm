; chunkls fold query for Java (definitions fold through their chunks).

[
  (block)
  (constructor_body)
  (class_body)
  (interface_body)
  (enum_body)
  (module_body)
  (switch_block)
  (switch_block_statement_group)
  (switch_rule)
  (array_initializer)
  (argument_list)
  (formal_parameters)
  (annotation_argument_list)
  (element_value_array_initializer)
  (string_literal)
  (lambda_expression)
  (try_with_resources_statement)
] @fold

[(block_comment) (line_comment)] @fold.comment

(import_declaration) @fold.imports
