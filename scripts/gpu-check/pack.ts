// `npm run gpu:check`: packs what a lent GPU machine lacks into .gpu-check/ (git-ignored) and
// prints the one `device` call that runs the check there. `-- --local` runs the same check here
// instead, on SwiftShader's Vulkan driver and the tiny test model, and fails when a bar fails.
// `-- --rehearse` runs the device script itself here on a tiny model, to prove the pack.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { trimToLongest } from '../../src/core/text/text-rows';
import { ClipTokenizer } from '../../src/core/text/tokenizer';
import { CAPTIONS } from './captions';

const REPO = join(import.meta.dirname, '..', '..');
const PACK = join(REPO, '.gpu-check');
const LIMIT_MIB = 64;
const args = new Set(process.argv.slice(2));
const say = (line: string) => console.log(`gpu:check: ${line}`);

/** The check as one ES module (plus chunks); onnxruntime-web and webgpu stay imports. */
async function bundle(outdir: string): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { check: join(import.meta.dirname, 'check.ts') },
    outdir,
    bundle: true,
    splitting: true, // ort-threads.ts tells bundles apart by a dynamically imported module
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    external: ['onnxruntime-web', 'onnxruntime-web/*', 'webgpu'],
    logLevel: 'warning',
  });
  return join(outdir, 'check.mjs');
}

/** SwiftShader's Vulkan driver, shipped inside Debian's chromium package, and its loader. */
function swiftShaderEnv(): NodeJS.ProcessEnv {
  const beside = process.env.CHROMIUM_PATH ? [dirname(realpathSync(process.env.CHROMIUM_PATH))] : [];
  const lib = [...beside, '/usr/lib/chromium'].find((d) => existsSync(join(d, 'vk_swiftshader_icd.json')));
  if (!lib) throw new Error("gpu:check: no vk_swiftshader_icd.json found; Debian's chromium package ships it (apt-get install chromium)");
  return {
    ...process.env,
    VK_ICD_FILENAMES: join(lib, 'vk_swiftshader_icd.json'),
    LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp',
  };
}

async function runLocal(): Promise<number> {
  const entry = await bundle(join(REPO, 'test-results', 'gpu-check', 'bundle'));
  const out = join(REPO, 'test-results', 'gpu-check', 'report.json');
  const fixtures = join(REPO, 'tests', 'fixtures');
  const check = spawnSync(
    process.execPath,
    [
      '--conditions=onnxruntime-web-use-extern-wasm',
      entry,
      '--mode=local',
      `--model=${join(fixtures, 'tiny-clip')}`,
      `--inputs=${join(fixtures, 'tiny-clip-inputs')}`,
      `--out=${out}`,
      // SwiftShader is ~100x slower than a GPU, and compiles its shaders anew for each input
      // shape (10-40 s each on the 2-core machine): here the check is about right answers and
      // the machinery, so WebGPU runs only the correctness batches, and WASM's timing loop keeps
      // the speed code exercised.
      '--batches=',
      '--wasm-batches=1,8',
      '--seconds=0',
      '--min-calls=1',
      '--budget=100000',
      '--threads=2',
    ],
    { stdio: 'inherit', env: swiftShaderEnv(), cwd: REPO },
  );
  say(`report: ${relative(REPO, out)}`);
  return check.status ?? 1;
}

function xz(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  execFileSync('sh', ['-c', `xz -T0 -6 -c "${from}" > "${to}.xz"`]);
}

