/**
 * Every page in every state that matters, as a person sees it: brought there by the component tests' harness and
 * fakes, laid out by headless Chromium with the pages' own WXSS (pictures.ts), then checked for what a person would
 * notice (checks.browser.js). `npm run shots` also saves each picture (test/pictures/out/) and the README's
 * (docs/screens/); otherwise the README's pictures must still match what the pages render now.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pagePath } from '../helpers/page-harness';
import { browserMissing, PictureBrowser } from './browser';
import { pageDocument } from './dom';
import { Rig } from './rig';
import { STATES, type PictureState } from './states';

jest.mock('../../miniprogram/services/api', () => require('../helpers/page-harness').mockApiModule());
jest.mock('../../miniprogram/services/rtc-engine', () =>
  require('../helpers/page-harness').mockRtcEngineModule(),
);

/** Every clock on the pictures reads from here (jest.config.js starts the fake clock at the same time). */
const NOW = Date.parse('2026-12-05T12:00:00.000Z');
const SAVING = process.env.SHOTS === '1';
const OUT_DIR = path.join(__dirname, 'out');
const DOCS_DIR = path.resolve(__dirname, '../../docs/screens');
const DOCS_INPUTS = path.join(DOCS_DIR, 'inputs.json');
const CHAT_LINE = '.chat-line';

const missing = browserMissing();
const inCI = process.env.CI === 'true';
if (missing && !inCI) console.warn(`pictures skipped: ${missing} (CI fails instead)`);
const describeWithBrowser = missing && !inCI ? describe.skip : describe;

/** The README's pictures: the hash of what each was rendered from (the page's HTML and CSS). */
const readDocsInputs = (): Record<string, string> =>
  fs.existsSync(DOCS_INPUTS)
    ? (JSON.parse(fs.readFileSync(DOCS_INPUTS, 'utf8')) as Record<string, string>)
    : {};

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** The console's picture comes from its Chromium test (server/test/console.test.ts): stale when its sources change. */
const CONSOLE_DIR = path.resolve(__dirname, '../../server/console');
function consoleSources(): string {
  const files = [
    'index.html',
    'style.css',
    ...fs.readdirSync(path.join(CONSOLE_DIR, 'src')).map((f) => `src/${f}`),
  ];
  return files
    .sort()
    .map((file) => `${file}\n${fs.readFileSync(path.join(CONSOLE_DIR, file), 'utf8')}`)
    .join('\n');
}

describeWithBrowser('every page as a person sees it', () => {
  jest.setTimeout(60_000);
  const rig = new Rig();
  const rendered = new Map<string, string>([['console', sha256(consoleSources())]]);
  let browser: PictureBrowser;

  beforeAll(async () => {
    if (missing) throw new Error(`the pictures need a browser: ${missing}`);
    browser = await PictureBrowser.launch();
    if (SAVING) fs.mkdirSync(OUT_DIR, { recursive: true });
  });

  afterAll(async () => {
    rig.reset();
    await browser?.close();
    if (SAVING) {
      // Merged: a run of some states (-t) keeps the others' entries.
      const merged = { ...readDocsInputs(), ...Object.fromEntries(rendered) };
      const inputs = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
      fs.writeFileSync(DOCS_INPUTS, `${JSON.stringify(inputs, null, 2)}\n`);
    }
  });

  /** The state's page document. */
  async function documentOf(state: PictureState): Promise<string> {
    jest.setSystemTime(NOW);
    rig.reset();
    const page = await state.arrange(rig);
    return pageDocument(pagePath(state.page), page.json(), rig.overlay);
  }

  it.each(STATES.map((state) => [state.name, state] as const))(
    '%s: nothing cut off, squeezed, overlapping or too small',
    async (name, state) => {
      const html = await documentOf(state);
      const result = await browser.render(html, { png: SAVING, chatLineSelector: CHAT_LINE });
      if (result.png) {
        fs.writeFileSync(path.join(OUT_DIR, `${name}.png`), result.png);
        if (state.docs) fs.writeFileSync(path.join(DOCS_DIR, `${state.docs}.png`), result.png);
      }
      if (state.docs) rendered.set(state.docs, sha256(html));
      expect(result.defects).toEqual([]);
    },
  );

  it('the README’s pictures are current (else: npm run shots)', async () => {
    if (SAVING) return;
    const inputs = readDocsInputs();
    // Rendered above; again here when this test runs alone.
    for (const state of STATES.filter((s) => s.docs && !rendered.has(s.docs))) {
      rendered.set(state.docs as string, sha256(await documentOf(state)));
    }
    for (const docs of [...STATES.flatMap((s) => (s.docs ? [s.docs] : [])), 'console']) {
      expect(fs.existsSync(path.join(DOCS_DIR, `${docs}.png`))).toBe(true);
      expect({ [docs]: rendered.get(docs) }).toEqual({ [docs]: inputs[docs] });
    }
  });

  describe('a planted defect fails a check', () => {
    const plant = (html: string, css: string) => html.replace('</head>', `<style>${css}</style></head>`);
    let watching = '';
    beforeAll(async () => {
      watching = await documentOf(STATES.find((s) => s.name === 'audience-watching') as PictureState);
    });

    it('the chat input at 1 px: squeezed', async () => {
      const { defects } = await browser.render(
        plant(
          watching,
          '#chat-input { flex: none !important; min-width: 0 !important; width: 1px !important; }',
        ),
        {
          png: false,
          chatLineSelector: CHAT_LINE,
        },
      );
      expect(defects.join('\n')).toMatch(/squeezed: .*说点什么/);
    });

    it('the co-host button over the chat: overlap', async () => {
      const css =
        '.cohost-bar { position: absolute !important; inset: 0 !important; z-index: 50; }' +
        ' .cohost-bar wx-button { width: 100% !important; height: 100% !important; }';
      const { defects } = await browser.render(plant(watching, css), {
        png: false,
        chatLineSelector: CHAT_LINE,
      });
      expect(defects.join('\n')).toMatch(/overlap: wx-button#request-cohost.* lies on .*chat-line/);
    });
  });
});
