// The extension's wiring against the real server: the command line, the settings object
// and the document selector come from src/settings.ts (the code the extension runs),
// the client capabilities from vscode-client-capabilities.json (what VS Code 1.100 sent,
// recorded and compared by the code-server test), and the settings' defaults from
// package.json. Each test starts the chunkls binary named by $CHUNKLS_BINARY on a fresh
// workspace, as the extension does, and checks what a user of the extension relies on.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-jsonrpc/node";

import manifest from "../package.json";
import {
  builtinLanguageIds,
  documentSelector,
  findServer,
  readSettings,
  serverArgs,
  serverSettings,
  type ExtensionSettings,
  type ServerSettings,
} from "../src/settings";
import { indexCounts, statisticsHtml, statisticsSections, type Stats } from "../src/statistics";
import capabilities from "./vscode-client-capabilities.json";

const binary = process.env["CHUNKLS_BINARY"] ?? "";

type Properties = Record<string, { default?: unknown }>;
const properties = manifest.contributes.configuration.properties as Properties;

// The settings as VS Code reads them: package.json's defaults under the user's values.
function settingsWith(user: Record<string, unknown>): ExtensionSettings {
  const values = new Map<string, unknown>();
  for (const [key, property] of Object.entries(properties)) {
    values.set(key.replace(/^chunkls\./, ""), property.default);
  }
  for (const [key, value] of Object.entries(user)) values.set(key, value);
  return readSettings((key) => values.get(key));
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "chunkls-wiring-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function makeWorkspace(name: string): string {
  const root = path.join(scratch, name);
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write("app/main.py", "class Greeter:\n    def greet(self, name):\n        return f'hello {name}'\n\n\ndef main():\n    Greeter().greet('x')\n");
  write("app/util.py", Array.from({ length: 8 }, (_, i) => `def helper_${i}():\n    return ${i}\n`).join("\n"));
  write("lib/shapes.c", "struct shape { int sides; };\n\nint shape_area(struct shape *s) {\n  return s->sides;\n}\n");
  write("web/view.ts", "export class View {\n  render(): string {\n    return 'view';\n  }\n}\n");
  write("generated/big.py", "def generated_function():\n    pass\n");
  write("notes.txt", "not a language chunkls knows\n");
  return root;
}

interface Session {
  connection: MessageConnection;
  initializeResult: { capabilities: Record<string, unknown> };
  shown: string[];
  progress: Array<{ kind: string; title?: string; message?: string; percentage?: number }>;
  indexed: Promise<void>;
  close: () => Promise<void>;
}

// Starts chunkls as the extension does: the same flags, initializationOptions and
// capabilities, and the answers VS Code gives to the server's requests.
async function startAsTheExtension(root: string, settings: ExtensionSettings): Promise<Session> {
  const child = spawn(binary, serverArgs(settings), {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, XDG_CACHE_HOME: `${root}-xdg-cache` },
  });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const shown: string[] = [];
  const progress: Session["progress"] = [];
  let indexedResolve: () => void = () => undefined;
  const indexed = new Promise<void>((resolve) => (indexedResolve = resolve));
  connection.onNotification("window/showMessage", (params: { message: string }) => {
    shown.push(params.message);
  });
  connection.onNotification("window/logMessage", () => undefined);
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("workspace/configuration", () => []);
  connection.onNotification(
    "$/progress",
    (params: { value: Session["progress"][number] }) => {
      progress.push(params.value);
      if (params.value.kind === "end") indexedResolve();
    },
  );
  connection.listen();
  const rootUri = pathToFileURL(root).href;
  const initializeResult = await connection.sendRequest<Session["initializeResult"]>("initialize", {
    processId: process.pid,
    clientInfo: { name: "Visual Studio Code", version: "1.100.3" },
    locale: "en",
    rootPath: root,
    rootUri,
    capabilities,
    initializationOptions: serverSettings(settings),
    trace: "off",
    workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
  });
  await connection.sendNotification("initialized", {});
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    connection,
    initializeResult,
    shown,
    progress,
    indexed,
    close: async () => {
      await connection.sendRequest("shutdown");
      await connection.sendNotification("exit");
      assert.equal(await exited, 0, "the server exits cleanly after shutdown and exit");
      connection.dispose();
    },
  };
}

interface DocumentSymbol {
  name: string;
  selectionRange: unknown;
  children?: DocumentSymbol[];
}

interface WorkspaceSymbol {
  name: string;
  location: { uri: string };
}

async function workspaceSymbols(session: Session, query: string): Promise<WorkspaceSymbol[]> {
  return session.connection.sendRequest<WorkspaceSymbol[]>("workspace/symbol", { query });
}

