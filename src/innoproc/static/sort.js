// Sortable columns: each header of a table.sortable becomes a button that sorts the rows by the
// column's data-sort values (ISO dates and folded labels, written by the build), then reverses.
"use strict";
(function () {
  const compare = new Intl.Collator(undefined, { numeric: true }).compare;
  for (const table of document.querySelectorAll("table.sortable")) {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach((th, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.append(...th.childNodes);
      th.append(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const key = (row) => row.cells[column].dataset.sort || "";
        rows.sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          if (!x || !y) return (!x) - (!y);  // rows without a value last, either way
          return ascending ? compare(x, y) : compare(y, x);
        });
        body.append(...rows);
      });
    });
  }
})();
