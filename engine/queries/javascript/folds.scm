; chunkls fold query for JavaScript and JSX (definitions fold through their chunks).

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
  (template_string)
  (parenthesized_expression)
  (export_clause)
  (jsx_element)
  (jsx_self_closing_element)
  (jsx_opening_element)
  (jsx_expression)
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
