// The chunkls extension in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) in
// Debian's Chromium, driven by Playwright. Installs the built .vsix into a fresh profile,
// opens a copy of the Python standard library's json package, and checks through the
// DOM what a user sees against what a fresh chunkls answers for the same text: the
// Outline, the folding arrows and a click on one, the Outline after real keystrokes,
// Go to Symbol in Workspace (Ctrl+T) finding a symbol of a file never opened, the status
// bar's indexed counts, the statistics page, Reindex workspace, a chunkls.path that is
// no binary (the notification) and emptied again, Restart server, and the initialize
// request VS Code sent.
// A PNG of each step goes to the artifacts directory.
//
// Usage: node ui_test.mjs --vsix FILE --chunkls BINARY --source DIR --artifacts DIR
//   --source: a directory of Python files copied into the workspace (the json package)
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { chromium } from "playwright-core";

import { startServer } from "./lsp_client.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    vsix: { type: "string" },
    chunkls: { type: "string" },
    source: { type: "string" },
    artifacts: { type: "string" },
    capabilities: { type: "string" },
  },
});
for (const required of ["vsix", "chunkls", "source", "artifacts", "capabilities"]) {
  if (!args[required]) throw new Error(`--${required} is required`);
}
const codeServer = path.join(here, "node_modules", "code-server", "out", "node", "entry.js");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

fs.mkdirSync(args.artifacts, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "chunkls-vscode-"));
const workspace = path.join(work, "project");
const profile = path.join(work, "user-data");
const extensions = path.join(work, "extensions");
const serverLog = path.join(args.artifacts, "server.log");
const config = path.join(work, "code-server.yaml");
const env = {
  ...process.env,
  XDG_CACHE_HOME: path.join(work, "xdg-cache"),
  XDG_CONFIG_HOME: path.join(work, "xdg-config"),
  XDG_DATA_HOME: path.join(work, "xdg-data"),
};

let failures = 0;
let stepNumber = 0;
let page;

function ok(what) {
  console.log(`ok: ${what}`);
}

function fail(what) {
  console.log(`FAIL: ${what}`);
  failures += 1;
}

function check(condition, what, detail = "") {
  if (condition) ok(what);
  else fail(detail ? `${what}\n  ${detail}` : what);
}

