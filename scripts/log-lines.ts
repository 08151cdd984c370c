/**
 * Prints the lines of the processes `npm start` runs, each under a coloured label: the service
 * that wrote it (a JSON log line's `service`, so the subgraphs sharing one process still read
 * apart), else the process's own name. JSON lines are shown through `pretty`.
 */
export function createLinePrinter({
  labels,
  pretty,
  write,
}: {
  /** the ANSI colour of each service's label */
  labels: Readonly<Record<string, number>>;
  pretty: (line: string) => string;
  write: (text: string) => void;
}): (line: string, processName: string) => void {
  const label = (name: string) => `\u001b[${labels[name] ?? 37}m${name.padEnd(9)}\u001b[0m |`;
  return (line, processName) => {
    let name = processName;
    let text = line;
    if (line.startsWith('{')) {
      try {
        const { service } = JSON.parse(line) as { service?: unknown };
        if (typeof service === 'string' && service in labels) name = service;
        text = pretty(line);
      } catch {
        // not a log line after all: shown as written
      }
    }
    const prefix = label(name);
    for (const part of text.split('\n')) write(`${prefix} ${part}\n`);
  };
}
