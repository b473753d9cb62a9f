// The answer of `chunkls/stats` made readable: sections of labelled rows, and the HTML of
// the "chunkls: Show statistics" webview. Pure (no `vscode` import), values only.

export type Stats = Record<string, unknown>;

export interface Section {
  title: string;
  rows: Array<[label: string, value: string]>;
}

export interface IndexCounts {
  files: number;
  symbols: number;
  idle: boolean;
}

// The index's file and symbol counts, or null when the server indexes nothing.
export function indexCounts(stats: Stats): IndexCounts | null {
  const index = stats["index"];
  if (index === null || typeof index !== "object") return null;
  const fields = index as Record<string, unknown>;
  if (fields["enabled"] === false) return null;
  const symbols = fields["symbols"] as Record<string, unknown> | undefined;
  const number = (value: unknown): number => (typeof value === "number" ? value : 0);
  return {
    files: number(symbols?.["files"]),
    symbols: number(symbols?.["symbols"]),
    idle: fields["idle"] === true,
  };
}

function formatValue(key: string, value: unknown): string {
  if (typeof value === "number") {
    if (/bytes$/i.test(key) || key === "bytesOnDisk") return formatBytes(value);
    if (/Ms$/.test(key)) return `${value.toLocaleString("en-US")} ms`;
    return value.toLocaleString("en-US");
  }
  if (Array.isArray(value)) {
    return value.every((v) => typeof v !== "object" || v === null)
      ? value.map(String).join(", ")
      : JSON.stringify(value);
  }
  return String(value);
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

// One section per top-level object (documents, index, memory, caches, ...), its nested
// objects flattened into dotted labels; plain top-level values go to "server". Arrays of
// objects (the index's stores) get one section per element.
export function statisticsSections(stats: Stats): Section[] {
  const server: Section = { title: "server", rows: [] };
  const sections: Section[] = [server];
  const flatten = (prefix: string, value: unknown, into: Section): void => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        flatten(prefix === "" ? key : `${prefix}.${key}`, inner, into);
      }
      return;
    }
    const key = prefix.slice(prefix.lastIndexOf(".") + 1);
    into.rows.push([prefix, formatValue(key, value)]);
  };
  for (const [key, value] of Object.entries(stats)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const section: Section = { title: key, rows: [] };
      const nested: Array<[string, unknown[]]> = [];
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        if (Array.isArray(innerValue) && innerValue.some((v) => v !== null && typeof v === "object")) {
          nested.push([inner, innerValue]);
        } else {
          flatten(inner, innerValue, section);
        }
      }
      sections.push(section);
      for (const [inner, elements] of nested) {
        elements.forEach((element, i) => {
          const part: Section = { title: `${key}.${inner}[${i}]`, rows: [] };
          flatten("", element, part);
          sections.push(part);
        });
      }
    } else {
      flatten(key, value, server);
    }
  }
  return sections.filter((section) => section.rows.length > 0);
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

// A page without scripts (the webview's content security policy forbids them), styled
// with the theme's colours.
export function statisticsHtml(stats: Stats, cspSource: string): string {
  const tables = statisticsSections(stats)
    .map(
      (section) =>
        `<h2>${escapeHtml(section.title)}</h2>\n<table>\n` +
        section.rows
          .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
          .join("\n") +
        "\n</table>",
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<title>chunkls statistics</title>
<style>
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  h2 { font-size: 1.1em; margin-top: 1.2em; }
  table { border-collapse: collapse; }
  th { text-align: left; font-weight: normal; padding: 2px 16px 2px 0; color: var(--vscode-descriptionForeground); }
  td { text-align: right; padding: 2px 0; font-variant-numeric: tabular-nums; }
</style>
</head>
<body>
<h1>chunkls statistics</h1>
${tables}
</body>
</html>
`;
}