describe("settings.ts", () => {
  test("package.json's defaults send only what the user set, so the server's defaults apply", () => {
    const settings = settingsWith({});
    assert.deepEqual(serverSettings(settings), { index: { enabled: true, exclude: [] } });
    assert.deepEqual(serverArgs(settings), ["--log-level", "warn"]);
  });

  test("every setting reaches the server under the name chunkls reads", () => {
    const settings = settingsWith({
      parseTimeLimitMs: 5000,
      "cache.trees": { maxEntries: 8, maxBytes: 1048576 },
      "cache.constructs": { ttlSeconds: 60 },
      "index.enabled": false,
      "index.exclude": ["build/**"],
      "index.maxFileSize": 4096,
      "index.cacheDirectory": "",
      "index.workers": 2,
      "workspaceSymbol.limit": 7,
      logLevel: "debug",
      serverArgs: ["--threads", "3"],
    });
    const expected: ServerSettings = {
      parseTimeLimitMs: 5000,
      cache: { trees: { maxEntries: 8, maxBytes: 1048576 }, constructs: { ttlSeconds: 60 } },
      index: { enabled: false, exclude: ["build/**"], maxFileSize: 4096, cacheDirectory: "", workers: 2 },
      workspaceSymbol: { limit: 7 },
    };
    assert.deepEqual(serverSettings(settings), expected);
    assert.deepEqual(serverArgs(settings), ["--log-level", "debug", "--threads", "3"]);
  });

  test("values of the wrong type count as unset", () => {
    const settings = settingsWith({
      parseTimeLimitMs: "fast",
      "cache.trees": { maxEntries: -1, maxBytes: 1.5 },
      "index.exclude": ["ok/**", 3],
      logLevel: "loud",
    });
    assert.deepEqual(serverSettings(settings), { index: { enabled: true, exclude: ["ok/**"] } });
    assert.equal(settings.logLevel, "warn");
  });

  test("the document selector covers the built-in languages and the configured ones, on disk and unsaved", () => {
    const selector = documentSelector(settingsWith({ extraLanguages: ["zig", "python"] }));
    const languages = new Set(selector.map((filter) => filter.language));
    assert.deepEqual(languages, new Set([...builtinLanguageIds, "zig"]));
    assert.equal(selector.length, languages.size * 2);
    assert.ok(selector.some((f) => f.scheme === "untitled" && f.language === "python"));
    for (const event of manifest.activationEvents.filter((e) => e.startsWith("onLanguage:"))) {
      assert.ok(languages.has(event.slice("onLanguage:".length)), event);
    }
  });

  test("the binary: chunkls.path, else the bundled one, else PATH; a clear problem when none", () => {
    const executables = new Set(["/opt/chunkls", "/ext/bin/chunkls", "/usr/local/bin/chunkls"]);
    const lookup = (bundled: string, pathEnv: string) => ({
      bundled,
      pathEnv,
      isExecutable: (file: string) => executables.has(file),
    });
    assert.deepEqual(findServer(settingsWith({ path: "/opt/chunkls" }), lookup("/ext/bin/chunkls", "/usr/local/bin")), {
      found: true,
      command: "/opt/chunkls",
      source: "setting",
    });
    const badPath = findServer(settingsWith({ path: "/nope/chunkls" }), lookup("/ext/bin/chunkls", ""));
    assert.ok(!badPath.found && badPath.problem.includes("chunkls.path") && badPath.problem.includes("/nope/chunkls"));
    assert.deepEqual(findServer(settingsWith({}), lookup("/ext/bin/chunkls", "/usr/local/bin")), {
      found: true,
      command: "/ext/bin/chunkls",
      source: "bundled",
    });
    assert.deepEqual(findServer(settingsWith({}), lookup("/none/bin/chunkls", "/usr/bin:/usr/local/bin/")), {
      found: true,
      command: "/usr/local/bin/chunkls",
      source: "PATH",
    });
    const missing = findServer(settingsWith({}), lookup("/none/bin/chunkls", "/usr/bin"));
    assert.ok(!missing.found && missing.problem.includes("chunkls.path") && missing.problem.includes("PATH"));
  });
});

describe("statistics.ts", () => {
  const stats: Stats = {
    version: "0.1.0",
    uptimeMs: 1234,
    documents: { open: 2, textBytes: 2048 },
    index: { enabled: true, idle: true, symbols: { files: 5, symbols: 40 }, stores: [{ location: "/c", files: 5 }] },
  };

  test("sections flatten nested objects into dotted labels and format bytes and times", () => {
    const sections = statisticsSections(stats);
    assert.deepEqual(sections.map((s) => s.title), ["server", "documents", "index", "index.stores[0]"]);
    assert.deepEqual(sections[0]?.rows, [["version", "0.1.0"], ["uptimeMs", "1,234 ms"]]);
    assert.deepEqual(sections[1]?.rows, [["open", "2"], ["textBytes", "2.0 KiB"]]);
    assert.ok(sections[2]?.rows.some(([label, value]) => label === "symbols.files" && value === "5"));
    assert.deepEqual(indexCounts(stats), { files: 5, symbols: 40, idle: true });
    assert.equal(indexCounts({ index: { enabled: false } }), null);
  });

  test("the page escapes what the server sent and runs no script", () => {
    const html = statisticsHtml({ note: "<script>alert(1)</script>" }, "vscode-resource:");
    assert.ok(!html.includes("<script>alert"));
    assert.ok(html.includes("&lt;script&gt;"));
    assert.ok(html.includes("default-src 'none'"));
  });
});

