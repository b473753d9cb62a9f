; chunkls chunk query for Rust. Capture vocabulary: engine/queries/README.md.
; Earlier patterns win when two match the same node: associated items before free ones.
;
; An impl block is named by its self type without generic arguments (`impl<T> Display
; for Foo<T>` is `Foo`), so its methods read `Foo.fmt`; the detail keeps the whole
; header (`impl<T> Display for Foo<T>`).

; Functions inside `impl` and `trait` blocks, with or without a body.
(impl_item
  body: (declaration_list
    (function_item name: (identifier) @name body: (_) @body) @chunk.method))
(trait_item
  body: (declaration_list
    [(function_item name: (identifier) @name body: (_) @body) @chunk.method
     (function_signature_item name: (identifier) @name) @chunk.method]))

(function_item name: (identifier) @name body: (_) @body) @chunk.function
; `extern "C" { fn f(); }`
(foreign_mod_item
  body: (declaration_list
    (function_signature_item name: (identifier) @name) @chunk.function))

(impl_item
  type: [(generic_type type: (_) @name)
         (type_identifier) @name
         (scoped_type_identifier) @name
         (reference_type type: (generic_type type: (_) @name))
         (reference_type type: [(type_identifier) (scoped_type_identifier)] @name)
         (primitive_type) @name
         (array_type) @name
         (tuple_type) @name
         (pointer_type) @name
         (function_type) @name
         (dynamic_type) @name
         (bounded_type) @name
         (abstract_type) @name]
  body: (_) @body) @chunk.impl

(trait_item name: (_) @name body: (_) @body) @chunk.trait

(struct_item name: (_) @name body: (_)? @body) @chunk.struct
(union_item name: (_) @name body: (_) @body) @chunk.union
(enum_item name: (_) @name body: (_) @body) @chunk.enum
(enum_variant name: (_) @name body: (_)? @body) @chunk.enum_member

(field_declaration_list
  (field_declaration name: (_) @name) @chunk.field)

(mod_item name: (_) @name body: (_)? @body) @chunk.module

(macro_definition name: (_) @name) @chunk.macro

(const_item name: (_) @name) @chunk.constant
(static_item name: (_) @name) @chunk.constant

(type_item name: (_) @name) @chunk.type
(associated_type name: (_) @name) @chunk.type

; Doc comments (`///`, `/** */`), plain comments and attributes right above an item
; belong to it; inner ones (`//!`, `#![...]`) describe the enclosing module.
((line_comment !inner) @doc)
((block_comment !inner) @doc)
(attribute_item) @doc
