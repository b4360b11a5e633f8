/** The QR panel: the anchor's go-live code (fetched with the console token) and the audience's link and code. */
import { audienceQrCodeUrl, type ConsoleApi, type CreatedRoom, type Room } from './api';
import { h, replaceChildren } from './dom';
import { describeFailure, formatTime } from './format';

/** One panel element, showing one room's codes at a time. */
export class QrPanel {
  private objectUrls: string[] = [];

  constructor(
    private readonly panel: HTMLElement,
    /** Puts a short note where the operator sees it (copied, or not). */
    private readonly notify: (text: string) => void,
  ) {}

  /** Hides the panel and frees its images. */
  close(): void {
    for (const url of this.objectUrls) URL.revokeObjectURL(url);
    this.objectUrls = [];
    this.panel.hidden = true;
    this.panel.textContent = '';
  }

  /** Shows the anchor's QR (fetched with the token) and the audience link with its own QR. */
  show(client: ConsoleApi | null, room: Room, invite?: CreatedRoom['invite']): void {
    if (!client) return;
    this.close();
    const anchorFigure = h(
      'figure',
      { class: 'qr', id: 'anchor-qr' },
      h('p', { class: 'muted' }, '生成中… Generating…'),
    );
    const audienceFigure = h(
      'figure',
      { class: 'qr', id: 'audience-qr' },
      h('p', { class: 'muted' }, '加载中… Loading…'),
    );
    replaceChildren(
      this.panel,
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: 'qr-title' }, `「${room.title}」`),
        h('button', { type: 'button', class: 'button ghost', onclick: () => this.close() }, '关闭 Close'),
      ),
      h('div', { class: 'qr-grid' }, anchorFigure, audienceFigure),
    );
    this.panel.hidden = false;
    this.panel.focus();

    client.anchorQrCode(room.id).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        this.objectUrls.push(url);
        replaceChildren(
          anchorFigure,
          h('img', { src: url, alt: `主播开播二维码:${room.title} (anchor QR)`, width: 240, height: 240 }),
          h(
            'figcaption',
            {},
            h('strong', {}, '用微信扫码开播'),
            h('span', { class: 'en', lang: 'en' }, 'Scan in WeChat to go live'),
            invite &&
              h(
                'span',
                { class: 'muted' },
                `邀请码有效期至 Invite valid until ${formatTime(invite.expiresAt)}`,
              ),
          ),
        );
      },
      (failure: unknown) => {
        replaceChildren(
          anchorFigure,
          h(
            'p',
            { class: 'form-error', role: 'alert' },
            `无法生成开播二维码 Anchor QR unavailable: ${describeFailure(failure)}`,
          ),
        );
      },
    );

    client.shareLinks(room.id).then(
      (links) => {
        const children = links.audienceLink
          ? [
              h('img', {
                src: audienceQrCodeUrl(room.id),
                alt: `观众二维码:${room.title} (audience QR)`,
                width: 160,
                height: 160,
              }),
              h(
                'figcaption',
                {},
                h('strong', {}, '观众链接 Audience link'),
                h(
                  'a',
                  { href: links.audienceLink, id: 'audience-link', target: '_blank', rel: 'noopener' },
                  links.audienceLink,
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button small',
                    onclick: () => this.copy(links.audienceLink ?? ''),
                  },
                  '复制 Copy',
                ),
              ),
            ]
          : [
              h(
                'figcaption',
                {},
                h('strong', {}, '观众入口 Audience page'),
                h('code', {}, links.audiencePath),
                h(
                  'span',
                  { class: 'muted' },
                  '未配置 LINK_BASE_URL,暂无网页链接 (set LINK_BASE_URL for a link)',
                ),
              ),
            ];
        replaceChildren(audienceFigure, ...children);
      },
      (failure: unknown) => {
        replaceChildren(audienceFigure, h('p', { class: 'form-error' }, describeFailure(failure)));
      },
    );
  }

  private copy(text: string): void {
    navigator.clipboard?.writeText(text).then(
      () => this.notify('已复制 Copied'),
      () => this.notify('复制失败,请手动复制 Copy failed'),
    );
  }
}