async function screenshot(name) {
  stepNumber += 1;
  const file = path.join(args.artifacts, `${String(stepNumber).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file });
}

// Polls `probe` until it returns a value `accept` takes, or the time runs out; returns
// the last value either way (the caller's check reports a mismatch with it).
async function settle(probe, accept, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await probe();
  }
  return value;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function prepareWorkspace() {
  fs.mkdirSync(workspace, { recursive: true });
  for (const name of fs.readdirSync(args.source)) {
    if (name.endsWith(".py")) fs.copyFileSync(path.join(args.source, name), path.join(workspace, name));
  }
  // Left out of the index by a setting the extension mirrors to the server.
  fs.mkdirSync(path.join(workspace, "skipped"));
  fs.writeFileSync(path.join(workspace, "skipped", "hidden.py"), "def hidden_by_exclude():\n    pass\n");
  const settings = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "editor.showFoldingControls": "always",
    "editor.minimap.enabled": false,
    "outline.collapseItems": "alwaysExpand",
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.ignoreRecommendations": true,
    "security.workspace.trust.enabled": false,
    "chat.commandCenter.enabled": false,
    "chunkls.logLevel": "trace",
    "chunkls.serverArgs": ["--log", serverLog],
    "chunkls.index.exclude": ["skipped/**"],
    "chunkls.index.cacheDirectory": path.join(work, "index-cache"),
  };
  writeUserSettings(settings);
  fs.writeFileSync(config, "bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n");
  return settings;
}

// VS Code watches its settings files: a change applies as if made in the Settings editor.
function writeUserSettings(settings) {
  fs.mkdirSync(path.join(profile, "User"), { recursive: true });
  fs.writeFileSync(path.join(profile, "User", "settings.json"), JSON.stringify(settings, null, 2));
}

// chunkls.path is a machine setting: where VS Code runs extensions on another host than
// the window (code-server, Remote SSH) it is read from that host's settings, not the
// user's.
function writeMachineSettings(settings) {
  fs.mkdirSync(path.join(profile, "Machine"), { recursive: true });
  fs.writeFileSync(path.join(profile, "Machine", "settings.json"), JSON.stringify(settings, null, 2));
}

function pythonFiles() {
  return fs.readdirSync(workspace).filter((name) => name.endsWith(".py")).sort();
}

// [name, depth] of every symbol, depth first, as the Outline lists them.
function flattenSymbols(symbols, depth = 1, out = []) {
  const sorted = [...symbols].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  for (const symbol of sorted) {
    out.push([symbol.name, depth]);
    flattenSymbols(symbol.children ?? [], depth + 1, out);
  }
  return out;
}

async function expectedAnswers(file) {
  const text = fs.readFileSync(file, "utf8");
  const server = await startServer(args.chunkls, pathToFileURL(workspace).href, env);
  const uri = pathToFileURL(file).href;
  server.notify("textDocument/didOpen", { textDocument: { uri, languageId: "python", version: 1, text } });
  const symbols = await server.request("textDocument/documentSymbol", { textDocument: { uri } });
  const folds = await server.request("textDocument/foldingRange", { textDocument: { uri } });
  await server.close();
  return { outline: flattenSymbols(symbols), folds };
}

const outlineRows = () => page.locator('.pane:has(.pane-header[aria-label^="Outline"]) .monaco-list-row');

// The Outline's rows as [name, depth], scrolling through its virtualized list.
async function readOutline() {
  const seen = new Map();
  const list = page.locator('.pane:has(.pane-header[aria-label^="Outline"]) .monaco-list').first();
  if ((await list.count()) === 0) return [];
  await list.hover();
  for (let pass = 0; pass < 100; pass += 1) {
    const rows = await outlineRows().evaluateAll((elements) =>
      elements.map((e) => [Number(e.dataset.index), e.getAttribute("aria-label"), Number(e.getAttribute("aria-level"))]),
    );
    const before = seen.size;
    for (const [index, label, level] of rows) seen.set(index, [label, level]);
    const total = await outlineRows().first().getAttribute("aria-setsize").catch(() => null);
    if (rows.length === 0 || (seen.size === before && pass > 0)) break;
    if (total !== null && seen.size >= Number(total)) break;
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(50);
  }
  // Back to the top for the screenshots.
  await page.mouse.wheel(0, -100000);
  return [...seen.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, [label, level]]) => [label.replace(/\s+\([^()]*\)$/, ""), level]);
}

function sameOutline(actual, expected) {
  return JSON.stringify(actual) === JSON.stringify(expected);
}

function describeDifference(actual, expected) {
  const lines = [];
  for (let i = 0; i < Math.max(actual.length, expected.length); i += 1) {
    if (JSON.stringify(actual[i]) !== JSON.stringify(expected[i])) {
      lines.push(`row ${i}: VS Code ${JSON.stringify(actual[i])}, chunkls ${JSON.stringify(expected[i])}`);
      if (lines.length > 5) break;
    }
  }
  return `${actual.length} rows in VS Code, ${expected.length} from chunkls; ${lines.join("; ")}`;
}

// The editor's visible lines: line number → { top, arrow: "expanded" | "collapsed" | null }.
async function visibleLines() {
  return page.locator(".monaco-editor .margin-view-overlays > div").evaluateAll((rows) =>
    rows.map((row) => {
      const number = row.querySelector(".line-numbers")?.textContent?.trim();
      const arrow = row.querySelector(".cldr.codicon-folding-expanded")
        ? "expanded"
        : row.querySelector(".cldr.codicon-folding-collapsed")
          ? "collapsed"
          : null;
      return { line: Number(number), top: parseFloat(row.style.top), arrow };
    }),
  );
}

async function openFile(name) {
  await page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).click();
  await page.locator(`.tab[aria-label^="${name}"]`).first().waitFor();
  await page.locator(".monaco-editor .view-lines").first().waitFor();
}

async function runCommand(title) {
  await page.keyboard.press("F1");
  await page.locator(".quick-input-widget input").waitFor();
  await page.keyboard.type(title);
  await page.locator(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`).first().waitFor();
  await page.keyboard.press("Enter");
}

async function statusText() {
  return (await page.locator(".statusbar-item").evaluateAll((items) =>
    items.map((item) => item.textContent ?? "").find((text) => text.includes("chunkls")),
  )) ?? "";
}

