// The chunkls extension: starts the chunkls server (vscode-languageclient over stdio) for
// every language it knows, mirrors the `chunkls.*` settings into it, shows the indexer's
// progress and counts in the status bar, and adds the commands "Show statistics",
// "Restart server" and "Reindex workspace". What it sends the server is computed in
// settings.ts (shared with the Node wiring test). One instance per extension host,
// used from its one thread.
import * as fs from "node:fs";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";

import {
  documentSelector,
  findServer,
  readSettings,
  restartKeys,
  serverArgs,
  serverSettings,
  type ExtensionSettings,
} from "./settings";
import { indexCounts, statisticsHtml, type Stats } from "./statistics";
import { IndexStatus } from "./status";

function currentSettings(): ExtensionSettings {
  const config = vscode.workspace.getConfiguration("chunkls");
  return readSettings((key) => config.get(key));
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

class ChunklsExtension implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private statistics: vscode.WebviewPanel | undefined;
  private countsTimer: ReturnType<typeof setTimeout> | undefined;
  private restarts: Promise<void> = Promise.resolve();
  private readonly output = vscode.window.createOutputChannel("chunkls", { log: true });
  private readonly status = new IndexStatus();

  constructor(private readonly context: vscode.ExtensionContext) {}

  async start(): Promise<void> {
    const settings = currentSettings();
    const bundled = this.context.asAbsolutePath("bin/chunkls");
    // A .vsix may lose the executable bit of the binary it carries.
    if (fs.existsSync(bundled) && !isExecutableFile(bundled)) {
      try {
        fs.chmodSync(bundled, 0o755);
      } catch {
        // findServer reports it as missing below
      }
    }
    const binary = findServer(settings, {
      bundled,
      pathEnv: process.env["PATH"] ?? "",
      isExecutable: isExecutableFile,
    });
    if (!binary.found) {
      this.status.stopped(binary.problem);
      // Not awaited: activation and restarts must not wait for the user to answer.
      void vscode.window.showErrorMessage(binary.problem, "Open Settings").then((choice) => {
        if (choice === "Open Settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", "chunkls.path");
        }
      });
      return;
    }
    this.output.appendLine(`starting ${binary.command} (${binary.source}) ${serverArgs(settings).join(" ")}`);
    const server: ServerOptions = {
      command: binary.command,
      args: serverArgs(settings),
      transport: TransportKind.stdio,
    };
    const options: LanguageClientOptions = {
      documentSelector: documentSelector(settings),
      initializationOptions: serverSettings(settings),
      outputChannel: this.output,
      middleware: {
        handleWorkDoneProgress: (token, params, next) => {
          if (params.kind === "end") {
            void this.refreshCounts();
          } else {
            this.status.progress(params.percentage, params.message);
          }
          next(token, params);
        },
      },
    };
    const client = new LanguageClient("chunkls", "chunkls", server, options);
    this.client = client;
    // At start, and when the client restarts a server that crashed (a few times), the
    // item follows the state: the counts are asked once the server runs.
    client.onDidChangeState((event) => {
      if (this.client !== client) return;
      if (event.newState === State.Stopped) {
        this.status.stopped('chunkls is stopped: see the "chunkls" output, then run "chunkls: Restart server"');
      } else if (event.newState === State.Running) {
        void this.refreshCounts();
      }
    });
    this.status.starting();
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      const why = `chunkls could not start: ${String(error)}`;
      this.status.stopped(why);
      void vscode.window.showErrorMessage(why);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      await client.stop(2000);
    } catch (error) {
      this.output.appendLine(`stopping the server: ${String(error)}`);
    }
    this.status.stopped("chunkls is stopped");
  }

  // Restarts run one after another: settings changed twice in a row must not leave two
  // servers running.
  restart(): Promise<void> {
    this.restarts = this.restarts
      .then(async () => {
        await this.stop();
        await this.start();
      })
      .catch((error) => this.output.appendLine(`restarting the server: ${String(error)}`));
    return this.restarts;
  }

  async reindex(): Promise<void> {
    const client = this.runningClient();
    if (client === undefined) return;
    await client.sendRequest("chunkls/reindex");
    this.status.progress(undefined, undefined);
  }

  async showStatistics(): Promise<void> {
    const client = this.runningClient();
    if (client === undefined) return;
    const stats = await client.sendRequest<Stats>("chunkls/stats");
    if (this.statistics === undefined) {
      this.statistics = vscode.window.createWebviewPanel(
        "chunkls.statistics",
        "chunkls statistics",
        vscode.ViewColumn.Active,
        { enableScripts: false },
      );
      this.statistics.onDidDispose(() => (this.statistics = undefined));
    } else {
      this.statistics.reveal();
    }
    this.statistics.webview.html = statisticsHtml(stats, this.statistics.webview.cspSource);
  }

  // A change of the binary, its flags or the languages needs a new server; the others
  // reach the running one as workspace/didChangeConfiguration (trace.server is the
  // language client's own).
  async configurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!event.affectsConfiguration("chunkls")) return;
    if (restartKeys.some((key) => event.affectsConfiguration(`chunkls.${key}`))) {
      await this.restart();
      return;
    }
    const client = this.client;
    if (client === undefined || !client.isRunning()) return;
    await client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { chunkls: serverSettings(currentSettings()) },
    });
  }

  dispose(): void {
    if (this.countsTimer !== undefined) clearTimeout(this.countsTimer);
    this.statistics?.dispose();
    this.status.dispose();
    this.output.dispose();
  }

  // The server re-indexes saved, created and deleted files without a progress stretch
  // when they are few: the counts are asked again once the changes settle.
  countsMayHaveChanged(): void {
    if (this.countsTimer !== undefined) clearTimeout(this.countsTimer);
    this.countsTimer = setTimeout(() => {
      this.countsTimer = undefined;
      void this.refreshCounts();
    }, 1500);
  }

  private runningClient(): LanguageClient | undefined {
    if (this.client?.isRunning()) return this.client;
    void vscode.window.showWarningMessage("chunkls is not running: run \"chunkls: Restart server\".");
    return undefined;
  }

  private async refreshCounts(): Promise<void> {
    const client = this.client;
    if (client === undefined || !client.isRunning()) return;
    try {
      const stats = await client.sendRequest<Stats>("chunkls/stats");
      const counts = indexCounts(stats);
      // While the index is still busy, the progress notifications own the item.
      if (counts === null || counts.idle) this.status.counts(counts);
    } catch (error) {
      this.output.appendLine(`chunkls/stats: ${String(error)}`);
    }
  }
}

let extension: ChunklsExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const instance = new ChunklsExtension(context);
  extension = instance;
  context.subscriptions.push(
    instance,
    vscode.commands.registerCommand("chunkls.showStatistics", () => instance.showStatistics()),
    vscode.commands.registerCommand("chunkls.restartServer", () => instance.restart()),
    vscode.commands.registerCommand("chunkls.reindexWorkspace", () => instance.reindex()),
    vscode.workspace.onDidChangeConfiguration((event) => instance.configurationChanged(event)),
    vscode.workspace.onDidSaveTextDocument(() => instance.countsMayHaveChanged()),
    vscode.workspace.onDidCreateFiles(() => instance.countsMayHaveChanged()),
    vscode.workspace.onDidDeleteFiles(() => instance.countsMayHaveChanged()),
    vscode.workspace.onDidRenameFiles(() => instance.countsMayHaveChanged()),
  );
  await instance.restart();  // the first start, in the same queue as later restarts
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}
