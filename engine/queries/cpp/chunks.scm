; chunkls chunk query for C++. Capture vocabulary: engine/queries/README.md.
; Earlier patterns win when two match the same node: constructors before methods,
; methods before free functions.
;
; Naming: a member defined out of line (`void A::b() {}`) is named by the qualified
; name as written (`A::b`, `Foo<T>::Foo`), so the outline says which class it belongs
; to; members defined or declared inside their class use the plain name. Conversion
; operators have no node for "operator bool" alone: they are named by the whole
; `operator bool() const` declarator.
;
; Inside a class body the grammar names plain members with `field_identifier`, which
; makes them methods wherever they sit (also inside `#if` blocks). Constructors, member
; templates and operators use `identifier`/`operator_name` as free functions do, so they
; are recognised by their context: the class body itself or one `#if`/`#else` block in
; it (the `(_ ...)` steps).
;
; Cost: every pattern step with children costs the query compiler a grammar analysis,
; and C++ has a large grammar: this file compiles in about half a second. Prefer adding
; alternatives to existing patterns over adding patterns.

; ---------------------------------------------------------------------------
; Constructors and destructors (LSP has one kind for both): no return type, the
; declarator names the class or `~Class`. A member initializer list belongs to the
; body, not to the signature.

(field_declaration_list
  (function_definition
    !type
    declarator: (function_declarator declarator: [(identifier) (destructor_name)] @name)
    (field_initializer_list)? @body
    body: (_)? @body) @chunk.constructor)

; A macro before a constructor (`CONSTEXPR_MACRO Foo(int)`) reads as a return type:
; a member function named like its class is still a constructor.
([(class_specifier name: (type_identifier) @_class body: (field_declaration_list (function_definition
      declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name)
      (field_initializer_list)? @body
      body: (_)? @body) @chunk.constructor))
  (class_specifier name: (type_identifier) @_class body: (field_declaration_list (_ (function_definition
      declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name)
      (field_initializer_list)? @body
      body: (_)? @body) @chunk.constructor)))
  (struct_specifier name: (type_identifier) @_class body: (field_declaration_list (function_definition
      declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name)
      (field_initializer_list)? @body
      body: (_)? @body) @chunk.constructor))
  (struct_specifier name: (type_identifier) @_class body: (field_declaration_list (_ (function_definition
      declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name)
      (field_initializer_list)? @body
      body: (_)? @body) @chunk.constructor)))]
  (#eq? @_class @name))

; Outside a class (at file or namespace level, also inside `#if` blocks there), a
; function without a return type is a macro invocation (`TEST(Suite, Name) { ... }`)
; or K&R C, not a constructor.
([(translation_unit (function_definition
      !type
      declarator: (function_declarator declarator: (identifier) @name)
      body: (_)? @body) @chunk.function)
  (translation_unit (_ (function_definition
      !type
      declarator: (function_declarator declarator: (identifier) @name)
      body: (_)? @body) @chunk.function))
  (translation_unit (_ (_ (function_definition
      !type
      declarator: (function_declarator declarator: (identifier) @name)
      body: (_)? @body) @chunk.function)))
  (declaration_list (function_definition
      !type
      declarator: (function_declarator declarator: (identifier) @name)
      body: (_)? @body) @chunk.function)
  (declaration_list (_ (function_definition
      !type
      declarator: (function_declarator declarator: (identifier) @name)
      body: (_)? @body) @chunk.function))
  (declaration_list (_ (_ (function_definition
      !type
      declarator: (function_declarator declarator: (identifier) @name)
      body: (_)? @body) @chunk.function)))])

(function_definition
  !type
  declarator: (function_declarator declarator: [(identifier) (destructor_name)] @name)
  (field_initializer_list)? @body
  body: (_)? @body) @chunk.constructor

(field_declaration_list
  [(declaration
     !type
     declarator: (function_declarator declarator: [(identifier) (destructor_name)] @name)) @chunk.constructor
   (_ (declaration
     !type
     declarator: (function_declarator declarator: [(identifier) (destructor_name)] @name)) @chunk.constructor)
   (_ (_ (declaration
     !type
     declarator: (function_declarator declarator: [(identifier) (destructor_name)] @name)) @chunk.constructor))])

; Out of line: `A::~A()`, `A::A()`, `Foo<T>::Foo()`, `ns::A::A()`.
(function_definition
  declarator: (function_declarator
    declarator: [(qualified_identifier name: (destructor_name))
                 (qualified_identifier name: (qualified_identifier name: (destructor_name)))] @name)
  body: (_)? @body) @chunk.constructor

(function_definition
  declarator: (function_declarator
    declarator: (qualified_identifier
      scope: [(namespace_identifier) @_class (template_type name: (type_identifier) @_class)]
      name: (identifier) @_ctor) @name)
  (#eq? @_class @_ctor)
  (field_initializer_list)? @body
  body: (_)? @body) @chunk.constructor

(function_definition
  declarator: (function_declarator
    declarator: (qualified_identifier
      name: (qualified_identifier
        scope: [(namespace_identifier) @_class (template_type name: (type_identifier) @_class)]
        name: (identifier) @_ctor)) @name)
  (#eq? @_class @_ctor)
  (field_initializer_list)? @body
  body: (_)? @body) @chunk.constructor

; ---------------------------------------------------------------------------
; Methods defined or declared inside their class.

(function_definition
  declarator: [
    (function_declarator declarator: (field_identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (field_identifier) @name))
    (reference_declarator (function_declarator declarator: (field_identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (field_identifier) @name)))
  ]
  body: (_)? @body) @chunk.method

(field_declaration
  declarator: [
    (function_declarator declarator: [(field_identifier) (operator_name)] @name)
    (pointer_declarator declarator: (function_declarator declarator: [(field_identifier) (operator_name)] @name))
    (reference_declarator (function_declarator declarator: [(field_identifier) (operator_name)] @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: [(field_identifier) (operator_name)] @name)))
  ]) @chunk.method

; Conversion operators: `operator bool() const { ... }` (in or out of the class).
(function_definition declarator: (operator_cast) @name body: (_)? @body) @chunk.method

; Member templates, operators and `operator bool() const;` look like free functions:
; only the context tells them apart. Friends are not members.
(friend_declaration
  [(function_definition
     declarator: [
       (function_declarator declarator: (_) @name)
       (pointer_declarator declarator: (function_declarator declarator: (_) @name))
       (reference_declarator (function_declarator declarator: (_) @name))
     ]
     body: (_)? @body) @chunk.function
   (template_declaration
     (function_definition
       declarator: [
         (function_declarator declarator: (_) @name)
         (pointer_declarator declarator: (function_declarator declarator: (_) @name))
         (reference_declarator (function_declarator declarator: (_) @name))
       ]
       body: (_)? @body) @chunk.function)])

(field_declaration_list
  [(function_definition
     declarator: [
       (function_declarator declarator: [(identifier) (operator_name)] @name)
       (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name)] @name))
       (reference_declarator (function_declarator declarator: [(identifier) (operator_name)] @name))
     ]
     body: (_)? @body) @chunk.method
   (template_declaration
     [(function_definition
        declarator: [
          (function_declarator declarator: [(identifier) (operator_name)] @name)
          (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name)] @name))
          (reference_declarator (function_declarator declarator: [(identifier) (operator_name)] @name))
        ]
        body: (_)? @body) @chunk.method
      (declaration
        declarator: [
          (function_declarator declarator: [(identifier) (operator_name)] @name)
          (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name)] @name))
          (reference_declarator (function_declarator declarator: [(identifier) (operator_name)] @name))
        ]) @chunk.method])
   (declaration declarator: (operator_cast) @name) @chunk.method])

