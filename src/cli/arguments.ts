// The command line, parsed: the command, its positional arguments, and the options every
// command shares (model, dtype, device, output). Node's parseArgs, strict: unknown options fail.
import { parseArgs } from 'node:util';
import { UsageError } from './cli-error';

const OPTIONS = {
  model: { type: 'string', short: 'm' },
  'model-id': { type: 'string' },
  dtype: { type: 'string' },
  device: { type: 'string' },
  out: { type: 'string', short: 'o' },
  k: { type: 'string', short: 'k' },
  format: { type: 'string' },
  threshold: { type: 'string' },
  vocabulary: { type: 'string' },
  storage: { type: 'string' },
  'cache-dir': { type: 'string' },
  'image-threads': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export interface Arguments {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly model?: string;
  readonly modelId?: string;
  readonly dtype?: string;
  readonly device?: string;
  readonly out?: string;
  readonly k?: number;
  readonly format?: string;
  readonly threshold?: number;
  readonly vocabulary?: readonly string[];
  readonly storage?: string;
  readonly cacheDir?: string;
  readonly imageThreads?: number;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

function number(value: string | undefined, name: string, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!check(n)) throw new UsageError(`--${name} ${value} is not valid`);
  return n;
}

export function parseArguments(argv: readonly string[]): Arguments {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    command,
    positionals: rest,
    ...optional('model', values.model),
    ...optional('modelId', values['model-id']),
    ...optional('dtype', values.dtype),
    ...optional('device', values.device),
    ...optional('out', values.out),
    ...optional('k', number(values.k, 'k', (n) => Number.isInteger(n) && n > 0)),
    ...optional('format', values.format),
    ...optional('threshold', number(values.threshold, 'threshold', (n) => n > 0 && n <= 1)),
    ...optional('vocabulary', values.vocabulary?.split(',').map((t) => t.trim()).filter(Boolean)),
    ...optional('storage', values.storage),
    ...optional('cacheDir', values['cache-dir']),
    ...optional('imageThreads', number(values['image-threads'], 'image-threads', (n) => Number.isInteger(n) && n >= 0)),
    json: values.json ?? false,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
