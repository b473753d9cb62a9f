// What the extension sends chunkls, computed from the user's `chunkls.*` settings: the
// server's command line, the documents it is given, and the settings object mirrored
// into `initializationOptions` and `workspace/didChangeConfiguration`.
// Pure (no `vscode` import): the extension and the Node wiring test run this same code,
// so the test starts the real server exactly as VS Code does. Values, no state.

export const cacheLevels = ["trees", "chunks", "files", "constructs"] as const;
export type CacheLevel = (typeof cacheLevels)[number];

export interface CacheBudget {
  maxEntries?: number;
  maxBytes?: number;
  ttlSeconds?: number;
}

export const logLevels = ["trace", "debug", "info", "warn", "error", "off"] as const;
export type LogLevel = (typeof logLevels)[number];

// The user's settings as VS Code holds them (package.json's `contributes.configuration`).
export interface ExtensionSettings {
  path: string;
  serverArgs: string[];
  extraLanguages: string[];
  logLevel: LogLevel;
  parseTimeLimitMs: number | null;
  cache: Record<CacheLevel, CacheBudget>;
  index: {
    enabled: boolean;
    exclude: string[];
    maxFileSize: number | null;
    cacheDirectory: string | null;
    workers: number | null;
  };
  workspaceSymbol: { limit: number | null };
}

// The object chunkls reads from `initializationOptions` and `settings.chunkls` (README,
// "Settings"). A setting left empty is left out, so the server's default applies.
export interface ServerSettings {
  parseTimeLimitMs?: number;
  cache?: Partial<Record<CacheLevel, CacheBudget>>;
  index: {
    enabled: boolean;
    exclude: string[];
    maxFileSize?: number;
    cacheDirectory?: string;
    workers?: number;
  };
  workspaceSymbol?: { limit: number };
}

// VS Code's language ids for the twelve built-in grammars (the server maps each id to
// its grammar: engine/syntax/builtin_languages.cpp).
export const builtinLanguageIds = [
  "c",
  "cpp",
  "go",
  "java",
  "javascript",
  "javascriptreact",
  "json",
  "jsonc",
  "python",
  "ruby",
  "rust",
  "shellscript",
  "typescript",
  "typescriptreact",
] as const;

// Reads the settings through `get(key)` (VS Code's `WorkspaceConfiguration.get`, or a
// plain object in tests); a value of the wrong type counts as unset.
export function readSettings(get: (key: string) => unknown): ExtensionSettings {
  const text = (key: string, fallback: string): string => {
    const value = get(key);
    return typeof value === "string" ? value : fallback;
  };
  const nullableText = (key: string): string | null => {
    const value = get(key);
    return typeof value === "string" ? value : null;
  };
  const count = (key: string): number | null => {
    const value = get(key);
    return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
  };
  const texts = (key: string): string[] => {
    const value = get(key);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  };
  const budget = (key: string): CacheBudget => {
    const value = get(key);
    const out: CacheBudget = {};
    if (value === null || typeof value !== "object") return out;
    const fields = value as Record<string, unknown>;
    for (const field of ["maxEntries", "maxBytes", "ttlSeconds"] as const) {
      const n = fields[field];
      if (typeof n === "number" && Number.isInteger(n) && n >= 0) out[field] = n;
    }
    return out;
  };
  const level = text("logLevel", "warn");
  return {
    path: text("path", ""),
    serverArgs: texts("serverArgs"),
    extraLanguages: texts("extraLanguages"),
    logLevel: (logLevels as readonly string[]).includes(level) ? (level as LogLevel) : "warn",
    parseTimeLimitMs: count("parseTimeLimitMs"),
    cache: {
      trees: budget("cache.trees"),
      chunks: budget("cache.chunks"),
      files: budget("cache.files"),
      constructs: budget("cache.constructs"),
    },
    index: {
      enabled: get("index.enabled") !== false,
      exclude: texts("index.exclude"),
      maxFileSize: count("index.maxFileSize"),
      cacheDirectory: nullableText("index.cacheDirectory"),
      workers: count("index.workers"),
    },
    workspaceSymbol: { limit: count("workspaceSymbol.limit") },
  };
}

export function serverSettings(settings: ExtensionSettings): ServerSettings {
  const out: ServerSettings = {
    index: { enabled: settings.index.enabled, exclude: settings.index.exclude },
  };
  if (settings.parseTimeLimitMs !== null) out.parseTimeLimitMs = settings.parseTimeLimitMs;
  const cache: Partial<Record<CacheLevel, CacheBudget>> = {};
  for (const level of cacheLevels) {
    if (Object.keys(settings.cache[level]).length > 0) cache[level] = settings.cache[level];
  }
  if (Object.keys(cache).length > 0) out.cache = cache;
  if (settings.index.maxFileSize !== null) out.index.maxFileSize = settings.index.maxFileSize;
  if (settings.index.cacheDirectory !== null) {
    out.index.cacheDirectory = settings.index.cacheDirectory;
  }
  if (settings.index.workers !== null && settings.index.workers > 0) {
    out.index.workers = settings.index.workers;
  }
  if (settings.workspaceSymbol.limit !== null && settings.workspaceSymbol.limit > 0) {
    out.workspaceSymbol = { limit: settings.workspaceSymbol.limit };
  }
  return out;
}

// The server's flags after the binary. The log goes to stderr, which the language
// client copies into the "chunkls" output channel.
export function serverArgs(settings: ExtensionSettings): string[] {
  return ["--log-level", settings.logLevel, ...settings.serverArgs];
}

export interface DocumentFilter {
  scheme: string;
  language: string;
}

// Files on disk and unsaved editors, in every language chunkls knows.
export function documentSelector(settings: ExtensionSettings): DocumentFilter[] {
  const ids = [...new Set<string>([...builtinLanguageIds, ...settings.extraLanguages])];
  return ids.flatMap((language) => [
    { scheme: "file", language },
    { scheme: "untitled", language },
  ]);
}

// Settings that change the command line or the documents: they need a new server.
export const restartKeys = ["path", "serverArgs", "extraLanguages", "logLevel"] as const;

export type ServerBinary =
  | { found: true; command: string; source: "setting" | "bundled" | "PATH" }
  | { found: false; problem: string };

export interface BinaryLookup {
  bundled: string; // where a .vsix built with a binary holds it
  pathEnv: string; // $PATH
  isExecutable: (file: string) => boolean;
}

// `chunkls.path`, else the bundled binary, else `chunkls` on PATH. A missing binary comes
// back with a sentence saying where we looked and what to do.
export function findServer(settings: ExtensionSettings, lookup: BinaryLookup): ServerBinary {
  if (settings.path !== "") {
    if (lookup.isExecutable(settings.path)) {
      return { found: true, command: settings.path, source: "setting" };
    }
    return {
      found: false,
      problem: `chunkls.path is "${settings.path}", which is not an executable file. Fix the setting, or empty it to use chunkls from PATH.`,
    };
  }
  if (lookup.isExecutable(lookup.bundled)) {
    return { found: true, command: lookup.bundled, source: "bundled" };
  }
  for (const dir of lookup.pathEnv.split(":")) {
    if (dir === "") continue;
    const candidate = `${dir.replace(/\/+$/, "")}/chunkls`;
    if (lookup.isExecutable(candidate)) return { found: true, command: candidate, source: "PATH" };
  }
  return {
    found: false,
    problem:
      "The chunkls server was not found: chunkls.path is empty, this extension has no bundled binary, and no chunkls is on PATH. Build it (./scripts/build in the chunkls repository) and put build/chunkls on PATH, or set chunkls.path.",
  };
}