function copyInto(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

/** What the device cannot fetch: Node, Dawn, ORT's files, the Vulkan loader, the check. */
async function pack(config: 'vit-b-32' | 'tiny'): Promise<void> {
  mkdirSync(PACK, { recursive: true });
  const app = join(PACK, 'app');
  await bundle(join(app, 'check'));
  const nm = join(REPO, 'node_modules');
  const ortDist = join(nm, 'onnxruntime-web', 'dist');
  copyInto(join(nm, 'onnxruntime-web', 'package.json'), join(app, 'node_modules', 'onnxruntime-web', 'package.json'));
  for (const f of ['ort.webgpu.min.mjs', 'ort.wasm.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.mjs']) {
    copyInto(join(ortDist, f), join(app, 'node_modules', 'onnxruntime-web', 'dist', f));
  }
  const packed = (to: string) => existsSync(`${to}.xz`);
  for (const f of ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.wasm']) {
    const to = join(app, 'node_modules', 'onnxruntime-web', 'dist', f);
    if (!packed(to)) xz(join(ortDist, f), to);
  }
  for (const f of ['package.json', 'index.js']) copyInto(join(nm, 'webgpu', f), join(app, 'node_modules', 'webgpu', f));
  const dawn = join(app, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node');
  if (!packed(dawn)) xz(join(nm, 'webgpu', 'dist', 'linux-x64', 'dawn.node'), dawn);
  const node = join(PACK, 'node', 'bin', 'node');
  if (!packed(node)) {
    say('compressing the Node binary (a minute or two)…');
    xz(process.execPath, node);
  }

  // The Vulkan loader and GL dispatch libraries NVIDIA's driver needs (the device README's list).
  const debs = join(PACK, 'debs');
  if (!existsSync(debs) || readdirSync(debs).length === 0) {
    mkdirSync(debs, { recursive: true });
    const lists = '/tmp/gpu-check-apt-lists';
    mkdirSync(join(lists, 'partial'), { recursive: true });
    const o = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${lists}`];
    execFileSync('apt-get', [...o, 'update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', [...o, 'download', 'libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'], {
      cwd: debs,
      stdio: 'inherit',
    });
  }

  // The model's graphs without weights: the device fills them from its own PyTorch.
  const template = join(PACK, `template-${config}`);
  if (!existsSync(join(template, 'weights.json'))) {
    say(`exporting the ${config} graphs (PyTorch, here)…`);
    execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'model_template.py'), '--config', config, '--out', template], {
      stdio: 'inherit',
    });
  }
  // Captions as the engine feeds them (truncated to 77), for PyTorch's references there.
  const tokenizer = ClipTokenizer.fromJSON(
    JSON.parse(readFileSync(join(template, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(join(template, 'tokenizer_config.json'), 'utf8')),
  );
  const inputs = join(PACK, 'inputs');
  mkdirSync(inputs, { recursive: true });
  const captions = CAPTIONS.map((text) => {
    const { ids, lengths } = tokenizer.encodeBatchWithInfo([text]);
    return { text, ids: Array.from(trimToLongest(ids, lengths, tokenizer.contextLength).ids, Number) };
  });
  writeFileSync(join(inputs, 'captions.json'), JSON.stringify(captions));
  writeFileSync(join(PACK, 'config.txt'), `${config}\n`);
}

function sizeOf(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0) : s.size;
}

/** What a device call sends: tracked and untracked-not-ignored files, plus what it carries. */
function travellingMiB(): number {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO })
    .toString()
    .split('\0')
    .filter((f) => f && existsSync(join(REPO, f)));
  const tree = listed.reduce((n, f) => n + statSync(join(REPO, f)).size, 0);
  const carried = ['debs', 'app', 'node', 'inputs', 'config.txt', ...readdirSync(PACK).filter((f) => f.startsWith('template-'))]
    .map((f) => join(PACK, f))
    .filter(existsSync)
    .reduce((n, p) => n + sizeOf(p), 0);
  return (tree + carried) / 2 ** 20;
}

async function main(): Promise<void> {
  if (args.has('--local')) process.exit(await runLocal());
  const rehearse = args.has('--rehearse');
  const config = rehearse || args.has('--tiny') ? 'tiny' : 'vit-b-32';
  // One model per pack: a stale template of the other size would travel too.
  for (const f of existsSync(PACK) ? readdirSync(PACK) : []) {
    if (f.startsWith('template-') && f !== `template-${config}`) rmSync(join(PACK, f), { recursive: true });
  }
  await pack(config);
  const mib = travellingMiB();
  say(`.gpu-check/ is ready (${config}); a device call sends ${mib.toFixed(1)} MiB of the ${LIMIT_MIB} MiB allowed.`);
  if (mib > LIMIT_MIB) throw new Error('gpu:check: too much would travel; remove untracked files or compress more');
  if (rehearse) {
    const out = join(REPO, 'test-results', 'gpu-check', 'rehearsal');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const run = spawnSync('bash', [join(import.meta.dirname, 'device-run.sh')], {
      stdio: 'inherit',
      cwd: REPO,
      env: { ...swiftShaderEnv(), OUT: out, GPU_CHECK_REHEARSAL: '1', GPU_CHECK_BUDGET: '100000', PYTHON: '/usr/bin/python3' },
    });
    say(`rehearsal finished (${run.status}); its files: ${relative(REPO, out)}`);
    process.exit(run.status ?? 1);
  }
  console.log(
    [
      '',
      'Run it with the device tool (one call, about 5 minutes of device time):',
      `  run(command: "bash scripts/gpu-check/device-run.sh", carry: [".gpu-check"], timeout_s: 480)`,
      'It writes report.json, torch.json, log.txt and nvidia-smi.txt under $OUT. Then give the machine back.',
    ].join('\n'),
  );
}

await main();