; The same one `#if`/`#else` block down.
(field_declaration_list
  (_
    [(function_definition
       declarator: [
         (function_declarator declarator: [(identifier) (operator_name)] @name)
         (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name)] @name))
         (reference_declarator (function_declarator declarator: [(identifier) (operator_name)] @name))
       ]
       body: (_)? @body) @chunk.method
     (template_declaration
       [(function_definition
          declarator: [
            (function_declarator declarator: [(identifier) (operator_name)] @name)
            (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name)] @name))
            (reference_declarator (function_declarator declarator: [(identifier) (operator_name)] @name))
          ]
          body: (_)? @body) @chunk.method
        (declaration
          declarator: [
            (function_declarator declarator: [(identifier) (operator_name)] @name)
            (pointer_declarator declarator: (function_declarator declarator: [(identifier) (operator_name)] @name))
            (reference_declarator (function_declarator declarator: [(identifier) (operator_name)] @name))
          ]) @chunk.method])
     (declaration declarator: (operator_cast) @name) @chunk.method]))

; `API_MACRO Type name(...)`: the grammar reads `Type name` as a qualified name with a
; missing `::`. It is a free function named `name`.
(function_definition
  declarator: [
    (function_declarator declarator: (qualified_identifier (MISSING "::") name: (_) @name))
    (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier (MISSING "::") name: (_) @name)))
    (reference_declarator (function_declarator declarator: (qualified_identifier (MISSING "::") name: (_) @name)))
    (function_declarator declarator: (qualified_identifier name: (qualified_identifier (MISSING "::") name: (_) @name)))
  ]
  body: (_)? @body) @chunk.function

