// The site's search: reads the index the build wrote (search.json) and matches the query, folded
// as the build folds names (innoproc.build.search.fold), against every resource's names.
"use strict";
(function () {
  const box = document.getElementById("search");
  if (!box) return;
  const LETTERS = { "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss" };
  const fold = (text) => text.toLowerCase()
    .replace(/[łøđðħıæœþß]/g, (c) => LETTERS[c])
    .normalize("NFKD").replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const input = document.getElementById("site-search");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const lang = box.dataset.lang;
  const root = box.dataset.index.replace(/search\.json$/, "");
  let index = null;

  function score(names, words) {
    let best = -1;
    for (const name of names) {
      if (!words.every((w) => name.includes(w))) continue;
      const phrase = words.join(" ");
      const s = name === phrase ? 0 : name.startsWith(phrase) ? 1 : (" " + name).includes(" " + phrase) ? 2 : 3;
      if (best < 0 || s < best) best = s;
    }
    return best;
  }

  function show(query) {
    list.replaceChildren();
    const words = fold(query).split(" ").filter(Boolean);
    if (!words.length) { status.textContent = ""; return; }
    const column = index.languages.indexOf(lang);
    const found = [];
    index.entries.forEach((entry, order) => {
      const s = score(entry[entry.length - 1].split("|"), words);
      if (s >= 0) found.push([s, order, entry]);
    });
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    status.textContent = found.length ? box.dataset.found + ": " + found.length : box.dataset.none;
    for (const [, , entry] of found.slice(0, 100)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = root + lang + "/" + entry[0] + ".html";
      link.textContent = entry[2 + column];
      item.append(link, " (" + index.kinds[entry[1]][column] + ")");
      list.append(item);
    }
  }

  box.hidden = false;
  const query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  status.textContent = box.dataset.loading;
  fetch(box.dataset.index).then((answer) => answer.json()).then((data) => {
    index = data;
    show(input.value);
    input.addEventListener("input", () => show(input.value));
  });
})();
