// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // After a failed submit, move focus to the error summary so screen readers announce it.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    // Links in the error summary focus the field itself, not just scroll to it.
    document.addEventListener("click", function (event) {
      var link = event.target.closest(".error-summary a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) { event.preventDefault(); field.focus(); field.scrollIntoView({ block: "center" }); }
    });
    // On a phone the long menu folds behind a "菜单" button (open on wider screens; without
    // this script it simply stays open).
    var toggle = document.querySelector(".site-nav__toggle");
    var menu = document.getElementById("site-menu");
    if (toggle && menu && window.matchMedia) {
      var narrow = window.matchMedia("(max-width: 40rem)");
      var apply = function () {
        toggle.hidden = !narrow.matches;
        var open = !narrow.matches;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        menu.hidden = !open;
      };
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        menu.hidden = !open;
      });
      if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
      apply();
    }
    // Menu sections are disclosure buttons (issue 18): closed until opened by click, Enter or
    // Space; Escape closes the open one and returns focus to its button; opening one closes
    // the others. Without this script every section simply stays open.
    var groups = document.querySelectorAll("[data-menu-group]");
    var setOpen = function (button, open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      var list = document.getElementById(button.getAttribute("aria-controls"));
      if (list) { list.hidden = !open; }
    };
    Array.prototype.forEach.call(groups, function (button) {
      setOpen(button, false);
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        Array.prototype.forEach.call(groups, function (other) { if (other !== button) { setOpen(other, false); } });
        setOpen(button, open);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      Array.prototype.forEach.call(groups, function (button) {
        var list = document.getElementById(button.getAttribute("aria-controls"));
        if (button.getAttribute("aria-expanded") === "true") {
          var inside = list && list.contains(document.activeElement);
          setOpen(button, false);
          if (inside || document.activeElement === button) { button.focus(); }
        }
      });
    });
    document.addEventListener("click", function (event) {
      if (event.target.closest(".site-nav__section")) { return; }
      Array.prototype.forEach.call(groups, function (button) { setOpen(button, false); });
    });
    // On a phone a list table stacks into one card per row (see .table--stack in jiuye.css):
    // each cell is labelled with its column's header. Tables with a multi-row or spanning
    // header keep scrolling sideways in their region.
    var tables = document.querySelectorAll(".table-wrap > table");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead;
      if (!head || head.rows.length !== 1) { return; }
      var cells = head.rows[0].cells;
      var labels = [];
      for (var i = 0; i < cells.length; i += 1) {
        if (cells[i].colSpan !== 1) { return; }
        labels.push(cells[i].textContent.trim());
      }
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          if (row.cells.length !== labels.length) { return; }
          Array.prototype.forEach.call(row.cells, function (cell, n) {
            if (labels[n]) { cell.setAttribute("data-label", labels[n]); }
          });
        });
      });
      table.classList.add("table--stack");
    });
    // The language select deliberately does not submit on change: moving through the options
    // with the arrow keys would reload the page mid-choice (WCAG 3.2.2 On Input). The button does.
  });
})();
