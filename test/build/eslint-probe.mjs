// Runs ESLint's Node API with the project's eslint.config.mjs, outside jest (jest's VM cannot import the ESM
// config). Reads {texts: [{filePath, code}], files: [path]} as JSON on stdin; prints each result's messages.
import { ESLint } from 'eslint';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { cwd, texts = [], files = [] } = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const eslint = new ESLint({ cwd });
const results = [];
for (const { filePath, code } of texts) results.push(...(await eslint.lintText(code, { filePath })));
if (files.length) results.push(...(await eslint.lintFiles(files)));

const brief = results.map((result) => ({
  filePath: result.filePath,
  messages: result.messages.map(({ ruleId, message, line }) => ({ ruleId, message, line })),
}));
process.stdout.write(JSON.stringify(brief));
