; chunkls chunk query for Java. Capture vocabulary: engine/queries/README.md.
; Earlier patterns win when two match the same node, so specific patterns come first.
; Annotations sit inside a declaration's modifiers, so they belong to it already.

(package_declaration [(identifier) (scoped_identifier)] @name) @chunk.package
(module_declaration name: (_) @name body: (module_body) @body) @chunk.module

; ---------------------------------------------------------------------------------------
; Types

(class_declaration name: (identifier) @name body: (class_body) @body) @chunk.class
(record_declaration name: (identifier) @name body: (class_body) @body) @chunk.class
(interface_declaration name: (identifier) @name body: (interface_body) @body) @chunk.interface
(annotation_type_declaration name: (identifier) @name body: (annotation_type_body) @body) @chunk.interface
(enum_declaration name: (identifier) @name body: (enum_body) @body) @chunk.enum

; An anonymous class, named by the type it extends: `new Runnable() { ... }`.
(object_creation_expression type: (_) @name (class_body) @body) @chunk.class

(enum_constant name: (identifier) @name body: (class_body) @body) @chunk.enum_member
(enum_constant name: (identifier) @name) @chunk.enum_member

; ---------------------------------------------------------------------------------------
; Members

(constructor_declaration name: (identifier) @name body: (constructor_body) @body) @chunk.constructor
; `record Point(int x, int y) { Point { ... } }`
(compact_constructor_declaration name: (identifier) @name body: (block) @body) @chunk.constructor

(method_declaration name: (identifier) @name body: (block) @body) @chunk.method
; Abstract and interface methods end at `;`: the signature is the whole declaration.
(method_declaration name: (identifier) @name ";" @body) @chunk.method
(method_declaration name: (identifier) @name) @chunk.method

; `String value() default "";` in an @interface.
(annotation_type_element_declaration name: (identifier) @name ";" @body) @chunk.method
(annotation_type_element_declaration name: (identifier) @name) @chunk.method

; `static final` fields are constants. An annotation on its own line would be the whole
; first line of a field, so an annotated field shows its text up to the initializer (or
; the `;`) instead.
(field_declaration
  (modifiers [(annotation) (marker_annotation)] ["static" "final"] ["static" "final"])
  declarator: (variable_declarator name: (identifier) @name value: (_) @body)) @chunk.constant
(field_declaration
  (modifiers [(annotation) (marker_annotation)] ["static" "final"] ["static" "final"])
  declarator: (variable_declarator name: (identifier) @name)
  ";" @body) @chunk.constant
(field_declaration
  (modifiers ["static" "final"] ["static" "final"])
  declarator: (variable_declarator name: (identifier) @name)) @chunk.constant

(field_declaration
  (modifiers [(annotation) (marker_annotation)])
  declarator: (variable_declarator name: (identifier) @name value: (_) @body)) @chunk.field
(field_declaration
  (modifiers [(annotation) (marker_annotation)])
  declarator: (variable_declarator name: (identifier) @name)
  ";" @body) @chunk.field
(field_declaration declarator: (variable_declarator name: (identifier) @name)) @chunk.field

; Interface and @interface fields are implicitly static final.
(constant_declaration declarator: (variable_declarator name: (identifier) @name)) @chunk.constant

; Comments right above a definition are its documentation.
[(block_comment) (line_comment)] @doc
