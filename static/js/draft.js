// Drafts of casework forms, kept in this browser while the officer types, so a dropped
// connection or a closed tab does not lose them. Progressive enhancement: without this file the
// server still re-renders what was typed after a failed submit.
//
// <form data-draft="verify:<person id>" data-draft-user="<user id>" data-draft-restore="true">
//   saves its fields (not files, not passwords, not the CSRF token) on every change and, when
//   opened fresh (restore="true"), puts a saved draft back and says so in [data-draft-status].
// <div data-draft-clear="verify:<person id>" data-draft-user="<user id>"> on the page the
//   server shows after saving removes that draft.
// The idempotency key is part of the draft: a form sent once, whose answer never arrived,
// lands on the same record when it is sent again.
(function () {
  "use strict";
  var PREFIX = "jiuye-draft:";
  var MAX_AGE_MS = 3 * 24 * 60 * 60 * 1000; // drafts hold personal data: keep them briefly
  var SKIP_TYPES = { file: true, password: true, submit: true, button: true, reset: true };
  var KEEP_HIDDEN = { idempotency_key: true };

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage disabled: no drafts, the form still works
    }
  }

  function keyFor(element, name) {
    return PREFIX + (element.getAttribute("data-draft-user") || "") + ":" + name;
  }

  function saved(element) {
    return element.name && !SKIP_TYPES[element.type] && !element.disabled &&
      (element.type !== "hidden" || KEEP_HIDDEN[element.name]);
  }

  function collect(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!saved(el)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (!values[el.name]) { values[el.name] = []; }
        if (el.checked) { values[el.name].push(el.value); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.prototype.filter.call(el.options, function (o) {
          return o.selected;
        }).map(function (o) { return o.value; });
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!saved(el) || !Object.prototype.hasOwnProperty.call(values, el.name)) { return; }
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          o.selected = Array.isArray(value) && value.indexOf(o.value) !== -1;
        });
      } else if (typeof value === "string") {
        el.value = value;
      }
    });
  }

  function read(store, key) {
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      if (!draft || typeof draft.values !== "object") { return null; }
      if (Date.now() - (draft.at || 0) > MAX_AGE_MS) { store.removeItem(key); return null; }
      return draft;
    } catch (e) {
      store.removeItem(key);
      return null;
    }
  }

  function pruneOld(store) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) { read(store, key); }
    }
  }

  function watch(store, form) {
    var key = keyFor(form, form.getAttribute("data-draft"));
    var initial = JSON.stringify(collect(form));
    var status = document.querySelector("[data-draft-status]");
    if (form.getAttribute("data-draft-restore") === "true") {
      var draft = read(store, key);
      if (draft && JSON.stringify(draft.values) !== initial) {
        apply(form, draft.values);
        if (status) { status.hidden = false; }
      }
    }
    var timer = null;
    function save() {
      timer = null;
      var values = collect(form);
      try {
        store.setItem(key, JSON.stringify({ at: Date.now(), values: values }));
      } catch (e) { /* storage full: the form still works */ }
    }
    function later() {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, 400);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // Keep what was typed even if the page is left before the timer fires.
    form.addEventListener("submit", function () { if (timer) { window.clearTimeout(timer); } save(); });
    window.addEventListener("pagehide", function () { if (timer) { save(); } });
    if (status) {
      var discard = status.querySelector("[data-draft-discard]");
      if (discard) {
        discard.addEventListener("click", function () {
          store.removeItem(key);
          form.reset();
          status.hidden = true;
          var first = form.querySelector("input:not([type=hidden]), select, textarea");
          if (first) { first.focus(); }
        });
      }
    }
  }

  function run() {
    var store = storage();
    if (!store) { return; }
    pruneOld(store);
    Array.prototype.forEach.call(document.querySelectorAll("[data-draft-clear]"), function (el) {
      store.removeItem(keyFor(el, el.getAttribute("data-draft-clear")));
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
      watch(store, form);
    });
  }

  if (document.readyState !== "loading") { run(); } else { document.addEventListener("DOMContentLoaded", run); }
})();
