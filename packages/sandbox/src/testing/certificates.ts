import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway CA and a server certificate for 127.0.0.1/localhost, made with openssl. */
export interface TestCertificates {
  readonly ca: string;
  readonly key: string;
  readonly cert: string;
  /** Delete the temporary directory. */
  cleanup(): void;
}

/**
 * Generate the certificates in a fresh temporary directory (about half a second). Tests pass `ca`
 * to the connector (`tls: { ca }`), so no NODE_EXTRA_CA_CERTS is needed.
 */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'cloudlink-tls-'));
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=cloudlink test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return { ca: read('ca.crt'), key: read('server.key'), cert: read('server.crt'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
