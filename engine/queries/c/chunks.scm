; chunkls chunk query for C. Capture vocabulary: engine/queries/README.md.

; Function definitions; the declarator may be wrapped in pointers and parentheses.
((function_definition
  declarator: [
    (function_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))
    (function_declarator declarator: (parenthesized_declarator (identifier) @name))
    ; int (*pick(int))(int): a function returning a function pointer
    (function_declarator declarator: (parenthesized_declarator
      (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))))
  ]
  body: (_) @body) @chunk.function
; Unexpanded macros can make `if (...) {` look like a definition: keywords are no names.
(#not-any-of? @name "if" "while" "for" "switch" "return" "sizeof" "do" "else"))

(struct_specifier name: (type_identifier) @name body: (field_declaration_list) @body) @chunk.struct
(union_specifier name: (type_identifier) @name body: (field_declaration_list) @body) @chunk.union
(enum_specifier name: (type_identifier) @name body: (enumerator_list) @body) @chunk.enum

; typedef struct { ... } name;
(type_definition
  type: [(struct_specifier !name body: (_)) (union_specifier !name body: (_)) (enum_specifier !name body: (_))]
  declarator: (type_identifier) @name) @chunk.struct

(field_declaration_list
  (field_declaration declarator: [(field_identifier) @name
                                  (pointer_declarator declarator: (field_identifier) @name)
                                  (array_declarator declarator: (field_identifier) @name)]) @chunk.field)

(enumerator name: (identifier) @name) @chunk.enum_member

(preproc_function_def name: (identifier) @name) @chunk.macro
(preproc_def name: (identifier) @name) @chunk.macro

(comment) @doc
