// Injected into the /ui pages by the accessibility e2e suite (page.addInitScript: the driver injects
// it, so the pages' CSP does not apply). Plain browser JavaScript: the project has no DOM types.
//
// globalThis.__a11y.contrast(): every visible piece of text on the page (text nodes, form controls'
// values, placeholders, SVG text) with its colour, the background it is drawn on (the ancestors'
// backgrounds composited, white under all), its WCAG 2 contrast ratio and the ratio it needs (4.5:1,
// or 3:1 for large text: 24px, or 18.66px bold). Disabled controls are exempt (WCAG 1.4.3).
// Limits: a background drawn by a non-ancestor (an overlapping positioned box) or an image is not seen.
//
// globalThis.__a11y.focused(): the focused element and whether its focus is visible.
(() => {
  const parse = (css) => {
    const m = /rgba?\(([^)]+)\)/.exec(css || "");
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
  };
  const channel = (v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const ratio = (fg, bg) => {
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  };
  const hex = (c) => `#${c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

  function background(el) {
    const chain = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) chain.push(n);
    let bg = [255, 255, 255, 1];
    for (const n of chain.reverse()) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) bg = over(c, bg);
    }
    return bg;
  }
  function opacity(el) {
    let o = 1;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) o *= Number(getComputedStyle(n).opacity);
    return o;
  }
  const visible = (el) => {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right + window.scrollX > 0 && r.bottom + window.scrollY > 0;
  };
  const disabled = (el) => el.matches(":disabled") || !!el.closest("[aria-disabled=true]");
  const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${[...el.classList].join(".")}` : ""}`;

  function check(el, text, colour, from) {
    const style = getComputedStyle(el);
    const bg = background(el);
    let fg = parse(colour);
    if (!fg) return null;
    fg = over([fg[0], fg[1], fg[2], fg[3] * opacity(el)], bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const r = ratio(fg, bg);
    return { element: describe(el), from, text: text.trim().slice(0, 60), fg: hex(fg), bg: hex(bg), ratio: Math.round(r * 100) / 100, needs: large ? 3 : 4.5 };
  }

  function contrast() {
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (["SCRIPT", "STYLE", "OPTION", "OPTGROUP", "CANVAS", "TITLE"].includes(el.tagName)) continue;
      if (!visible(el) || disabled(el)) continue;
      const own = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent).join(" ");
      const svg = el instanceof SVGElement;
      if (own) out.push(check(el, own, svg ? getComputedStyle(el).fill : getComputedStyle(el).color, svg ? "svg text" : "text"));
      if (el.matches("input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea")) {
        const value = el.tagName === "SELECT" ? (el.selectedOptions[0] || {}).textContent || "" : el.value;
        if (value) out.push(check(el, value, getComputedStyle(el).color, "value"));
        else if (el.placeholder) out.push(check(el, el.placeholder, getComputedStyle(el, "::placeholder").color, "placeholder"));
      }
    }
    return out.filter(Boolean);
  }

  function focused() {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      element: describe(el),
      id: el.id,
      text: (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().slice(0, 60),
      focusVisible: el.matches(":focus-visible"),
      outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
      onScreen: r.width > 0 && r.height > 0 && r.right + window.scrollX > 0 && r.bottom + window.scrollY > 0,
      tabIndex: el.tabIndex,
    };
  }

  globalThis.__a11y = { contrast, focused };
})();
