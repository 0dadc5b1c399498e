import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Env, type From } from 'dockerfile-ast';
import { REPO_ROOT } from './spawn-server.js';

/** One instruction: its keyword, its arguments without flags, and its flags (`--from=build` → `{ from: 'build' }`). */
export interface Step {
  readonly keyword: string;
  readonly args: string;
  readonly flags: Readonly<Record<string, string | null>>;
  /** ENV only: the assignments, quotes and escapes resolved by the parser. */
  readonly env?: Readonly<Record<string, string>>;
}

/** One build stage: `FROM <image> AS <name>` and what follows it. */
export interface Stage {
  readonly name: string | null;
  /** The base image, build arguments expanded with their defaults. */
  readonly image: string;
  readonly steps: readonly Step[];
}

export const DOCKERFILE = path.join(REPO_ROOT, 'Dockerfile');

/** The repository's Dockerfile as stages, parsed by dockerfile-ast (the parser VS Code's Docker support uses). */
export function readDockerfile(text = readFileSync(DOCKERFILE, 'utf8')): { readonly text: string; readonly stages: readonly Stage[] } {
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) args.set(property.getName(), property.getValue() ?? '');
  }
  const expand = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => args.get((a ?? b)!) ?? '');
  const stages: { name: string | null; image: string; steps: Step[] }[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = instruction as From;
      stages.push({ name: from.getBuildStage(), image: expand(from.getImage() ?? ''), steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue; // ARGs before the first FROM, read above
    const flags: Record<string, string | null> = {};
    const withFlags = instruction as { getFlags?: () => { getName(): string; getValue(): string | null }[] };
    for (const flag of withFlags.getFlags?.() ?? []) flags[flag.getName()] = flag.getValue();
    const env = keyword === 'ENV' ? Object.fromEntries((instruction as Env).getProperties().map((p) => [p.getName(), p.getValue() ?? ''])) : undefined;
    stage.steps.push({ keyword, args: instruction.getArgumentsContent() ?? '', flags, ...(env && { env }) });
  }
  return { text, stages };
}

/** The `ENV` of a stage as one record (later assignments win, as in Docker). */
export function envOf(stage: Stage): Record<string, string> {
  return Object.assign({}, ...stage.steps.map((s) => s.env ?? {})) as Record<string, string>;
}

/** The exec form (`["node", "x"]`) of a CMD or HEALTHCHECK CMD step, as argv. */
export function execForm(args: string): string[] {
  const json = args.replace(/^CMD\s+/, '');
  const argv = JSON.parse(json) as unknown;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new Error(`not an exec form: ${args}`);
  return argv;
}
