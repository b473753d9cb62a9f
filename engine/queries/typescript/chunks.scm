; chunkls chunk query for TypeScript. Capture vocabulary: engine/queries/README.md.
; Earlier patterns win when two match the same node, so specific patterns come first.
; The outline follows what an editor shows: named functions, classes, interfaces, types,
; enums, namespaces and their members, variables at the top level, functions stored in
; variables or object keys. Anonymous callbacks stay inside the chunk that contains them.
; engine/queries/tsx/chunks.scm inherits this file.

; ---------------------------------------------------------------------------------------
; Namespaces and modules

; `namespace A.B {}`, `module A {}`
(internal_module name: (_) @name body: (statement_block) @body) @chunk.namespace

; `declare module "fs" {}`
(module name: (_) @name body: (statement_block) @body) @chunk.module

; `declare global {}`
(ambient_declaration "global" (statement_block) @body (#set! name "global")) @chunk.namespace

; ---------------------------------------------------------------------------------------
; Types

(class_declaration name: (type_identifier) @name body: (class_body) @body) @chunk.class
(abstract_class_declaration name: (type_identifier) @name body: (class_body) @body) @chunk.class

; A named class expression: `module.exports = class Foo {}`.
(class name: (type_identifier) @name body: (class_body) @body) @chunk.class

(interface_declaration name: (type_identifier) @name body: (interface_body) @body) @chunk.interface

(enum_declaration name: (identifier) @name body: (enum_body) @body) @chunk.enum
(enum_body name: (_) @name @chunk.enum_member)
(enum_body (enum_assignment name: (_) @name) @chunk.enum_member)

; `type Options = { ... }` lists its members like an interface (below).
(type_alias_declaration name: (type_identifier) @name) @chunk.type

; ---------------------------------------------------------------------------------------
; Members of classes, interfaces and object types

(class_body
  [(method_definition name: (property_identifier) @name body: (statement_block) @body)
   (method_signature name: (property_identifier) @name)] @chunk.constructor
  (#eq? @name "constructor"))

; Accessors read like properties: `get size() {}`, `set size(v) {}`.
(method_definition ["get" "set"] name: (_) @name body: (statement_block) @body) @chunk.property

; Methods of classes and of object literals.
(method_definition name: (_) @name body: (statement_block) @body) @chunk.method

; Overload signatures and abstract methods in a class body.
(class_body [(method_signature name: (_) @name) (abstract_method_signature name: (_) @name)] @chunk.method)

; `handle = (event: Event) => {...}` in a class body is a method.
(public_field_definition
  name: (_) @name
  value: [(arrow_function body: (_) @body)
          (function_expression body: (_) @body)
          (generator_function body: (_) @body)]) @chunk.method

; A decorator inside the field would be the whole first line: show the text up to the
; initializer instead (`@Inject() private events`).
(public_field_definition decorator: (_) name: (_) @name value: (_) @body) @chunk.field
(public_field_definition name: (_) @name) @chunk.field

; Interface members and the members of `type T = { ... }`.
(interface_body (method_signature name: (_) @name) @chunk.method)
(interface_body (property_signature name: (_) @name) @chunk.property)
(interface_body (call_signature) @chunk.method (#set! name "()"))
(interface_body (construct_signature) @chunk.constructor (#set! name "new"))
(interface_body (index_signature) @chunk.property (#set! name "[]"))

(type_alias_declaration
  value: (object_type
    [(method_signature name: (_) @name) @chunk.method
     (property_signature name: (_) @name) @chunk.property]))

; ---------------------------------------------------------------------------------------
; Functions

(function_declaration name: (identifier) @name body: (_) @body) @chunk.function
(generator_function_declaration name: (identifier) @name body: (_) @body) @chunk.function

; Overload signatures and `declare function f(): void;`
(function_signature name: (identifier) @name) @chunk.function

; `const f = () => {}`, `let g = function () {}` at any depth: the variable names it.
; The definition is the declarator; the declaration around it is a wrapper (below).
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function body: (_) @body)
          (function_expression body: (_) @body)
          (generator_function body: (_) @body)]) @chunk.function

(variable_declarator
  name: (identifier) @name
  value: (class body: (class_body) @body)) @chunk.class

; `{ onClick: () => {...}, render: function () {...} }`
(pair
  key: (_) @name
  value: [(arrow_function body: (_) @body)
          (function_expression body: (_) @body)
          (generator_function body: (_) @body)]) @chunk.method

; CommonJS and prototype style: `exports.run = function () {}`,
; `Foo.prototype.bar = () => {}`, `Foo.prototype[Symbol.iterator] = function* () {}`;
; the assigned path names it.
(expression_statement
  (assignment_expression
    left: [(member_expression) (subscript_expression)] @name
    right: [(arrow_function body: (_) @body)
            (function_expression body: (_) @body)
            (generator_function body: (_) @body)])) @chunk.function

(expression_statement
  (assignment_expression
    left: (member_expression) @name
    right: (class !name body: (class_body) @body))) @chunk.class

; `module.exports = { ... }` at the top level: its members nest inside.
(program
  (expression_statement
    (assignment_expression
      left: (member_expression) @name
      right: (object) @body)) @chunk.object)

; `export default function () {}`, `export default () => {}`, `export default class {}`,
; `export default { ... }`.
; The statement is the definition, so the signature reads `export default function (a)`.
(export_statement
  value: [(function_expression body: (_) @body)
          (generator_function body: (_) @body)
          (arrow_function body: (_) @body)]
  (#set! name "default")) @chunk.function

(export_statement
  value: (class !name body: (class_body) @body)
  (#set! name "default")) @chunk.class

(export_statement
  value: (object) @body
  (#set! name "default")) @chunk.object

; ---------------------------------------------------------------------------------------
; Top-level variables (functions and classes in variables are matched above).
; `require(...)` results are imports, not chunks: the optional value pattern captures the
; callee of a call (or of the call a member is read from) so the predicate can drop it.

(program
  (lexical_declaration
    kind: "const"
    (variable_declarator
      name: (identifier) @name
      value: [(call_expression function: (identifier) @_callee)
              (call_expression function: (call_expression function: (identifier) @_callee))
              (member_expression object: (call_expression function: (identifier) @_callee))]?) @chunk.constant)
  (#not-eq? @_callee "require"))

(program
  [(lexical_declaration
     (variable_declarator
       name: (identifier) @name
       value: [(call_expression function: (identifier) @_callee)
               (call_expression function: (call_expression function: (identifier) @_callee))
               (member_expression object: (call_expression function: (identifier) @_callee))]?) @chunk.variable)
   (variable_declaration
     (variable_declarator
       name: (identifier) @name
       value: [(call_expression function: (identifier) @_callee)
               (call_expression function: (call_expression function: (identifier) @_callee))
               (member_expression object: (call_expression function: (identifier) @_callee))]?) @chunk.variable)]
  (#not-eq? @_callee "require"))

; `export const`, `declare const`, and variables of namespace and module bodies.
(export_statement
  declaration: (lexical_declaration
    kind: "const"
    (variable_declarator name: (identifier) @name) @chunk.constant))

(ambient_declaration
  (lexical_declaration
    kind: "const"
    (variable_declarator name: (identifier) @name) @chunk.constant))

([(internal_module body: (statement_block (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name) @chunk.constant)))
  (module body: (statement_block (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name) @chunk.constant)))])

([(export_statement declaration: [(lexical_declaration (variable_declarator name: (identifier) @name) @chunk.variable)
                                  (variable_declaration (variable_declarator name: (identifier) @name) @chunk.variable)])
  (ambient_declaration [(lexical_declaration (variable_declarator name: (identifier) @name) @chunk.variable)
                        (variable_declaration (variable_declarator name: (identifier) @name) @chunk.variable)])
  (internal_module body: (statement_block [(lexical_declaration (variable_declarator name: (identifier) @name) @chunk.variable)
                                           (variable_declaration (variable_declarator name: (identifier) @name) @chunk.variable)]))
  (module body: (statement_block [(lexical_declaration (variable_declarator name: (identifier) @name) @chunk.variable)
                                  (variable_declaration (variable_declarator name: (identifier) @name) @chunk.variable)]))])

; ---------------------------------------------------------------------------------------
; Wrappers: what surrounds a definition belongs to its chunk.

; `export`, `export default` (decorators before `export` are inside the statement).
(export_statement declaration: (_) @wrapped) @wrapper
(export_statement value: (_) @wrapped) @wrapper

; `declare ...`
(ambient_declaration (_) @wrapped) @wrapper

; A `namespace` statement is an expression statement in this grammar.
(expression_statement (internal_module) @wrapped) @wrapper

; The declaration around its only declarator: `const f = () => {};` (a trailing comment
; without a semicolon sits inside the declaration).
[(lexical_declaration . (variable_declarator) @wrapped .)
 (lexical_declaration . (variable_declarator) @wrapped . (comment) .)
 (variable_declaration . (variable_declarator) @wrapped .)
 (variable_declaration . (variable_declarator) @wrapped . (comment) .)] @wrapper

; `module.exports = class Foo {}` carries its doc comment.
(expression_statement (assignment_expression right: (class) @wrapped)) @wrapper

; Comments right above a definition are its documentation; so are the decorators of a
; class member, which this grammar puts beside the member rather than inside it.
(comment) @doc
(class_body (decorator) @doc)
