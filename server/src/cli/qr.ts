/**
 * Development helper: prints a room's anchor QR code in the terminal, from the same config (.env) and database
 * as the service. Usage:
 *   npm run qr -- <roomID>              the room's anchor QR (link QR; needs LINK_BASE_URL)
 *   npm run qr -- --new "<title>"       creates an operator room first (as OPERATOR_NAME / OPERATOR_PASSWORD, an
 *                                       operator account; or CONSOLE_TOKEN before the first account exists)
 *   add --png <file>                    also writes the image GET /api/rooms/:id/anchor-qrcode serves
 *                                       (the mini-program code when WECHAT_APPID/WECHAT_SECRET are set)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import { buildApp } from '../app';
import { loadConfig, loadDotEnv } from '../config';
import { anchorLink, encodeAnchorScene } from '@zego-live/contract';
import { ANCHOR_PAGE, resolveAnchorLaunch } from '../features/qrcode/service';

const USAGE =
  'Usage: npm run qr -- <roomID> [--png <file>]\n       npm run qr -- --new "<title>" [--png <file>]';

/**
 * The operator the CLI acts as (the routes it calls are operator-only and audited): OPERATOR_NAME signed in with
 * OPERATOR_PASSWORD, else CONSOLE_TOKEN (which works only until the first account exists).
 */
async function operatorHeaders(
  app: Awaited<ReturnType<typeof buildApp>>,
  consoleToken: string | null,
): Promise<Record<string, string>> {
  const name = process.env.OPERATOR_NAME?.trim();
  if (name) {
    const signedIn = await app.inject({
      method: 'POST',
      url: '/api/operators/sign-in',
      payload: { name, password: process.env.OPERATOR_PASSWORD ?? '' },
    });
    if (signedIn.statusCode !== 200) throw new Error(`could not sign in as ${name}: ${signedIn.body}`);
    return { authorization: `Bearer ${(signedIn.json() as { sessionToken: string }).sessionToken}` };
  }
  if (consoleToken === null)
    throw new Error(
      '--new and --png act as an operator: set OPERATOR_NAME and OPERATOR_PASSWORD (an operator account)',
    );
  return { authorization: `Bearer ${consoleToken}` };
}

/** Prints the anchor QR of one room; exits non-zero with a readable message on any problem. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { new: { type: 'string' }, png: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || (positionals.length !== 1 && values.new === undefined)) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }

  loadDotEnv();
  const config = loadConfig();
  const app = await buildApp(config, { logStream: false });
  try {
    const operator =
      values.new !== undefined || values.png !== undefined
        ? await operatorHeaders(app, config.consoleToken)
        : {};
    let roomId = positionals[0];
    if (values.new !== undefined) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/rooms',
        headers: operator,
        payload: { title: values.new },
      });
      if (created.statusCode !== 200) throw new Error(`could not create the room: ${created.body}`);
      roomId = (created.json() as { room: { id: string } }).room.id;
    }

    const { room, invite } = await resolveAnchorLaunch(app.live, roomId);
    console.log(
      `Room     ${room.id}  "${room.title}"  (${room.status}${room.ownerId ? ', has an anchor' : ''})`,
    );
    if (invite)
      console.log(`Invite   ${invite.code}  (valid until ${new Date(invite.expiresAt).toLocaleString()})`);
    console.log(
      `Scene    ${encodeAnchorScene(room.id, invite?.code)}  (mini-program code, page ${ANCHOR_PAGE})`,
    );
    console.log(`DevTools compile query: roomID=${room.id}${invite ? `&invite=${invite.code}` : ''}`);

    if (config.linkBaseUrl) {
      const link = anchorLink(config.linkBaseUrl, room.id, invite?.code);
      console.log(`Link     ${link}\n`);
      console.log(await QRCode.toString(link, { type: 'terminal', small: true }));
      console.log('用微信扫码开播 / scan in WeChat to go live');
    } else {
      console.log(
        '\nNo terminal QR: set LINK_BASE_URL (the https link configured in "scan a normal link" rules).',
      );
    }

    if (values.png !== undefined) {
      const image = await app.inject({
        method: 'GET',
        url: `/api/rooms/${room.id}/anchor-qrcode`,
        headers: operator,
      });
      if (image.statusCode !== 200)
        throw new Error(`the QR route answered ${image.statusCode}: ${image.body}`);
      const file = path.resolve(values.png);
      writeFileSync(file, image.rawPayload);
      console.log(`Wrote ${image.headers['content-type']} to ${file}`);
    }
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  // ConfigError, ApiError (404, 409) and parse errors all carry a message meant for people.
  console.error(`qr: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
