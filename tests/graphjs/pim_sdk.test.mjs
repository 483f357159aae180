// pim against Microsoft's own Graph JavaScript SDK, over TLS with a private CA.
//
// This test makes a CA and a server certificate with the openssl CLI, starts pimd with
// --tls-cert/--tls-key on 127.0.0.1:0, then runs sdk_scenario.mjs in a child node process:
// NODE_EXTRA_CA_CERTS must be set before node starts, so it cannot be set from here.
// PIMD names the pimd binary (CTest sets it); default: <repo>/build/src/apps/pimd/pimd.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
const PIMD = process.env.PIMD || join(here, '..', '..', 'build', 'src', 'apps', 'pimd', 'pimd');
const ARGON2 = ['--argon2-memory-kib', '8192', '--argon2-passes', '1'];

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

// A CA, and a P-256 server certificate for localhost / 127.0.0.1 signed by it.
function makeCertificates(dir) {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
           '-days', '2', '-subj', '/CN=pim test CA', '-keyout', 'ca.key', '-out', 'ca.pem',
           '-addext', 'basicConstraints=critical,CA:TRUE',
           '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
           '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr'], dir);
  writeFileSync(join(dir, 'server.ext'),
                'subjectAltName=DNS:localhost,IP:127.0.0.1\n' +
                'extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
           '-CAcreateserial', '-days', '2', '-out', 'server.pem', '-extfile', 'server.ext'], dir);
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}

// Starts pimd; resolves with { proc, port } once it printed its first line.
function startPimd(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(PIMD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    proc.stderr.on('data', (d) => { log += d; });
    const lines = createInterface({ input: proc.stdout });
    const timer = setTimeout(() => reject(new Error('pimd printed nothing in 30 s\n' + log)), 30000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on https:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      if (!m) reject(new Error(`unexpected first line ${JSON.stringify(line)}\n${log}`));
      else resolve({ proc, port: Number(m[1]), log: () => log });
    });
    proc.once('exit', (code) => reject(new Error(`pimd exited ${code}\n${log}`)));
  });
}

test('Microsoft Graph JS SDK drives pim over TLS', { timeout: 150000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pim-graphjs-'));
  let pimd;
  try {
    const certs = makeCertificates(dir);
    const data = join(dir, 'data');
    const password = 'Adm1n-' + randomBytes(12).toString('hex');
    writeFileSync(join(dir, 'admin-password.txt'), password + '\n');
    const init = spawnSync(PIMD, ['init', '--data', data, '--admin-password-file',
                                  join(dir, 'admin-password.txt'), ...ARGON2],
                           { encoding: 'utf8' });
    assert.equal(init.status, 0, `pimd init failed: ${init.stdout} ${init.stderr}`);
    const upn = /^admin: (\S+)$/m.exec(init.stdout)?.[1];
    assert.ok(upn, `no admin line in ${init.stdout}`);

    pimd = await startPimd(['--data', data, '--listen', '127.0.0.1:0', '--tls-cert', certs.cert,
                            '--tls-key', certs.key, ...ARGON2]);
    // The child reports in plain TAP: it must not think it runs under this test runner.
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: certs.ca, PIM_PORT: String(pimd.port),
                  PIM_ADMIN_UPN: upn, PIM_ADMIN_PASSWORD: password };
    delete env.NODE_TEST_CONTEXT;
    const child = spawnSync(process.execPath,
                            ['--test-reporter=tap', join(here, 'sdk_scenario.mjs')],
                            { encoding: 'utf8', timeout: 120000, env });
    for (const line of child.stdout.split('\n')) {
      if (/^\s*(ok|not ok) /.test(line)) t.diagnostic(line.trim());
    }
    assert.equal(child.status, 0,
                 `sdk_scenario.mjs failed:\n${child.stdout}\n${child.stderr}\n--- pimd:\n${pimd.log()}`);

    const exited = new Promise((resolve) => pimd.proc.once('exit', (code) => resolve(code)));
    pimd.proc.kill('SIGTERM');
    assert.equal(await exited, 0, 'pimd did not exit 0 on SIGTERM');
    pimd = null;
  } finally {
    if (pimd) pimd.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
