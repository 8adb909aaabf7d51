// Obtains a verified OpenSSL release tarball. Sources, in order: a tarball named by an
// environment variable, the local cache, Debian's source package (through a private apt
// state folder, never touching the system's apt configuration), the OpenSSL release.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { locked } from './cache.mjs';
import { readSystemSources } from './debian.mjs';
import { cacheDir, run, sha256File, step } from './util.mjs';

export async function obtainSource(variant) {
  const file = `openssl-${variant.version}.tar.gz`;
  const cached = join(cacheDir, 'sources', file);
  mkdirSync(join(cacheDir, 'sources'), { recursive: true });

  const named = process.env[tarballVariable(variant)];
  if (named) return adopt(named, variant, cached, true);
  if (process.env.OPENSSL_TARBALL) {
    const adopted = await adopt(process.env.OPENSSL_TARBALL, variant, cached, false);
    if (adopted) return adopted;
  }
  const present = async () => existsSync(cached) && (await sha256File(cached)) === variant.sha256;
  if (await present()) return cached;
  // One setup at a time fetches a source (a suite's apt state is shared): one that waited finds it fetched.
  return locked(cached, async () => (await present() ? cached : fetchSource(variant, cached)));
}

async function fetchSource(variant, cached) {
  const file = basename(cached);
  const tried = [];
  const fromApt = await fromDebian(variant).catch((e) => {
    tried.push(`apt-get source ${variant.debian.package} (Debian ${variant.debian.suite}): ${e.message.split('\n')[0]}`);
  });
  if (fromApt) return adopt(fromApt, variant, cached, true);

  const url = `https://github.com/openssl/openssl/releases/download/openssl-${variant.version}/${file}`;
  step(`Downloading ${url}`);
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const partial = `${cached}.partial`;
    writeFileSync(partial, Buffer.from(await response.arrayBuffer()));
    return await adopt(partial, variant, cached, true, true);
  } catch (error) {
    tried.push(`${url}: ${error.cause?.message ?? error.message}`);
  }
  throw new Error([
    `the source of OpenSSL ${variant.version} (variant ${variant.name}) could not be obtained:`,
    ...tried.map((t) => `  - ${t}`),
    `Supply the release tarball yourself: ${tarballVariable(variant)}=/path/to/${file} (SHA-256 ${variant.sha256}),`,
    `or move the variant's pin in wasm/openssl-versions.json to a revision Debian still has, with its checksum.`,
  ].join('\n'));
}

/** The environment variable that names a variant's tarball: OPENSSL_TARBALL_3_5 for 3.5. */
export const tarballVariable = (variant) => `OPENSSL_TARBALL_${variant.name.replace('.', '_')}`;

/** Verifies `path` against the pinned SHA-256 and keeps a copy in the cache. */
async function adopt(path, variant, cached, mustMatch, move = false) {
  const actual = await sha256File(path);
  if (actual !== variant.sha256) {
    if (!mustMatch) return undefined;
    throw new Error(`${path}: SHA-256 ${actual} does not match the pinned ${variant.sha256} of OpenSSL ${variant.version}`);
  }
  if (path !== cached && move) renameSync(path, cached);
  else if (path !== cached) {
    // Whole or absent: a copy cut short is never in the cache under the tarball's name.
    copyFileSync(path, `${cached}.partial-${process.pid}`);
    renameSync(`${cached}.partial-${process.pid}`, cached);
  }
  console.log(`    OpenSSL ${variant.version} source verified (sha256 ${actual.slice(0, 16)}…)`);
  return cached;
}

/**
 * `apt-get source --download-only` against a private state folder whose deb-src entries
 * are derived from the machine's own Debian sources, with the suite swapped for the
 * variant's release. Returns the path of the upstream tarball; throws saying why there is none.
 */
async function fromDebian({ debian, version }) {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const codename = osRelease.match(/^VERSION_CODENAME=(\S+)/m)?.[1];
  if (!/^ID=debian$/m.test(osRelease) || !codename) throw new Error('this machine is not Debian');
  // Development suites (sid, experimental) have no -updates or -security companions.
  const rolling = DEVELOPMENT_SUITES.includes(debian.suite);
  const entries = readSystemSources()
    .map((e) => ({ ...e, suites: e.suites.filter((s) => s === codename || (!rolling && s.startsWith(`${codename}-`))) }))
    .filter((e) => e.suites.length > 0);
  if (entries.length === 0) throw new Error(`no apt source of this machine names its release (${codename})`);

  const state = join(cacheDir, 'apt', debian.suite);
  for (const d of ['sources.list.d', 'lists/partial', 'cache/archives/partial', 'download']) {
    mkdirSync(join(state, d), { recursive: true });
  }
  const stanzas = entries.map((e) => [
    'Types: deb-src',
    `URIs: ${e.uris.join(' ')}`,
    `Suites: ${e.suites.map((s) => debian.suite + s.slice(codename.length)).join(' ')}`,
    `Components: ${e.components.join(' ')}`,
    ...(e.signedBy ? [`Signed-By: ${e.signedBy}`] : []),
  ].join('\n'));
  writeFileSync(join(state, 'sources.list.d', 'openssl-src.sources'), stanzas.join('\n\n') + '\n');
  const opts = [
    `-o`, `Dir::Etc::SourceList=/dev/null`,
    `-o`, `Dir::Etc::SourceParts=${join(state, 'sources.list.d')}`,
    `-o`, `Dir::State::Lists=${join(state, 'lists')}`,
    `-o`, `Dir::Cache=${join(state, 'cache')}`,
    `-o`, `APT::Sandbox::User=root`,
  ];
  step(`Fetching ${debian.package} with apt-get source (${debian.suite})`);
  const log = join(state, 'apt.log');
  const apt = (args, options) => run('apt-get', [...opts, ...args], { logFile: log, ...options }).catch((error) => {
    // apt's own words ("E: Can not find version '3.6.3-1' of package 'openssl'", "404 Not Found").
    const said = [...error.message.matchAll(/^E: (.+)$/gm)].map((m) => m[1]).join('; ');
    throw new Error(said || error.message);
  });
  await apt(['update'], { label: 'apt-get update' });
  const download = join(state, 'download');
  rmSync(download, { recursive: true, force: true });
  mkdirSync(download);
  await apt(['source', '--download-only', debian.package], { cwd: download, label: 'apt-get source' }).catch((error) => {
    throw new Error(`Debian ${debian.suite} no longer offers ${debian.package} completely (${error.message})`);
  });
  const orig = `openssl_${version}.orig.tar.gz`;
  if (!existsSync(join(download, orig))) throw new Error(`${debian.package} downloaded without ${orig}`);
  return join(download, orig);
}

const DEVELOPMENT_SUITES = ['sid', 'unstable', 'experimental', 'rc-buggy'];
