import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SERVER_DIR, testEnv } from './support/spawn-server.js';

describe('server start-up', () => {
  it('refuses to start on malformed variables, naming each one, before touching the database', async () => {
    const env = testEnv({ PORT: 'http', CLOUDLINK_AWS_ACCOUNT_ID: 'abc', CLOUDLINK_SANDBOX: 'maybe', DATABASE_URL: 'mysql://db' });
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], { cwd: SERVER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    for (const name of ['PORT', 'CLOUDLINK_AWS_ACCOUNT_ID', 'CLOUDLINK_SANDBOX', 'DATABASE_URL']) expect(stderr).toContain(`- ${name} `);
  });
});