; Out-of-line member definitions: `int* A::ptr()`, `bool A::operator==(...)`,
; `void Foo<int>::set<int>(int)`.
(function_definition
  declarator: [
    (function_declarator declarator: (qualified_identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier) @name))
    (reference_declarator (function_declarator declarator: (qualified_identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier) @name)))
    (qualified_identifier name: (operator_cast)) @name
  ]
  body: (_)? @body) @chunk.method

; ---------------------------------------------------------------------------
; Free functions (also `operator<<` overloads and friends defined in a class).

(function_definition
  declarator: [
    (function_declarator declarator: (_) @name)
    (pointer_declarator declarator: (function_declarator declarator: (_) @name))
    (reference_declarator (function_declarator declarator: (_) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (_) @name)))
    (function_declarator declarator: (parenthesized_declarator (_) @name))
  ]
  body: (_)? @body) @chunk.function

; A lambda given a name: `auto cmp = [](int a, int b) { ... };`
(declaration
  declarator: (init_declarator
    declarator: (identifier) @name
    value: (lambda_expression body: (_) @body))) @chunk.function

; ---------------------------------------------------------------------------
; Namespaces and types.

(namespace_definition name: (_) @name body: (_) @body) @chunk.namespace
((namespace_definition !name body: (_) @body) @chunk.namespace
  (#set! name "(anonymous namespace)"))

(class_specifier name: (_) @name body: (_) @body) @chunk.class
(struct_specifier name: (_) @name body: (_) @body) @chunk.struct
(union_specifier name: (_) @name body: (_) @body) @chunk.union
(enum_specifier name: (_) @name body: (_) @body) @chunk.enum

; typedef struct { ... } name;
(type_definition
  type: [(struct_specifier !name body: (_)) (class_specifier !name body: (_))]
  declarator: (type_identifier) @name) @chunk.struct
(type_definition
  type: (union_specifier !name body: (_))
  declarator: (type_identifier) @name) @chunk.union
(type_definition
  type: (enum_specifier !name body: (_))
  declarator: (type_identifier) @name) @chunk.enum

; Type aliases: `using V = std::vector<T>;` and plain typedefs (not the ones that
; define a struct: that struct is the chunk).
(alias_declaration name: (_) @name) @chunk.type
(type_definition
  type: [(type_identifier) (primitive_type) (sized_type_specifier) (qualified_identifier)
         (template_type) (dependent_type) (decltype) (placeholder_type_specifier)
         (struct_specifier !body) (class_specifier !body) (union_specifier !body)
         (enum_specifier !body)]
  declarator: [
    (type_identifier) @name
    (pointer_declarator declarator: (type_identifier) @name)
    (reference_declarator (type_identifier) @name)
    (array_declarator declarator: (type_identifier) @name)
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))
    (function_declarator declarator: (type_identifier) @name)
  ]) @chunk.type

(concept_definition name: (_) @name) @chunk.interface

; Data members, static ones included (`int x, y;` is one chunk, named by the first).
(field_declaration
  declarator: [(field_identifier) @name
               (pointer_declarator declarator: (field_identifier) @name)
               (pointer_declarator declarator: (pointer_declarator declarator: (field_identifier) @name))
               (reference_declarator (field_identifier) @name)
               (array_declarator declarator: (field_identifier) @name)
               (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (field_identifier) @name)))]) @chunk.field

(enumerator name: (identifier) @name) @chunk.enum_member

(preproc_function_def name: (identifier) @name) @chunk.macro
(preproc_def name: (identifier) @name) @chunk.macro

; ---------------------------------------------------------------------------
; What extends a chunk.

; `template <...>` belongs to what it declares (also nested: `template <> template <>`).
(template_declaration
  [(function_definition) (class_specifier) (struct_specifier) (union_specifier)
   (enum_specifier) (alias_declaration) (concept_definition) (declaration)
   (template_declaration) (friend_declaration)] @wrapped) @wrapper

; `friend bool operator==(...) { ... }`: the comments sit above `friend`.
(friend_declaration [(function_definition) (template_declaration)] @wrapped) @wrapper

; `struct S { ... };` inside a class or followed by a variable: the declaration holds
; the struct, so its comments sit above the declaration.
(field_declaration
  type: [(class_specifier body: (_)) (struct_specifier body: (_))
         (union_specifier body: (_)) (enum_specifier body: (_))] @wrapped) @wrapper
(declaration
  type: [(class_specifier body: (_)) (struct_specifier body: (_))
         (union_specifier body: (_)) (enum_specifier body: (_))] @wrapped) @wrapper
(type_definition
  type: [(class_specifier name: (_) body: (_)) (struct_specifier name: (_) body: (_))
         (union_specifier name: (_) body: (_)) (enum_specifier name: (_) body: (_))] @wrapped) @wrapper

(comment) @doc
