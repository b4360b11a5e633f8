/**
 * Operator accounts from the command line, on the same config (.env) and database as the service. Usage:
 *   npm run operator -- add <name> --role admin|operator|moderator   password from OPERATOR_PASSWORD or stdin
 *   npm run operator -- list
 *   npm run operator -- disable <name>                                 ends its sessions on every instance
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { buildApp } from '../app';
import { loadConfig, loadDotEnv } from '../config';
import { addOperator, changeOperator } from '../features/operators/service';
import { OPERATOR_ROLES, type OperatorRole } from '../store/types';

const USAGE =
  'Usage: npm run operator -- add <name> --role admin|operator|moderator\n' +
  '       npm run operator -- list\n' +
  '       npm run operator -- disable <name>\n' +
  'The password is read from OPERATOR_PASSWORD, or from the first line of stdin.';

/** The new account's password: OPERATOR_PASSWORD, else one line of stdin (typed, or piped). */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.OPERATOR_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    process.stderr.write('Password (at least 10 characters): ');
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

/** Runs one command; exits non-zero with a readable message on any problem. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, name] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  loadDotEnv();
  const app = await buildApp(loadConfig(), { logStream: false, sweepIntervalMs: false });
  try {
    const { live } = app;
    if (command === 'list') {
      for (const op of await live.store.operators.list())
        console.log(`${op.name}\t${op.role}${op.disabled ? '\tdisabled' : ''}`);
    } else if (command === 'add' && name !== undefined) {
      const role = values.role as OperatorRole | undefined;
      if (role === undefined || !OPERATOR_ROLES.includes(role))
        throw new Error(`--role must be one of ${OPERATOR_ROLES.join(', ')}`);
      const operator = await addOperator(live, { name, role, password: await readPassword() });
      console.log(`Added ${operator.name} (${operator.role}). Sign in to the console with this name.`);
    } else if (command === 'disable' && name !== undefined) {
      const account = await live.store.operators.byName(name);
      if (account === null) throw new Error(`No operator named ${name}`);
      await changeOperator(live, account.id, { disabled: true });
      console.log(`Disabled ${name}; its sessions have ended.`);
    } else {
      console.log(USAGE);
      process.exitCode = 2;
    }
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
