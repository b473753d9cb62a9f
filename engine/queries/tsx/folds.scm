; inherits: typescript
; chunkls fold query for TSX: TypeScript's patterns (put first by the line above) plus JSX.

[
  (jsx_element)
  (jsx_self_closing_element)
  (jsx_opening_element)
  (jsx_expression)
] @fold
