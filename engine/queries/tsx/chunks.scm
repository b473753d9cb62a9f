; inherits: typescript
; chunkls chunk query for TSX: TypeScript's patterns (put first by the line above);
; JSX adds no chunks.
