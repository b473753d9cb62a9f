; chunkls chunk query for JSON. Capture vocabulary: engine/queries/README.md.
; Every pair is a chunk named by its key; nested objects give the tree. No @body: the
; detail is the pair's first line (`"name": "chunkls"`, or `"scripts"` for an object).

; A plain key is named without its quotes.
(pair key: (string . (string_content) @name .)) @chunk.key
; Empty keys and keys with escapes keep their quotes: `""`, `"a\"b"`.
(pair key: (string) @name) @chunk.key

(comment) @doc
