; chunkls chunk query for Go. Capture vocabulary: engine/queries/README.md.
; Earlier patterns win when two match the same node, so specific patterns come first.
; Like gopls: package-level functions, methods, types with their fields and interface
; methods, and package-level constants and variables. A type, constant or variable is
; its spec (`Point struct {...}`, `MaxSize = 10`), so that each member of a parenthesized
; group is a chunk of its own; a lone spec takes its `type`/`const`/`var` keyword and the
; doc comment above it through a wrapper.

; ---------------------------------------------------------------------------------------
; Functions and methods (a function without a body is implemented elsewhere, in assembly)

(function_declaration name: (identifier) @name body: (block) @body) @chunk.function
(function_declaration name: (identifier) @name) @chunk.function

; `func (p *Point) Dist(q Point) float64`: the receiver shows in the signature.
(method_declaration name: (field_identifier) @name body: (block) @body) @chunk.method
(method_declaration name: (field_identifier) @name) @chunk.method

; ---------------------------------------------------------------------------------------
; Types

(type_spec name: (type_identifier) @name type: (struct_type)) @chunk.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @chunk.interface
(type_spec name: (type_identifier) @name) @chunk.type
(type_alias name: (type_identifier) @name) @chunk.type

; Struct fields; an embedded field is named by its type (`*Base` -> Base, `io.Reader`).
(field_declaration_list (field_declaration name: (field_identifier) @name) @chunk.field)
(field_declaration_list (field_declaration !name type: (_) @name) @chunk.field)

; Interface methods (embedded interfaces and type sets are not chunks).
(interface_type (method_elem name: (field_identifier) @name) @chunk.method)

; ---------------------------------------------------------------------------------------
; Package-level constants and variables (a function literal in a variable is a function)

(source_file
  (var_declaration
    [(var_spec
       name: (identifier) @name
       value: (expression_list . (func_literal body: (block) @body) .)) @chunk.function
     (var_spec_list
       (var_spec
         name: (identifier) @name
         value: (expression_list . (func_literal body: (block) @body) .)) @chunk.function)]))

(source_file
  (const_declaration (const_spec name: (identifier) @name) @chunk.constant))

(source_file
  (var_declaration
    [(var_spec name: (identifier) @name) @chunk.variable
     (var_spec_list (var_spec name: (identifier) @name) @chunk.variable)]))

; ---------------------------------------------------------------------------------------
; Wrappers: a lone spec owns its keyword (`type`, `const`, `var`).

(type_declaration . [(type_spec) (type_alias)] @wrapped .) @wrapper
(const_declaration . (const_spec) @wrapped .) @wrapper
(var_declaration (var_spec) @wrapped) @wrapper

; Comments right above a definition are its documentation.
(comment) @doc
