import { buildApp } from '../src/app';
import { testConfig, tempDbFile } from './helpers/server';
async function main() {
  const db = tempDbFile();
  const app = await buildApp(testConfig(db.file), { logStream: false, publicDir: '/nonexistent' });
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  process.stdout.write(res.body);
  await app.close();
  db.cleanup();
}
void main();
