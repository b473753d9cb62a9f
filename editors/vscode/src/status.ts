// The chunkls status bar item: the server starting, the indexer's progress (from the
// server's `$/progress`), then the index's file and symbol counts; a click shows the
// statistics. Owned by the extension; VS Code calls it on the extension host's one
// thread only.
import * as vscode from "vscode";

import type { IndexCounts } from "./statistics";

export class IndexStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem("chunkls.status", vscode.StatusBarAlignment.Left, 0);
    this.item.name = "chunkls";
    this.item.command = "chunkls.showStatistics";
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.show("$(sync~spin) chunkls", "chunkls is starting");
  }

  progress(percentage: number | undefined, message: string | undefined): void {
    const parts = ["$(sync~spin) chunkls: indexing"];
    if (percentage !== undefined) parts.push(`${percentage}%`);
    if (message) parts.push(message);
    this.show(parts.join(" "), "chunkls is indexing the workspace; click for statistics");
  }

  counts(counts: IndexCounts | null): void {
    if (counts === null) {
      this.show("$(check) chunkls", "chunkls is running (workspace indexing is off); click for statistics");
      return;
    }
    const text =
      `$(symbol-class) chunkls: ${counts.files.toLocaleString("en-US")} files, ` +
      `${counts.symbols.toLocaleString("en-US")} symbols`;
    this.show(text, "Files and symbols in chunkls's workspace index; click for statistics");
  }

  stopped(why: string): void {
    this.show("$(error) chunkls", why);
  }

  dispose(): void {
    this.item.dispose();
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
  }
}
