; chunkls fold query for TypeScript (definitions fold through their chunks).
; engine/queries/tsx/folds.scm inherits this file and adds JSX.

[
  (statement_block)
  (class_body)
  (switch_body)
  (switch_case)
  (switch_default)
  (object)
  (array)
  (object_pattern)
  (array_pattern)
  (arguments)
  (formal_parameters)
  (type_arguments)
  (type_parameters)
  (template_string)
  (parenthesized_expression)
  (export_clause)
  (object_type)
  (tuple_type)
  (union_type)
  (conditional_type)
  (enum_body)
] @fold

(comment) @fold.comment

; `import` statements, and CommonJS `const x = require("x")` lines, fold as one group.
(import_statement) @fold.imports

(program
  [(lexical_declaration
     (variable_declarator
       value: [(call_expression function: (identifier) @_fn)
               (member_expression object: (call_expression function: (identifier) @_fn))]))
   (variable_declaration
     (variable_declarator
       value: [(call_expression function: (identifier) @_fn)
               (member_expression object: (call_expression function: (identifier) @_fn))]))] @fold.imports
  (#eq? @_fn "require"))
