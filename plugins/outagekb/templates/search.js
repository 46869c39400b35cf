/* The header's search box with `search_engine: pagefind` (outagekb's theme partial
   `partials/search.html`, in Material's place and with Material's classes). It asks Pagefind,
   whose index lies in the site's `pagefind/` folder in small chunks: a search fetches Pagefind's
   script, the chunks its words need and the few results it shows, never the whole index.

   The box opens as Material's does (a click, `/`, `s` or `f`), closes on Escape, moves through
   the results with the arrow keys and follows the first with Enter. Results are written in
   Material's result markup, a few at a time as the list scrolls; once there are results, a list
   of their causes narrows them (Pagefind's `cause` filter, from each incident page).

   This file is a function: the renderer calls it with the words it writes, in the site's
   language ({language, labels}; a label is one text or its forms by number). */
(function (words) {
  "use strict";

  var script = document.currentScript;
  // the site's root, where Pagefind's folder is: Material's page configuration names it; else
  // the plugin's place for this file (assets/outagekb/search.js)
  var root;
  try {
    root = new URL(JSON.parse(document.getElementById("__config").textContent).base + "/", location.href);
  } catch (error) {
    root = new URL("../../", script.src);
  }
  var BATCH = 6; // results written at a time: as many fragments as a browser fetches at once from one server
  var plural = new Intl.PluralRules(words.language);

  function say(key, values) {
    var message = words.labels[key];
    values = values || {};
    if (typeof message !== "string") message = message[plural.select(values.count)] || message.other;
    return message.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  var engine = null; // Pagefind's module, loaded once, when the box is first focused
  function pagefind() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", root).href).then(function (module) {
        // Pagefind's addresses start at the site's root, and the site may be served below a
        // path; no worker: one file less to fetch and start before the first search
        return Promise.resolve(module.options({ baseUrl: root.pathname, noWorker: true })).then(function () {
          // its metadata and program, while the reader types; a failure shows at the search
          Promise.resolve(module.init()).catch(function () {});
          return module;
        });
      });
    }
    return engine;
  }

  function start() {
    var box = document.querySelector(".okb-search");
    var toggle = document.getElementById("__search");
    if (!box || !toggle || box.dataset.okbReady) return;
    box.dataset.okbReady = "true";
    var form = box.querySelector("form");
    var input = box.querySelector(".md-search__input");
    var status = box.querySelector(".okb-search__status");
    var filter = box.querySelector(".okb-search__filter");
    var causes = filter.querySelector("select");
    var list = box.querySelector(".okb-search__results");
    var scroller = box.querySelector(".md-search__scrollwrap");
    filter.querySelector("label").textContent = say("cause");
    status.textContent = say("start");

    // `data-okb-results` on the box names the words whose first results are written (for tests and benchmarks)
    var state = { serial: 0, query: "", results: [], shown: 0, writing: 0, timer: 0, afterFirst: null };

    function open() {
      toggle.checked = true;
      input.focus();
      input.select();
    }
    function close() {
      toggle.checked = false;
      if (box.contains(document.activeElement)) document.activeElement.blur();
    }

    function showCauses(counts, chosen) {
      var values = Object.keys(counts || {}).filter(function (value) {
        return counts[value] > 0 || value === chosen;
      });
      values.sort(function (a, b) {
        return counts[b] - counts[a] || a.localeCompare(b, words.language);
      });
      causes.textContent = "";
      var any = document.createElement("option");
      any.value = "";
      any.textContent = say("any_cause");
      causes.appendChild(any);
      values.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = say("cause_option", { cause: value, count: counts[value] || 0 });
        causes.appendChild(option);
      });
      causes.value = chosen;
      filter.hidden = values.length === 0;
    }

    function item(data) {
      var entry = document.createElement("li");
      entry.className = "md-search-result__item";
      var link = document.createElement("a");
      link.className = "md-search-result__link";
      link.href = data.url;
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var icon = document.createElement("div");
      icon.className = "md-search-result__icon md-icon";
      var title = document.createElement("h1");
      title.textContent = (data.meta && data.meta.title) || data.url;
      article.append(icon, title);
      var meta = data.meta || {};
      var facts = [meta.organization, meta.severity, meta.year].filter(Boolean);
      if (facts.length) {
        var line = document.createElement("p");
        line.className = "okb-search__facts";
        line.textContent = facts.join(" · ");
        article.appendChild(line);
      }
      var excerpt = document.createElement("p");
      excerpt.innerHTML = data.excerpt; // Pagefind escapes the page's text and adds only <mark>
      article.appendChild(excerpt);
      link.appendChild(article);
      entry.appendChild(link);
      return entry;
    }

    function writeMore() {
      if (state.writing === state.serial || state.shown >= state.results.length) return;
      var serial = state.serial;
      var batch = state.results.slice(state.shown, state.shown + BATCH);
      state.writing = serial; // the search whose results are being written (an older one's writing is dropped)
      // each result is written as soon as it and those before it have arrived
      var written = Promise.resolve();
      batch.forEach(function (result) {
        var loaded = result.data();
        written = written.then(function () {
          return loaded.then(function (data) {
            if (serial !== state.serial) return;
            list.appendChild(item(data));
            state.shown += 1;
          });
        });
      });
      written.then(function () {
        if (serial !== state.serial) return;
        state.writing = 0;
        var after = state.afterFirst; // what waits for the first results: the cause counts
        state.afterFirst = null;
        if (after) after();
        box.setAttribute("data-okb-results", state.query);
        if (scroller.scrollHeight <= scroller.clientHeight) writeMore();
      }, failed);
    }

    function failed(error) {
      state.writing = 0;
      status.textContent = say("failed", { error: (error && error.message) || String(error) });
    }

    function search() {
      var query = input.value.trim();
      var serial = ++state.serial;
      var chosen = causes.value;
      state.query = query;
      box.removeAttribute("data-okb-results");
      if (!query) {
        state.results = [];
        list.textContent = "";
        filter.hidden = true;
        causes.value = "";
        status.textContent = say("start");
        return;
      }
      var engine;
      pagefind()
        .then(function (module) {
          engine = module;
          return module.search(query, chosen ? { filters: { cause: chosen } } : {});
        })
        .then(function (found) {
          if (serial !== state.serial || !found) return;
          state.results = found.results;
          state.shown = 0;
          list.textContent = "";
          scroller.scrollTop = 0;
          var count = found.results.length;
          status.textContent = !count
            ? say("none")
            : chosen
              ? say("found_narrowed", { count: count, cause: chosen })
              : say("found", { count: count });
          if (count) writeMore();
          else box.setAttribute("data-okb-results", query);
          state.afterFirst = null;
          if (chosen) showCauses((found.totalFilters || {}).cause, chosen);
          else if (count)
            state.afterFirst = function () {
              countCauses(engine, query, serial);
            };
          else filter.hidden = true;
        }, failed);
    }

    // Pagefind counts a filter's values only in a filtered search: once the first results
    // are written, the same words with a filter that every page passes (no page has an empty
    // cause), so that fetching the cause filter's chunk neither holds them up nor competes with
    // their fragments for the connection
    function countCauses(module, query, serial) {
      module.search(query, { filters: { not: { cause: "" } } }).then(function (found) {
        if (serial === state.serial && found) showCauses((found.totalFilters || {}).cause, "");
      }, failed);
    }

    // one search for a burst of keys; a word of one or two letters would fetch every chunk of
    // the index that starts with them (hundreds of kB in a large site), so it waits longer
    // for the next key and is not fetched ahead
    function later() {
      var query = input.value.trim();
      clearTimeout(state.timer);
      state.timer = setTimeout(search, query.length < 3 ? 400 : 30);
      if (query.length >= 3)
        pagefind().then(function (module) {
          module.preload(query);
        }, failed);
    }

    input.addEventListener("focus", function () {
      toggle.checked = true;
      pagefind().catch(failed); // start loading while the reader types
    });
    input.addEventListener("input", function () {
      causes.value = ""; // new words: every cause again
      later();
    });
    causes.addEventListener("change", search);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.addEventListener("reset", function () {
      setTimeout(function () {
        causes.value = "";
        search();
        input.focus();
      });
    });
    toggle.addEventListener("change", function () {
      if (toggle.checked) setTimeout(open);
      else if (box.contains(document.activeElement)) document.activeElement.blur();
    });
    box.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !box.contains(event.relatedTarget)) toggle.checked = false;
    });
    scroller.addEventListener("scroll", function () {
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 40) writeMore();
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      var here = document.activeElement;
      if (toggle.checked) {
        if (event.key === "Escape") {
          close();
          event.preventDefault();
        } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && here !== causes) {
          var stops = [input].concat(Array.prototype.slice.call(list.querySelectorAll("a[href]")));
          var at = Math.max(0, stops.indexOf(here));
          stops[(at + stops.length + (event.key === "ArrowUp" ? -1 : 1)) % stops.length].focus();
          event.preventDefault();
        } else if (event.key === "Enter" && here === input) {
          var first = list.querySelector("a[href]");
          if (first) first.click();
          event.preventDefault();
        }
        return;
      }
      var typing = here && (here.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(here.tagName));
      if (!typing && (event.key === "/" || event.key === "s" || event.key === "f")) {
        open();
        event.preventDefault();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})
