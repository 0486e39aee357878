// A throwaway self-signed certificate for the TLS port when the user gives none. Made with the
// openssl CLI (Node has no X.509 writer); the key never leaves a private temp dir (mode 0700).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CERT_VALIDITY_DAYS = '825';
const OPENSSL_TIMEOUT_MS = 10_000;

/** Names the certificate covers: loopback always, plus the listen host when it is specific. */
export function subjectAltNames(host: string): string {
  const names = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
  const wildcard = host === '' || host === '0.0.0.0' || host === '::';
  if (!wildcard) names.add(isIP(host) ? `IP:${host}` : `DNS:${host}`);
  return [...names].join(',');
}

export async function selfSignedCertificate(host: string): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'shardline-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    args.push('-keyout', keyFile, '-out', certFile, '-days', CERT_VALIDITY_DAYS, '-subj', '/CN=shardline');
    args.push('-addext', `subjectAltName=${subjectAltNames(host)}`);
    try {
      await run('openssl', args, { timeout: OPENSSL_TIMEOUT_MS });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new Error('openssl is not installed: install it or pass --tls-key and --tls-cert');
      throw new Error(
        `openssl could not make a self-signed certificate: ${
          String((err as { stderr?: string }).stderr ?? err)
            .trim()
            .split('\n')[0]
        }`,
      );
    }
    return { key: await readFile(keyFile), cert: await readFile(certFile) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
