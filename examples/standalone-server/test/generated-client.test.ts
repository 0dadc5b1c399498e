import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SERVER_DIR, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';

/**
 * A client no one here wrote: `openapi-typescript` generates the `paths` type from the served
 * `/api/openapi.json`, `openapi-fetch` walks connect → complete → link → zone → records with it
 * (test/fixtures/openapi-client/walk.ts), the TypeScript compiler typechecks the walk against the
 * generated types, and plain `node` runs the compiled walk against a sandbox server. The same walk
 * with one misspelled response field must not compile: the document's types are real.
 */
const WALK_SOURCE = fileURLToPath(new URL('./fixtures/openapi-client/walk.ts', import.meta.url));
const SCOPE = { workspace: 'acme', project: 'shop', environment: 'prod' };

let server: SpawnedServer;
let token = '';
/**
 * Inside the package's node_modules, so `openapi-fetch` resolves from the generated files as it
 * would in a user's project (and git never sees them).
 */
let dir = '';

beforeAll(async () => {
  const env = testEnv({ CLOUDLINK_SANDBOX: 'true' });
  server = await spawnServer(env);
  const seeded = await runCli(['seed', '--workspace', SCOPE.workspace, '--project', SCOPE.project, '--environment', SCOPE.environment, '--email', 'client@example.com', '--role', 'owner', '--plan', 'pro'], env);
  expect(seeded.code, seeded.stderr).toBe(0);
  token = (JSON.parse(seeded.stdout) as { token: string }).token;
  const cache = path.join(SERVER_DIR, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(path.join(cache, 'generated-client-'));
  // What a user runs (`npx openapi-typescript <url> -o api.ts`), through its programmatic API.
  const ast = await openapiTS(new URL(`${server.url}/api/openapi.json`), { silent: true });
  writeFileSync(path.join(dir, 'api.ts'), astToString(ast));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Compiler options of a strict ESM project on Node; `lib.dom` for the fetch types openapi-fetch uses. */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  skipLibCheck: true,
};

/** Parsed files (the libs, the generated types, openapi-fetch's) shared by the two compilations. */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** Typecheck `file` (and what it imports); emit JavaScript beside it when `emit`. Returns the errors. */
function compile(file: string, emit: boolean): { code: number; text: string; line: number }[] {
  const options = { ...COMPILER_OPTIONS, noEmit: !emit, outDir: emit ? path.dirname(file) : undefined };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError) => {
    if (name === file) return read(name, version, onError);
    if (!parsed.has(name)) parsed.set(name, read(name, version, onError));
    return parsed.get(name);
  };
  const program = ts.createProgram([file], options, host);
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  if (emit && diagnostics.length === 0) diagnostics.push(...program.emit().diagnostics);
  return diagnostics.map((d) => ({
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
  }));
}

/** Run the compiled walk with plain `node` (no loader, no vitest), as a user's script runs. */
function runWalk(walkJs: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const runner = path.join(dir, 'run.mjs');
  writeFileSync(
    runner,
    `import { walk } from ${JSON.stringify(`./${path.basename(walkJs)}`)};\n` +
      `const [baseUrl, token, scope] = process.argv.slice(2);\n` +
      `process.stdout.write(JSON.stringify(await walk(baseUrl, token, JSON.parse(scope))));\n`,
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runner, server.url, token, JSON.stringify(SCOPE)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a generated client (openapi-typescript + openapi-fetch) against the sandbox server', { timeout: 120_000 }, () => {
  it('generates types from /api/openapi.json, typechecks the walk and runs it', async () => {
    const walkFile = path.join(dir, 'walk.ts');
    writeFileSync(walkFile, readFileSync(WALK_SOURCE, 'utf8'));

    expect(compile(walkFile, true)).toEqual([]);

    const run = await runWalk(path.join(dir, 'walk.js'));
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      connectionId: number;
      connectionStatus: string;
      linkedConnectionId: number | null;
      zoneId: number;
      hostedZoneId: string;
      written: string[];
      listed: { name: string; type: string; values: string[] }[];
      pages: number;
    };
    expect(result.connectionStatus).toBe('connected');
    expect(result.linkedConnectionId).toBe(result.connectionId);
    expect(result.hostedZoneId).not.toBe('');
    expect(result.written.sort()).toEqual(['A www.example.com.', 'MX example.com.', 'TXT _verify.example.com.']);
    expect(result.listed).toEqual(
      expect.arrayContaining([
        { name: 'www.example.com.', type: 'A', values: ['192.0.2.10'] },
        { name: 'example.com.', type: 'MX', values: ['10 mail.example.com.'] },
        { name: '_verify.example.com.', type: 'TXT', values: ['"hello generated client"'] },
      ]),
    );
    // Two per page: the walk followed nextCursor to the last page.
    expect(result.pages).toBe(Math.ceil(result.listed.length / 2));

    // What the walk did is on the server, read back without the generated client.
    const headers = { authorization: `Bearer ${token}` };
    const zone = (await (await fetch(`${server.url}/api/${SCOPE.project}/${SCOPE.environment}/dns/${result.zoneId}`, { headers })).json()) as { data: { domainName: string; hostedZoneId: string } };
    expect(zone.data).toMatchObject({ domainName: 'example.com', hostedZoneId: result.hostedZoneId });
  });

  it('rejects the same walk with one misspelled response field at compile time', async () => {
    const source = readFileSync(WALK_SOURCE, 'utf8');
    const misspelled = source.replace('started.data.connectionId', 'started.data.conectionId');
    expect(misspelled).not.toBe(source);
    const file = path.join(dir, 'walk-misspelled.ts');
    writeFileSync(file, misspelled);
    const line = misspelled.split('\n').findIndex((l) => l.includes('conectionId')) + 1;
    // Exactly that one error: TS2551 "Property 'conectionId' does not exist … Did you mean 'connectionId'?"
    expect(compile(file, false)).toEqual([{ code: 2551, line, text: expect.stringContaining("Property 'conectionId' does not exist") }]);
  });
});
