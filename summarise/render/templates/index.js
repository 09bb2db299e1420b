"use strict";
// Filters and sortable columns for the folder's page. Reads only what the page holds.
// "Flagged" counts a brief's flagged facts and failed checks: what needs a reviewer's look.
(function () {
  const table = document.getElementById("briefs");
  const controls = document.getElementById("controls");
  if (!table) return;
  controls.hidden = false;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const onlyFlagged = document.getElementById("only-flagged");
  const onlyIncomplete = document.getElementById("only-incomplete");
  const shown = document.getElementById("shown");

  function filter() {
    let count = 0;
    for (const row of rows) {
      const hide = (onlyFlagged.checked && row.dataset.flagged === "0") ||
        (onlyIncomplete.checked && row.dataset.status !== "incomplete");
      row.hidden = hide;
      if (!hide) count += 1;
    }
    shown.textContent = count + " of " + rows.length + " shown";
  }

  const headers = Array.from(table.tHead.rows[0].cells);
  for (const header of headers) {
    header.querySelector("button").addEventListener("click", function () {
      const ascending = header.getAttribute("aria-sort") !== "ascending";
      for (const other of headers) other.removeAttribute("aria-sort");
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const column = header.cellIndex;
      const numeric = header.dataset.type === "number";
      const key = (row) => row.cells[column].dataset.sort || row.cells[column].textContent.trim();
      rows.sort(function (a, b) {
        const order = numeric ? Number(key(a)) - Number(key(b)) : key(a).localeCompare(key(b));
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  }
  onlyFlagged.addEventListener("change", filter);
  onlyIncomplete.addEventListener("change", filter);
  filter();
})();
