// Layout checks, run inside the browser on a laid-out page (pictures.ts reads this file and evaluates it).
// Each defect names what a person would notice: squeezed or cut-off text, controls on top of each other or of a
// chat line, tap targets under 44 px, something wider than the screen, English where Chinese belongs.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- called by name from browser.ts
function runLayoutChecks(options) {
  const SCREEN_WIDTH = 375;
  const MIN_TAP = 44;
  const ALLOWED_WORDS = new Set(options.allowedWords.map((w) => w.toLowerCase()));
  const defects = [];
  const canvas = document.createElement('canvas').getContext('2d');

  const describe = (el) => {
    const id = el.id ? `#${el.id}` : '';
    const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 24);
    return `${el.tagName.toLowerCase()}${id}${cls}${text ? ` 「${text}」` : ''}`;
  };
  const visible = (el) => {
    if (el.closest('[data-shot-native]')) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0)
      return false;
    const rect = el.getBoundingClientRect();
    // Zero wide but tall (or the reverse) still counts: that is what squeezed looks like.
    if (rect.width <= 0 && rect.height <= 0) return false;
    // Scrolled or clipped out of sight by an ancestor that hides its overflow.
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflow === 'visible') continue;
      const clip = up.getBoundingClientRect();
      if (
        rect.bottom <= clip.top ||
        rect.top >= clip.bottom ||
        rect.right <= clip.left ||
        rect.left >= clip.right
      ) {
        return false;
      }
    }
    return true;
  };
  const ownText = (el) =>
    [...el.childNodes]
      .filter((n) => n.nodeType === 3)
      .map((n) => n.textContent)
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
  const textWidth = (el, text) => {
    canvas.font = getComputedStyle(el).font;
    return canvas.measureText(text).width;
  };
  const intersect = (a, b) => {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 1 && h > 1;
  };
  const related = (a, b) => a.contains(b) || b.contains(a);
  const center = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const opaque = (el) => {
    const m = /rgba?\(([^)]+)\)/.exec(getComputedStyle(el).backgroundColor);
    const parts = m ? m[1].split(',').map(Number) : [];
    return parts.length === 3 || (parts.length === 4 && parts[3] >= 0.98);
  };
  // Whether `el` is hidden under `top` (something opaque between them).
  const hiddenUnder = (top, el) => {
    for (let up = top; up && !up.contains(el); up = up.parentElement) if (opaque(up)) return true;
    return false;
  };
  const CONTROL = 'wx-button, wx-input, wx-slider, wx-radio, wx-picker, [data-shot-tap]';
  // Out of reach under a sheet, a panel or a modal: something opaque that is not itself a control lies on it (a
  // control lying on it is an overlap, reported as such).
  const underPanel = (el) => {
    const top = document.elementFromPoint(...center(el.getBoundingClientRect()));
    if (!top || el.contains(top) || top.contains(el)) return false;
    if (top.closest('[data-shot-overlay]')) return true;
    for (let up = top; up && !up.contains(el); up = up.parentElement) {
      if (opaque(up) && !up.closest(CONTROL)) return true;
    }
    return false;
  };

  const page = document.querySelector('wx-page');
  const all = [...page.querySelectorAll('*'), ...document.querySelectorAll('[data-shot-overlay] *')].filter(
    visible,
  );
  const texts = all.filter((el) => ownText(el));

  // Squeezed: narrower than its longest word, or than two of its Chinese characters side by side.
  for (const el of texts) {
    const text = ownText(el);
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' && style.whiteSpace === 'nowrap') continue; // cut short on purpose
    const box = el.getBoundingClientRect();
    const inner = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const words = text.match(/[A-Za-z0-9♥%:.\-_]+/g) || [];
    const cjk = text.match(/[\u3400-\u9fff\uff00-\uffef]/g) || [];
    let needed = Math.max(0, ...words.map((w) => textWidth(el, w)));
    if (cjk.length >= 2) needed = Math.max(needed, textWidth(el, cjk.slice(0, 2).join('')));
    if (style.display !== 'inline' && inner + 0.5 < needed) {
      defects.push(
        `squeezed: ${describe(el)} is ${inner.toFixed(1)} px wide, its text needs ${needed.toFixed(1)}`,
      );
    }
  }

  // Cut off: a text, a button or an input whose content does not fit the box that clips it.
  for (const el of all) {
    const style = getComputedStyle(el);
    if (style.overflow === 'visible' || style.textOverflow === 'ellipsis') continue;
    if (!ownText(el) && !['WX-BUTTON', 'WX-INPUT'].includes(el.tagName)) continue;
    if (!el.textContent.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      defects.push(
        `cut off: ${describe(el)} shows ${el.clientWidth}x${el.clientHeight} of ${el.scrollWidth}x${el.scrollHeight}`,
      );
    }
  }

  // Wider than the screen.
  for (const el of all) {
    const rect = el.getBoundingClientRect();
    if (rect.left < -0.5 || rect.right > SCREEN_WIDTH + 0.5) {
      defects.push(`off screen: ${describe(el)} spans ${rect.left.toFixed(0)}..${rect.right.toFixed(0)} px`);
    }
  }

  // Controls: what a finger taps. Each at least 44 x 44, none on another control or on a chat line.
  const controls = all.filter((el) => el.matches(CONTROL));
  // Native video (the stage behind everything, tappable to swap) is not a control.
  const outermost = controls.filter(
    (el) =>
      !controls.some((other) => other !== el && other.contains(el)) &&
      !el.querySelector('[data-shot-native]') &&
      !underPanel(el),
  );
  for (const el of outermost) {
    if (el.closest('wx-label')) continue; // a radio's target is its whole label
    const rect = el.getBoundingClientRect();
    if (rect.width + 0.5 < MIN_TAP || rect.height + 0.5 < MIN_TAP) {
      defects.push(`small target: ${describe(el)} is ${rect.width.toFixed(0)}x${rect.height.toFixed(0)} px`);
    }
  }
  const chatLines = [...page.querySelectorAll(options.chatLineSelector)].filter(
    (el) => visible(el) && !underPanel(el),
  );
  for (let i = 0; i < outermost.length; i++) {
    const a = outermost[i];
    const others = [...outermost.slice(i + 1), ...chatLines];
    for (const b of others) {
      if (related(a, b)) continue;
      if (intersect(a.getBoundingClientRect(), b.getBoundingClientRect())) {
        defects.push(`overlap: ${describe(a)} lies on ${describe(b)}`);
      }
    }
  }

  // Text over text: two texts drawn on top of each other (one showing through behind a panel).
  const lineBoxes = (el) => {
    const boxes = [];
    for (const node of el.childNodes) {
      if (node.nodeType !== 3 || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      boxes.push(...range.getClientRects());
    }
    return boxes;
  };
  const boxesOf = new Map(texts.map((el) => [el, lineBoxes(el)]));
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i];
      const b = texts[j];
      if (related(a, b)) continue;
      for (const ra of boxesOf.get(a)) {
        const rb = boxesOf.get(b).find((box) => intersect(ra, box));
        if (!rb) continue;
        const x = (Math.max(ra.left, rb.left) + Math.min(ra.right, rb.right)) / 2;
        const y = (Math.max(ra.top, rb.top) + Math.min(ra.bottom, rb.bottom)) / 2;
        const top = document.elementFromPoint(x, y);
        // Both show there (one through the other): a person sees them on top of each other.
        if (top && !hiddenUnder(top, a) && !hiddenUnder(top, b)) {
          defects.push(`text over text: ${describe(a)} and ${describe(b)}`);
          break;
        }
      }
    }
  }

  // Text across a small video tile (the picture in the corner): only the tile's own label belongs on it.
  const tiles = [...page.querySelectorAll('wx-live-pusher, wx-live-player')]
    .map((video) => video.getBoundingClientRect())
    .filter((r) => r.width * r.height < (SCREEN_WIDTH * 812) / 4 && r.width > 0);
  const sameBox = (a, b) =>
    Math.abs(a.left - b.left) < 2 && Math.abs(a.top - b.top) < 2 && Math.abs(a.right - b.right) < 2;
  for (const el of texts) {
    for (const tile of tiles) {
      let onTile = false;
      for (let up = el.parentElement; up && !onTile; up = up.parentElement)
        onTile = sameBox(up.getBoundingClientRect(), tile);
      if (!onTile && boxesOf.get(el).some((box) => intersect(box, tile)))
        defects.push(`text over a video tile: ${describe(el)}`);
    }
  }

  // Chat lines stack, one under the other.
  for (let i = 1; i < chatLines.length; i++) {
    const above = chatLines[i - 1].getBoundingClientRect();
    const line = chatLines[i].getBoundingClientRect();
    if (line.top < above.bottom - 1) defects.push(`chat lines side by side: ${describe(chatLines[i])}`);
  }

  // English a user should not meet (units and the brand excepted; identifiers with digits or _ are data).
  // What the app writes (a user's own typing in an input is theirs, its placeholder is the app's).
  const shown = texts.filter((el) => !el.matches('.wx-input-value')).map(ownText);
  for (const text of shown) {
    for (const token of text.split(/[^A-Za-z0-9_]+/)) {
      if (!/^[A-Za-z]{2,}$/.test(token) || ALLOWED_WORDS.has(token.toLowerCase())) continue;
      defects.push(`English: 「${token}」 in 「${text.trim().slice(0, 40)}」`);
    }
  }
  return [...new Set(defects)];
}
