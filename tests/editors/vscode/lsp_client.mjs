// A small LSP client over a child process's stdio, for the UI test's expected answers:
// a fresh chunkls asked directly what the editor should show. Requests are awaited in
// order; server requests (progress tokens, registrations) are answered with null.
import { spawn } from "node:child_process";

export class LspClient {
  constructor(binary, args, env) {
    this.child = spawn(binary, args, { stdio: ["pipe", "pipe", "inherit"], env });
    this.nextId = 1;
    this.pending = new Map();
    this.buffer = Buffer.alloc(0);
    this.child.stdout.on("data", (chunk) => this.receive(chunk));
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString("ascii");
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      const message = JSON.parse(body);
      if (message.method !== undefined && message.id !== undefined) {
        this.send({ jsonrpc: "2.0", id: message.id, result: null });
      } else if (message.method === undefined && this.pending.has(message.id)) {
        const { resolve, reject } = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) reject(new Error(`${message.error.code}: ${message.error.message}`));
        else resolve(message.result);
      }
    }
  }

  send(message) {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method, params) {
    this.send({ jsonrpc: "2.0", method, params });
  }

  async close() {
    await this.request("shutdown", null);
    this.notify("exit", null);
    await new Promise((resolve) => this.child.once("exit", resolve));
  }
}

// What VS Code asks for what it shows: hierarchical symbols, line folding, UTF-16.
export async function startServer(binary, rootUri, env) {
  const client = new LspClient(binary, ["--log-level", "warn", "--no-index"], env);
  await client.request("initialize", {
    processId: process.pid,
    rootUri,
    capabilities: {
      textDocument: {
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        foldingRange: { lineFoldingOnly: true },
      },
    },
  });
  client.notify("initialized", {});
  return client;
}
