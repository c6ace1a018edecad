// Finds a Chromium for the browser tests: $CHROMIUM_PATH, then the usual system binaries; as
// root on Debian/Ubuntu it installs Debian's `chromium` package. It never downloads a browser.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (name) => {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
};

function lookUp() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which is not an executable file.`);
  }
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  return onPath('chromium') ?? onPath('chromium-browser') ?? onPath('google-chrome');
}

/** Returns the path of a Chromium binary, installing Debian's package when allowed; throws a one-line Error otherwise. */
export function findChromium({ log = console.error } = {}) {
  const found = lookUp();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebianLike = existsSync('/etc/debian_version') && onPath('apt-get') !== undefined;
  if (isRoot && isDebianLike) {
    log('webclip: no Chromium found; installing Debian\'s chromium package with apt-get…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // A fresh machine's package lists can be empty or stale; update first, as apt needs.
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    const installed = lookUp();
    if (install.status === 0 && installed) return installed;
    throw new Error('webclip: apt-get could not install chromium; install it yourself or set CHROMIUM_PATH.');
  }
  throw new Error(
    'webclip: no Chromium found. Install one (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to its binary.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(findChromium());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
