; chunkls fold query for JSON (pairs fold through their chunks).

[
  (object)
  (array)
] @fold

(comment) @fold.comment
