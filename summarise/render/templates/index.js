"use strict";
// Filters, search and sortable columns for the folder's page. Reads only what the page holds.
// "Flagged" counts a brief's flagged facts and failed checks: what needs a reviewer's look.
// The filters and the sort live in the URL fragment (#review=1&q=lyon&sort=flagged-desc), so
// a reload, a bookmark or a link keeps the same view.
(function () {
  const table = document.getElementById("briefs");
  const controls = document.getElementById("controls");
  if (!table) return;
  controls.hidden = false;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const original = rows.slice();
  const boxes = {
    review: document.getElementById("only-review"),
    flagged: document.getElementById("only-flagged"),
    incomplete: document.getElementById("only-incomplete"),
  };
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");
  const headers = Array.from(table.tHead.rows[0].cells);
  let sort = "";  // "<key>-asc" or "<key>-desc"

  function filter() {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let count = 0;
    for (const row of rows) {
      const name = (row.dataset.name || "").toLowerCase();
      const hide = (boxes.review.checked && row.dataset.review !== "needs review") ||
        (boxes.flagged.checked && row.dataset.flagged === "0") ||
        (boxes.incomplete.checked && row.dataset.status !== "incomplete") ||
        !words.every((word) => name.includes(word));
      row.hidden = hide;
      if (!hide) count += 1;
    }
    shown.textContent = count + " of " + rows.length + " shown";
  }

  function order() {
    for (const other of headers) other.removeAttribute("aria-sort");
    const [key, direction] = sort.split("-");
    const header = headers.find((h) => h.dataset.key === key);
    if (!header) {
      body.append(...original);
      return;
    }
    const ascending = direction !== "desc";
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const column = header.cellIndex;
    const numeric = header.dataset.type === "number";
    const value = (row) => row.cells[column].dataset.sort || row.cells[column].textContent.trim();
    rows.sort(function (a, b) {
      const by = numeric ? Number(value(a)) - Number(value(b)) : value(a).localeCompare(value(b));
      return ascending ? by : -by;
    });
    body.append(...rows);
  }

  function save() {
    const state = new URLSearchParams();
    for (const [name, box] of Object.entries(boxes)) if (box.checked) state.set(name, "1");
    if (search.value.trim()) state.set("q", search.value.trim());
    if (sort) state.set("sort", sort);
    const fragment = state.toString();
    try {
      history.replaceState(null, "", fragment ? "#" + fragment : location.pathname + location.search);
    } catch (error) {  // a browser that keeps file:// pages from rewriting their address
      location.replace("#" + fragment);
    }
  }

  function load() {
    const state = new URLSearchParams(location.hash.slice(1));
    for (const [name, box] of Object.entries(boxes)) box.checked = state.get(name) === "1";
    search.value = state.get("q") || "";
    sort = state.get("sort") || "";
    order();
    filter();
  }

  for (const header of headers) {
    header.querySelector("button").addEventListener("click", function () {
      const ascending = header.getAttribute("aria-sort") !== "ascending";
      sort = header.dataset.key + (ascending ? "-asc" : "-desc");
      order();
      save();
    });
  }
  for (const box of Object.values(boxes)) box.addEventListener("change", () => { filter(); save(); });
  search.addEventListener("input", () => { filter(); save(); });
  window.addEventListener("hashchange", load);
  load();
})();
