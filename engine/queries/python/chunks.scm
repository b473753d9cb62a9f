; chunkls chunk query for Python. Capture vocabulary: engine/queries/README.md.
; Earlier patterns win when two match the same node, so methods come before functions.

(class_definition
  body: (block
    [(function_definition name: (identifier) @name body: (_) @body) @chunk.method
     (decorated_definition
       definition: (function_definition name: (identifier) @name body: (_) @body) @chunk.method)]))

(function_definition name: (identifier) @name body: (_) @body) @chunk.function

(class_definition name: (identifier) @name body: (_) @body) @chunk.class

; Class attributes and module-level names: `x = 1`, `x: int = 1`.
(class_definition
  body: (block
    (expression_statement (assignment left: (identifier) @name) @chunk.field)))

(module
  (expression_statement (assignment left: (identifier) @name) @chunk.variable))

; Decorators belong to what they decorate.
(decorated_definition definition: (_) @wrapped) @wrapper

; Comments right above a definition are its documentation.
(comment) @doc

; Error recovery: where the grammar gives up (an ERROR node), a class or def header
; still shows as the keyword followed by a call or a name and parameters.
(ERROR "class" . (call function: (identifier) @name) @chunk.class)
(ERROR "class" . (identifier) @name @chunk.class)
(ERROR "def" . (identifier) @name . (parameters) @chunk.function)
