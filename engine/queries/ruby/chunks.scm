; chunkls chunk query for Ruby. Capture vocabulary: engine/queries/README.md.
; Earlier patterns win when two match the same node: methods before functions.
;
; `def self.build` is named `build` (the detail keeps `def self.build(...)`).

; A `def` at the top level (also behind `private`) is a function; anywhere else (class,
; module, `class << self`, `Struct.new do ... end`, `included do ... end`) a method.
(program
  [(method name: (_) @name body: (_)? @body) @chunk.function
   (call !receiver arguments: (argument_list (method name: (_) @name body: (_)? @body) @chunk.function))])

(method name: (_) @name body: (_)? @body) @chunk.method
(singleton_method name: (_) @name body: (_)? @body) @chunk.method

(class name: (_) @name body: (_)? @body) @chunk.class
(module name: (_) @name body: (_)? @body) @chunk.module
((singleton_class body: (_)? @body) @chunk.class
  (#set! name "class << self"))

; Constants assigned at the top level or in a class or module body.
(program
  (assignment left: [(constant) (scope_resolution)] @name) @chunk.constant)
([(class body: (body_statement (assignment left: [(constant) (scope_resolution)] @name) @chunk.constant))
  (module body: (body_statement (assignment left: [(constant) (scope_resolution)] @name) @chunk.constant))])

; `private def secret ... end`, `memoize def x ... end`: the call holds the method, so
; the comments sit above the call.
(call
  !receiver
  arguments: (argument_list . [(method) (singleton_method)] @wrapped .)) @wrapper

(comment) @doc