async function main() {
  const settings = prepareWorkspace();
  const files = pythonFiles();
  console.log(`workspace: ${files.length} Python files from ${args.source}`);

  execFileSync(process.execPath, [codeServer, "--config", config, "--user-data-dir", profile,
    "--extensions-dir", extensions, "--install-extension", args.vsix], { env, stdio: "inherit" });

  const port = await freePort();
  const server = spawn(process.execPath, [codeServer, "--config", config, "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none", "--user-data-dir", profile, "--extensions-dir", extensions, "--disable-telemetry",
    "--disable-update-check", "--disable-workspace-trust", workspace],
  { env, detached: true, stdio: ["ignore", fs.openSync(path.join(args.artifacts, "code-server.log"), "w"), "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  let browser;
  try {
    await settle(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok ?? false, (up) => up, 60000);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1300 } });
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60000 });
    await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: 60000 });
    ok("VS Code is up with the workspace");

    // 1. Outline of an opened file equals chunkls's symbols.
    const target = "decoder.py";
    await openFile(target);
    // Give the Outline the height of the sidebar: collapse the file list.
    await page.locator('.pane-header[aria-label^="Outline"]').click();
    await page.locator('.pane-header[aria-label^="Folders"], .pane-header[aria-label^="Explorer Section"]').first().click().catch(() => {});
    const expected = await expectedAnswers(path.join(workspace, target));
    let outline = await settle(readOutline, (rows) => sameOutline(rows, expected.outline));
    check(sameOutline(outline, expected.outline),
      `the Outline lists exactly chunkls's symbols for ${target} (${expected.outline.length} rows, with nesting)`,
      describeDifference(outline, expected.outline));
    await screenshot("outline");

    // 2. Folding arrows on exactly the lines where chunkls reports folds (those visible).
    const foldStarts = new Set(expected.folds.filter((f) => f.endLine > f.startLine).map((f) => f.startLine + 1));
    // Until chunkls answers, VS Code shows folds from indentation: wait for the server's.
    const arrowsAndWanted = (rows) => {
      const shown = rows.filter((r) => r.line > 0);
      const first = Math.min(...shown.map((r) => r.line));
      const last = Math.max(...shown.map((r) => r.line));
      const arrows = shown.filter((r) => r.arrow !== null).map((r) => r.line).sort((a, b) => a - b);
      const wanted = [...foldStarts].filter((l) => l >= first && l <= last).sort((a, b) => a - b);
      return { first, last, arrows, wanted };
    };
    const lines = await settle(visibleLines, (rows) => {
      const { arrows, wanted } = arrowsAndWanted(rows);
      return arrows.length > 0 && JSON.stringify(arrows) === JSON.stringify(wanted);
    });
    const { first, last, arrows, wanted } = arrowsAndWanted(lines);
    check(arrows.length > 0 && JSON.stringify(arrows) === JSON.stringify(wanted),
      `folding arrows stand on chunkls's fold lines (${arrows.length} in lines ${first}-${last})`,
      `arrows ${JSON.stringify(arrows)}, chunkls ${JSON.stringify(wanted)}`);
    await screenshot("folding-arrows");

    // Clicking the arrow of the class folds its range: the lines inside disappear.
    const classFold = expected.folds.find((f) => f.endLine - f.startLine > 5 && foldStarts.has(f.startLine + 1)
      && f.startLine + 1 >= first && f.startLine + 1 <= last);
    if (classFold === undefined) {
      fail("a fold of more than 5 lines is visible to click");
    } else {
      const line = classFold.startLine + 1;
      const row = lines.find((r) => r.line === line);
      await page.locator(`.monaco-editor .margin-view-overlays > div[style*="top:${row.top}px"] .cldr`).first().click();
      const after = await settle(visibleLines, (rows) => rows.some((r) => r.line === line && r.arrow === "collapsed"));
      const folded = after.find((r) => r.line === line);
      const hidden = after.filter((r) => r.line > line && r.line <= classFold.endLine + 1);
      check(folded?.arrow === "collapsed" && hidden.length === 0,
        `clicking the arrow on line ${line} folds lines ${line + 1}-${classFold.endLine + 1}`,
        `arrow ${folded?.arrow}, ${hidden.length} of those lines still shown`);
      await screenshot("folded");
      await page.locator(`.monaco-editor .margin-view-overlays > div[style*="top:${folded.top}px"] .cldr`).first().click();
      await settle(visibleLines, (rows) => rows.some((r) => r.line === line && r.arrow === "expanded"));
    }

    // 3. Typing (real keystrokes) at the end of the file: the Outline follows.
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("def typed_in_vscode(x): return x");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+s");
    const typed = path.join(workspace, target);
    await settle(() => fs.readFileSync(typed, "utf8"), (text) => text.includes("typed_in_vscode"), 10000);
    const afterTyping = await expectedAnswers(typed);
    check(afterTyping.outline.some(([name]) => name === "typed_in_vscode"), "chunkls lists the typed function");
    outline = await settle(readOutline, (rows) => sameOutline(rows, afterTyping.outline));
    check(sameOutline(outline, afterTyping.outline),
      `after typing, the Outline equals chunkls's symbols for the new text (${afterTyping.outline.length} rows)`,
      describeDifference(outline, afterTyping.outline));
    await screenshot("outline-after-typing");

    // 4. The status bar: indexing, then the indexed counts.
    const status = await settle(statusText, (text) => /chunkls: [\d,]+ files, [\d,]+ symbols/.test(text), 60000);
    const counted = /chunkls: ([\d,]+) files, ([\d,]+) symbols/.exec(status);
    check(counted !== null && Number(counted[1].replace(/,/g, "")) === files.length,
      `the status bar shows the indexed count: "${status.trim()}" (${files.length} files; skipped/ excluded)`, status);
    await screenshot("status-bar");

    // 5. Go to Symbol in Workspace finds a symbol of a file never opened.
    const unopened = "encoder.py";
    await page.keyboard.press("Control+t");
    await page.locator(".quick-input-widget input").waitFor();
    await page.keyboard.type("iterencode");
    const hit = page.locator('.quick-input-list .monaco-list-row[aria-label*="iterencode"]').first();
    await hit.waitFor({ timeout: 30000 }).catch(() => {});
    const hitLabel = (await hit.count()) > 0 ? await hit.getAttribute("aria-label") : "";
    await screenshot("workspace-symbol");
    check((hitLabel ?? "").includes("iterencode"), `Ctrl+T lists "iterencode": ${hitLabel}`);
    await page.keyboard.press("Enter");
    const opened = await settle(
      async () => (await page.locator(".tab.active").first().getAttribute("aria-label").catch(() => "")) ?? "",
      (label) => label.startsWith(unopened), 10000);
    check(opened.startsWith(unopened), `choosing it opens ${unopened}, a file never opened before`, opened);

    // 6. chunkls: Show statistics opens a page with the index's numbers.
    await runCommand("chunkls: Show statistics");
    await page.locator('.tab[aria-label^="chunkls statistics"]').first().waitFor({ timeout: 15000 }).catch(() => {});
    const statsText = await settle(async () => {
      for (const frame of page.frames()) {
        const text = await frame.locator("body").innerText({ timeout: 500 }).catch(() => "");
        if (text.includes("chunkls statistics") && text.includes("symbols.files")) return text;
      }
      return "";
    }, (text) => text !== "", 15000);
    check(new RegExp(`symbols\\.files\\s+${files.length}\\b`).test(statsText),
      `"chunkls: Show statistics" opens a table of the server's statistics (${files.length} indexed files)`,
      statsText.slice(0, 400));
    await screenshot("statistics");
    // The status bar follows the index: after the save above it counts the typed function.
    const indexedSymbols = /symbols\.symbols\s+([\d,]+)/.exec(statsText)?.[1] ?? "?";
    const statusNow = await settle(statusText, (text) => text.includes(`${files.length} files, ${indexedSymbols} symbols`), 15000);
    check(statusNow.includes(`${files.length} files, ${indexedSymbols} symbols`),
      `the status bar's counts equal the statistics' (${files.length} files, ${indexedSymbols} symbols)`, statusNow);

    // 7. Reindex workspace: the server walks again; the status bar comes back to the counts.
    await runCommand("chunkls: Reindex workspace");
    const reindexes = await settle(() => received("chunkls/reindex").length, (n) => n === 1, 15000);
    check(reindexes === 1, '"chunkls: Reindex workspace" asks the server to reindex (chunkls/reindex)');
    const counts = `${files.length} files, ${indexedSymbols} symbols`;
    const afterReindex = await settle(statusText, (text) => text.includes(counts), 30000);
    check(afterReindex.includes(counts), `after reindexing the status bar shows ${counts} again`, afterReindex);

    // 8. chunkls.path set to no binary: the server stops and a notification says what to fix.
    writeMachineSettings({ "chunkls.path": "/nonexistent/chunkls" });
    const toast = page.locator('.notifications-toasts .notification-list-item:has-text("chunkls.path")').first();
    await toast.waitFor({ timeout: 30000 }).catch(() => {});
    const toastText = (await toast.count()) > 0 ? await toast.innerText() : "";
    check(toastText.includes("/nonexistent/chunkls") && toastText.includes("Open Settings"),
      "a chunkls.path that is no binary restarts into a notification naming it, with an Open Settings button",
      toastText);
    const stoppedStatus = await settle(statusText, (text) => !text.includes("files,"), 10000);
    check(!stoppedStatus.includes("files,"), "the status bar no longer shows counts", stoppedStatus);
    await screenshot("missing-binary");

    // 9. Emptied again: the bundled server starts; "Restart server" starts another one.
    writeMachineSettings({});
    const restored = await settle(statusText, (text) => text.includes(counts), 30000);
    check(restored.includes(counts), "emptying chunkls.path starts the bundled server again", restored);
    const started = received("initialize").length;
    await runCommand("chunkls: Restart server");
    const afterRestart = await settle(() => received("initialize").length, (n) => n === started + 1, 30000);
    check(afterRestart === started + 1, '"chunkls: Restart server" starts a new server');
    await page.locator(`.tab[aria-label^="${target}"]`).first().click();
    outline = await settle(readOutline, (rows) => sameOutline(rows, afterTyping.outline));
    check(sameOutline(outline, afterTyping.outline), "after the restart the Outline is chunkls's again",
      describeDifference(outline, afterTyping.outline));
    const restartedStatus = await settle(statusText, (text) => text.includes(counts), 30000);
    check(restartedStatus.includes(counts), `after the restart the status bar shows ${counts}`, restartedStatus);
    await screenshot("restarted");

    // 10. What VS Code sent: the initialize request's settings and capabilities.
    const initialize = received("initialize")[0] ?? null;
    fs.writeFileSync(path.join(args.artifacts, "initialize.json"), JSON.stringify(initialize, null, 2));
    const wantOptions = { index: { enabled: true, exclude: settings["chunkls.index.exclude"],
      cacheDirectory: settings["chunkls.index.cacheDirectory"] } };
    check(JSON.stringify(initialize?.params?.initializationOptions) === JSON.stringify(wantOptions),
      "initializationOptions mirror the chunkls.* settings",
      JSON.stringify(initialize?.params?.initializationOptions));
    const recorded = JSON.parse(fs.readFileSync(args.capabilities, "utf8"));
    check(JSON.stringify(initialize?.params?.capabilities) === JSON.stringify(recorded),
      `VS Code's capabilities equal ${path.basename(args.capabilities)}, which the Node wiring test sends`,
      `they differ: copy ${path.join(args.artifacts, "initialize.json")}'s params.capabilities there`);
  } catch (error) {
    fail(`the test ran to its end: ${error.stack ?? error}`);
    if (page) await screenshot("failure").catch(() => {});
  } finally {
    await browser?.close().catch(() => {});
    try {
      process.kill(-server.pid, "SIGKILL"); // code-server and its file watcher
    } catch {
      // already gone
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(failures === 0 ? "all passed" : `${failures} FAILED`);
  process.exitCode = failures === 0 ? 0 : 1;
}

// The messages with this method that the servers received, from their trace log (each
// server of the run appends to it).
function received(method) {
  const log = fs.existsSync(serverLog) ? fs.readFileSync(serverLog, "utf8") : "";
  const out = [];
  for (const line of log.split("\n")) {
    const at = line.indexOf("received {");
    if (at < 0 || !line.includes(`"method":"${method}"`) || line.endsWith(" bytes)")) continue;
    const message = JSON.parse(line.slice(at + "received ".length));
    if (message.method === method) out.push(message);
  }
  return out;
}

await main();