describe("the real server, started as the extension starts it", { skip: binary === "" && "CHUNKLS_BINARY is not set" }, () => {
  test("with the default settings: capabilities, progress, symbols, folds, workspace symbols, stats", { timeout: 60000 }, async () => {
    const root = makeWorkspace("defaults");
    const session = await startAsTheExtension(root, settingsWith({}));
    try {
      const server = session.initializeResult.capabilities;
      assert.equal(server["positionEncoding"], "utf-16", "VS Code offers UTF-16 only");
      assert.ok(server["documentSymbolProvider"]);
      assert.ok(server["foldingRangeProvider"]);
      assert.ok(server["workspaceSymbolProvider"]);
      assert.equal((server["textDocumentSync"] as { change: number }).change, 2, "incremental sync");

      await session.indexed;
      assert.equal(session.progress[0]?.kind, "begin");
      assert.equal(session.progress[0]?.title, "Indexing");
      assert.equal(session.progress.at(-1)?.message, "indexed 5 files (1 skipped)", "notes.txt is skipped");

      const stats = await session.connection.sendRequest<Stats>("chunkls/stats");
      assert.deepEqual(indexCounts(stats)?.files, 5, "four languages' files, not notes.txt");

      const uri = pathToFileURL(path.join(root, "app/main.py")).href;
      const text = fs.readFileSync(path.join(root, "app/main.py"), "utf8");
      await session.connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "python", version: 1, text },
      });
      const symbols = await session.connection.sendRequest<DocumentSymbol[]>("textDocument/documentSymbol", {
        textDocument: { uri },
      });
      assert.deepEqual(
        symbols.map((s) => [s.name, (s.children ?? []).map((c) => c.name)]),
        [["Greeter", ["greet"]], ["main", []]],
        "hierarchical symbols, since VS Code asks for them",
      );
      assert.ok(symbols[0]?.selectionRange);
      const folds = await session.connection.sendRequest<Array<Record<string, unknown>>>("textDocument/foldingRange", {
        textDocument: { uri },
      });
      assert.ok(folds.length >= 2);
      assert.ok(folds.every((f) => !("startCharacter" in f) && !("endCharacter" in f)), "line folding only");

      const found = await workspaceSymbols(session, "shape_area");
      assert.ok(found.some((s) => s.name === "shape_area" && s.location.uri.endsWith("lib/shapes.c")), JSON.stringify(found));
      assert.deepEqual(session.shown, [], "nothing to tell the user");
    } finally {
      await session.close();
    }
  });

  test("the settings reach the server at start and through didChangeConfiguration", { timeout: 60000 }, async () => {
    const root = makeWorkspace("configured");
    const user = {
      "index.exclude": ["generated/**"],
      "workspaceSymbol.limit": 3,
      "cache.trees": { maxEntries: 8 },
      parseTimeLimitMs: 5000,
      "index.cacheDirectory": `${root}-index`,
    };
    const session = await startAsTheExtension(root, settingsWith(user));
    try {
      await session.indexed;
      const stats = await session.connection.sendRequest<Stats>("chunkls/stats");
      assert.equal(indexCounts(stats)?.files, 4, "generated/ is excluded");
      const caches = stats["caches"] as { trees: { maxEntries: number } };
      assert.equal(caches.trees.maxEntries, 8);
      const index = stats["index"] as { stores: Array<{ location: string }> };
      assert.ok(index.stores.every((s) => s.location.startsWith(`${root}-index`)), JSON.stringify(index.stores));
      assert.deepEqual(await workspaceSymbols(session, "generated_function"), []);
      assert.equal((await workspaceSymbols(session, "helper")).length, 3, "workspaceSymbol.limit");

      await session.connection.sendNotification("workspace/didChangeConfiguration", {
        settings: { chunkls: serverSettings(settingsWith({ ...user, "workspaceSymbol.limit": 6 })) },
      });
      assert.equal((await workspaceSymbols(session, "helper")).length, 6, "the new limit applies at once");
      assert.deepEqual(session.shown, [], "every setting was accepted");
    } finally {
      await session.close();
    }
  });
});
