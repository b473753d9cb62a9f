; chunkls chunk query for Bash. Capture vocabulary: engine/queries/README.md.

; `f() { ... }`, `function f { ... }`, `function f() ( ... )`.
(function_definition name: (_) @name body: (_) @body) @chunk.function

; Top-level settings only (assignments inside functions and blocks stay out of the
; outline): `NAME=value`, `export NAME=value`, `declare -A NAME=(...)`; `readonly`
; names are constants.
(program
  (declaration_command
    "readonly"
    . (variable_assignment name: (variable_name) @name)) @chunk.constant)
(program
  (declaration_command
    (variable_assignment name: (variable_name) @name)) @chunk.variable)
(program
  (variable_assignment name: (variable_name) @name) @chunk.variable)

(comment) @doc
