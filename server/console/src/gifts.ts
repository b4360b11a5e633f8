/**
 * The gift catalogue in the console (role: operator): every gift with its icon, price in points and effect, a form
 * to add one, and 下架/上架 to retire or offer it again. The apps read the active ones (GET /api/gifts).
 */
import type { ConsoleApi, Gift } from './api';
import { h, replaceChildren } from './dom';
import { describeFailure } from './format';

/** What the catalogue needs from the page: the signed-in client. */
export interface GiftCatalogueHost {
  api(): ConsoleApi | null;
}

const EFFECT_LABELS: Record<Gift['effect'], string> = {
  banner: '横幅 Banner',
  fullscreen: '全屏 Full screen',
};

/** Mounts the catalogue's card after `after`; the returned function reloads it (after sign-in, on refresh). */
export function mountGiftCatalogue(after: Element, host: GiftCatalogueHost): () => Promise<void> {
  const field = (id: string, attrs: Record<string, string | number | boolean>) =>
    h('input', { id, name: id, required: true, ...attrs });
  const name = field('gift-name-input', { maxlength: 12 });
  const icon = field('gift-icon-input', { type: 'url', maxlength: 500, placeholder: 'https://' });
  const price = field('gift-price-input', { type: 'number', min: 1, max: 1_000_000, step: 1 });
  const effect = h(
    'select',
    { id: 'gift-effect-input', name: 'effect' },
    h('option', { value: 'banner' }, EFFECT_LABELS.banner),
    h('option', { value: 'fullscreen' }, EFFECT_LABELS.fullscreen),
  );
  const error = h('p', { class: 'form-error', id: 'gift-error', role: 'alert' });
  const body = h('tbody', { id: 'gift-rows' });
  const form = h(
    'form',
    { class: 'inline-form', id: 'gift-form', novalidate: true },
    h('label', { for: 'gift-name-input' }, '名称 Name'),
    name,
    h('label', { for: 'gift-icon-input' }, '图标 Icon URL'),
    icon,
    h('label', { for: 'gift-price-input' }, '积分 Points'),
    price,
    h('label', { for: 'gift-effect-input' }, '效果 Effect'),
    effect,
    h('button', { type: 'submit', class: 'button primary', id: 'gift-create-button' }, '添加礼物 Add gift'),
  );
  const head = h(
    'tr',
    {},
    ...['图标 Icon', '名称 Name', '积分 Points', '效果 Effect', '状态 Status', ''].map((t) => h('th', {}, t)),
  );
  after.after(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'gifts-heading' },
      h('h2', { id: 'gifts-heading' }, '礼物 ', h('span', { class: 'en', lang: 'en' }, 'Gifts')),
      form,
      error,
      h('table', { class: 'table', id: 'gift-table' }, h('thead', {}, head), body),
    ),
  );

  const row = (gift: Gift) =>
    h(
      'tr',
      { 'data-gift-id': gift.id },
      h(
        'td',
        {},
        h('img', { class: 'cover-thumb', src: gift.iconUrl, alt: gift.name, width: 32, height: 32 }),
      ),
      h('td', {}, gift.name),
      h('td', {}, String(gift.price)),
      h('td', {}, EFFECT_LABELS[gift.effect]),
      h('td', {}, gift.active ? '上架 Offered' : '已下架 Retired'),
      h(
        'td',
        {},
        h(
          'button',
          { type: 'button', class: 'button', 'data-toggle': gift.id, onclick: () => void toggle(gift) },
          gift.active ? '下架 Retire' : '上架 Offer',
        ),
      ),
    );

  async function load(): Promise<void> {
    const client = host.api();
    if (!client) return;
    try {
      replaceChildren(body, ...(await client.gifts()).map(row));
    } catch (failure) {
      error.textContent = `礼物加载失败 Could not load gifts: ${describeFailure(failure)}`;
    }
  }

  async function toggle(gift: Gift): Promise<void> {
    const client = host.api();
    if (!client) return;
    try {
      await client.updateGift(gift.id, { active: !gift.active });
      await load();
    } catch (failure) {
      error.textContent = `修改失败 Could not change: ${describeFailure(failure)}`;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void create();
  });

  async function create(): Promise<void> {
    const client = host.api();
    if (!client) return;
    const points = Number(price.value);
    if (!name.value.trim() || !icon.value.trim() || !Number.isInteger(points) || points < 1)
      return void (error.textContent = '请填写名称、图标和积分 Enter a name, an icon URL and a price');
    error.textContent = '';
    try {
      const value = effect.value === 'fullscreen' ? 'fullscreen' : 'banner';
      await client.createGift({
        name: name.value.trim(),
        iconUrl: icon.value.trim(),
        price: points,
        effect: value,
      });
      form.reset();
      await load();
    } catch (failure) {
      error.textContent = `添加失败 Could not add: ${describeFailure(failure)}`;
    }
  }

  return load;
}
