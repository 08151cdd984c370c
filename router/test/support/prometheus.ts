/** One sample of a scrape: a series name, its labels and its value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"`;
const VALUE = '[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[Ii]nf|[Nn]a[Nn])';
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (${VALUE})(?: [0-9]+)?$`,
);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"/g;

/**
 * Parses the Prometheus text exposition format (0.0.4) strictly (NaN and Inf in any case, as
 * Prometheus reads them): any line that is not a
 * HELP, a TYPE or a sample throws, naming the line.
 */
export function parsePrometheusText(text: string) {
  const samples: Sample[] = [];
  const names = new Set<string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    const typed = TYPE.exec(line);
    if (typed) {
      names.add(typed[1]!);
      continue;
    }
    if (HELP.test(line) || line === '') continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`line ${index + 1} is not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(LABEL_PAIR)) {
      labels[key!] = value!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    samples.push({
      name: sample[1]!,
      labels,
      value: Number(sample[3]!.replace(/inf/i, 'Infinity')),
    });
  }
  return {
    samples,
    /** the metric families the scrape declared (TYPE lines) */
    names,
    /** the value of the one sample with exactly these labels besides any the registry adds */
    value(name: string, labels: Record<string, string>): number | undefined {
      const found = samples.filter(
        (sample) =>
          sample.name === name &&
          Object.entries(labels).every(([key, value]) => sample.labels[key] === value) &&
          Object.keys(sample.labels).filter((key) => key !== 'service').length ===
            Object.keys(labels).filter((key) => key !== 'service').length,
      );
      if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} is ambiguous`);
      return found[0]?.value;
    },
  };
}
