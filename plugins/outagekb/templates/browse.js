/* outagekb: the browse page (browse/), faceted filtering of the published incidents in the
   reader's browser. Plain JavaScript, no framework, nothing fetched beyond the site itself.

   The page names its index (browse/index.json, built by outagekb/browse.py) in `data-index`;
   it is fetched once and kept across Material's instant navigation. The state lives in the
   URL, one parameter per facet, repeated for several values, plus `q` for words:
   ?cause=dns&cause=routing&severity=critical&year=2024. Within a facet the values are OR,
   across facets AND; each value shows how many incidents it would leave given the other
   facets' choices. A change of facets is a new history entry (back undoes it); typing in
   the word box replaces the current one. Every string from the data reaches the page
   through textContent or a plain attribute, never as HTML.

   Its words come from the page (`data-messages`: outagekb's labels in the site's language,
   made by browse.py's script_messages); a label by number takes its form from the browser's
   plural rules for that language.

   The script is on every page of the site and does nothing where there is no #okb-browse. */
(function () {
  "use strict";

  var PAGE_SIZE = 200; // results shown at once; "Show more" adds as many again
  var FILTER_BOX_FROM = 12; // a facet with this many values or more gets a box to filter them

  var cache = Object.create(null); // index URL -> Promise of the prepared data
  var current = null; // the browse view on the page now

  /* Lowercase, without accents, so that `telefonica` finds `Telefónica`. */
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* --- the words ----------------------------------------------------------------------- */

  /* The page's labels: say("more", {count: 3, rest: 9}) -> "Show 3 more (9 not shown)". */
  function Words(root) {
    var given = {};
    try {
      given = JSON.parse(root.getAttribute("data-messages") || "{}") || {};
    } catch (error) {
      given = {};
    }
    this.labels = given.labels || {};
    this.facets = given.facets || {};
    var rules = null;
    try {
      rules = new Intl.PluralRules(given.language || "en");
    } catch (error) {
      rules = null;
    }
    this.rules = rules;
  }

  Words.prototype.say = function (key, values) {
    var message = this.labels[key];
    values = values || {};
    if (message && typeof message === "object") {
      var form = this.rules && typeof values.count === "number" ? this.rules.select(values.count) : "other";
      message = message[form] || message.other;
    }
    if (typeof message !== "string") return key;
    return message.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  };

  /* A facet's name inside a sentence ("cause" in "Filter cause values"). */
  Words.prototype.facet = function (facet) {
    return this.facets[facet.name] || facet.label;
  };

  /* --- the data ------------------------------------------------------------------------ */

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
          return response.json();
        })
        .then(prepare);
      cache[url].catch(function () {
        delete cache[url]; // try again on the next visit
      });
    }
    return cache[url];
  }

  /* Facet columns as flat typed arrays (offsets + values): fast to scan at 10,000 incidents. */
  function prepare(index) {
    var count = index.count;
    var rows = index.incidents;
    var facets = index.facets.map(function (facet) {
      var column = rows[facet.name] || [];
      var offsets = new Int32Array(count + 1);
      var total = 0;
      var i;
      for (i = 0; i < count; i++) total += facet.single ? 1 : column[i].length;
      var values = new Int32Array(total);
      var at = 0;
      for (i = 0; i < count; i++) {
        offsets[i] = at;
        if (facet.single) values[at++] = column[i];
        else for (var k = 0; k < column[i].length; k++) values[at++] = column[i][k];
      }
      offsets[count] = at;
      var position = new Map();
      var folded = new Map();
      facet.values.forEach(function (value, v) {
        position.set(value, v);
        var key = fold(value);
        if (!folded.has(key)) folded.set(key, v);
      });
      return {
        name: facet.name,
        label: facet.label,
        values: facet.values,
        labels: facet.labels || facet.values,
        depth: facet.depth || null,
        offsets: offsets,
        ids: values,
        position: position,
        folded: folded,
      };
    });
    var byName = Object.create(null);
    facets.forEach(function (facet) {
      byName[facet.name] = facet;
    });
    var organization = byName.organization;
    var severity = byName.severity;
    // the words `q` looks in: title, start of the summary, organization, services, tags
    var searched = [organization, byName.service, byName.tag].filter(Boolean);
    var haystack = new Array(count);
    for (var i = 0; i < count; i++) {
      var parts = [rows.title[i], rows.text[i]];
      searched.forEach(function (facet) {
        for (var k = facet.offsets[i]; k < facet.offsets[i + 1]; k++) parts.push(facet.values[facet.ids[k]]);
      });
      haystack[i] = fold(parts.join("\n"));
    }
    return {
      count: count,
      urlPrefix: index.incident_url[0],
      urlSuffix: index.incident_url[1],
      rows: rows,
      facets: facets,
      byName: byName,
      organization: organization,
      severity: severity,
      haystack: haystack,
    };
  }

  /* --- the state and the URL ----------------------------------------------------------- */

  function emptyState(data) {
    var selected = Object.create(null);
    data.facets.forEach(function (facet) {
      selected[facet.name] = [];
    });
    return { selected: selected, q: "" };
  }

  /* Values as the data spells them; another case is accepted, an unknown value is kept (it matches nothing). */
  function readState(data, search) {
    var params = new URLSearchParams(search);
    var state = emptyState(data);
    data.facets.forEach(function (facet) {
      params.getAll(facet.name).forEach(function (raw) {
        if (!raw) return;
        var value = raw;
        if (!facet.position.has(raw) && facet.folded.has(fold(raw))) value = facet.values[facet.folded.get(fold(raw))];
        if (state.selected[facet.name].indexOf(value) < 0) state.selected[facet.name].push(value);
      });
    });
    state.q = params.get("q") || "";
    return state;
  }

  function writeSearch(data, state) {
    var params = new URLSearchParams();
    data.facets.forEach(function (facet) {
      state.selected[facet.name].forEach(function (value) {
        params.append(facet.name, value);
      });
    });
    if (state.q.trim()) params.append("q", state.q);
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function isEmpty(state) {
    if (state.q.trim()) return false;
    for (var name in state.selected) if (state.selected[name].length) return false;
    return true;
  }

  /* --- filtering ------------------------------------------------------------------------ */

  /* One pass: an incident that fails no facet is a match and counts for every value it has;
     one that fails exactly one facet counts for that facet's values only (what choosing
     them would add). The free-text words apply to both. */
  function filter(data, state) {
    var facets = data.facets;
    var active = [];
    var masks = [];
    facets.forEach(function (facet, f) {
      var chosen = state.selected[facet.name];
      if (!chosen.length) return;
      var mask = new Uint8Array(facet.values.length);
      chosen.forEach(function (value) {
        var v = facet.position.get(value);
        if (v !== undefined) mask[v] = 1;
      });
      active.push(f);
      masks[f] = mask;
    });
    var words = fold(state.q).split(/\s+/).filter(Boolean);
    var counts = facets.map(function (facet) {
      return new Int32Array(facet.values.length);
    });
    var matches = [];
    var n = data.count;
    var haystack = data.haystack;
    for (var i = 0; i < n; i++) {
      if (words.length) {
        var text = haystack[i];
        var found = true;
        for (var w = 0; w < words.length; w++) {
          if (text.indexOf(words[w]) < 0) {
            found = false;
            break;
          }
        }
        if (!found) continue;
      }
      var failed = -1;
      var failures = 0;
      for (var a = 0; a < active.length; a++) {
        var f = active[a];
        var facet = facets[f];
        var mask = masks[f];
        var hit = false;
        for (var k = facet.offsets[i], end = facet.offsets[i + 1]; k < end; k++) {
          if (mask[facet.ids[k]]) {
            hit = true;
            break;
          }
        }
        if (!hit) {
          failures++;
          failed = f;
          if (failures > 1) break;
        }
      }
      if (failures === 0) {
        matches.push(i);
        for (var g = 0; g < facets.length; g++) {
          var all = facets[g];
          var tally = counts[g];
          for (var j = all.offsets[i], stop = all.offsets[i + 1]; j < stop; j++) tally[all.ids[j]]++;
        }
      } else if (failures === 1) {
        var one = facets[failed];
        var sum = counts[failed];
        for (var m = one.offsets[i], last = one.offsets[i + 1]; m < last; m++) sum[one.ids[m]]++;
      }
    }
    return { matches: matches, counts: counts };
  }

  /* --- the view ------------------------------------------------------------------------- */

  function Browse(root, data) {
    this.root = root;
    this.path = location.pathname;
    this.data = data;
    this.words = new Words(root);
    // the page's inline script took `q` out of the URL before Material's search could see it
    var held = root.getAttribute("data-okb-held");
    root.removeAttribute("data-okb-held");
    this.state = readState(data, held !== null ? held : location.search);
    this.shown = PAGE_SIZE;
    this.ui = root.querySelector(".okb-browse__ui");
    this.form = root.querySelector(".okb-browse__filters");
    this.query = root.querySelector(".okb-browse__query input");
    this.facetBox = root.querySelector(".okb-browse__facets");
    this.countLine = root.querySelector(".okb-browse__count");
    this.results = root.querySelector(".okb-browse__results");
    this.more = root.querySelector(".okb-browse__more");
    this.clear = root.querySelector(".okb-browse__clear");
    this.jump = root.querySelector(".okb-browse__jump a"); // on small screens the results come after the facets
    this.views = Object.create(null); // facet name -> {fieldset, items: [{li, input, count, n}], unknown: Map}
    this.build();
    this.bind();
    var canonical = writeSearch(data, this.state);
    if (canonical !== location.search) history.replaceState(history.state, "", location.pathname + canonical + location.hash);
    this.render();
    root.querySelector(".okb-browse__fallback").hidden = true;
    this.ui.hidden = false;
    root.setAttribute("data-okb-state", "ready");
  }

  Browse.prototype.build = function () {
    var self = this;
    this.data.facets.forEach(function (facet) {
      var fieldset = element("fieldset", "okb-facet okb-facet--" + facet.name);
      var legend = element("legend", "okb-facet__legend", facet.label);
      fieldset.appendChild(legend);
      var list = element("ul", "okb-facet__values");
      var items = facet.values.map(function (value, v) {
        var li = element("li", "okb-facet__value");
        if (facet.depth && facet.depth[v]) {
          li.classList.add("okb-facet__value--child");
          li.style.setProperty("--okb-depth", String(facet.depth[v]));
        }
        var label = element("label");
        var input = element("input");
        input.type = "checkbox";
        input.name = facet.name;
        input.value = value;
        var text = element("span", "okb-facet__label", facet.labels[v]);
        var count = element("span", "okb-facet__count", "");
        label.appendChild(input);
        label.appendChild(text);
        label.appendChild(count);
        li.appendChild(label);
        list.appendChild(li);
        return { li: li, input: input, count: count, n: -1, key: fold(facet.labels[v] + " " + value) };
      });
      if (facet.values.length >= FILTER_BOX_FROM) {
        var box = element("input", "okb-facet__filter");
        box.type = "search";
        box.setAttribute("aria-label", self.words.say("filter_label", { facet: self.words.facet(facet) }));
        box.placeholder = self.words.say("filter_placeholder", { facet: self.words.facet(facet) });
        box.autocomplete = "off";
        box.addEventListener("input", function () {
          var words = fold(box.value).split(/\s+/).filter(Boolean);
          items.forEach(function (item) {
            item.li.hidden =
              !item.input.checked &&
              words.some(function (word) {
                return item.key.indexOf(word) < 0;
              });
          });
        });
        fieldset.appendChild(box);
        fieldset.classList.add("okb-facet--long");
      }
      if (!facet.values.length) {
        fieldset.appendChild(element("p", "okb-facet__none", self.words.say("facet_none")));
      }
      fieldset.appendChild(list);
      self.facetBox.appendChild(fieldset);
      self.views[facet.name] = { fieldset: fieldset, legend: legend, list: list, items: items, unknown: new Map() };
    });
  };

  Browse.prototype.bind = function () {
    var self = this;
    this.facetBox.addEventListener("change", function (event) {
      var input = event.target;
      if (!(input instanceof HTMLInputElement) || input.type !== "checkbox" || !self.views[input.name]) return;
      var chosen = self.state.selected[input.name];
      var at = chosen.indexOf(input.value);
      if (input.checked && at < 0) chosen.push(input.value);
      if (!input.checked && at >= 0) chosen.splice(at, 1);
      self.commit(true);
    });
    this.query.addEventListener("input", function () {
      self.state.q = self.query.value;
      self.commit(false);
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    this.clear.addEventListener("click", function () {
      if (isEmpty(self.state)) return;
      self.state = emptyState(self.data);
      self.commit(true);
    });
    this.more.addEventListener("click", function () {
      self.shown += PAGE_SIZE;
      self.renderResults(false);
    });
  };

  /* A change made here: into the URL (a new history entry for facets), then onto the page. */
  Browse.prototype.commit = function (newEntry) {
    var url = location.pathname + writeSearch(this.data, this.state);
    // Material's instant navigation ignores entries whose state is null; ours are such.
    if (newEntry) history.pushState(null, "", url);
    else history.replaceState(history.state, "", url);
    this.shown = PAGE_SIZE;
    this.render();
  };

  /* Back and forward: the URL says what to show. */
  Browse.prototype.restore = function () {
    this.state = readState(this.data, location.search);
    this.shown = PAGE_SIZE;
    this.render();
  };

  Browse.prototype.render = function () {
    var outcome = filter(this.data, this.state);
    this.outcome = outcome;
    if (this.query.value !== this.state.q) this.query.value = this.state.q;
    var self = this;
    this.data.facets.forEach(function (facet, f) {
      self.renderFacet(facet, outcome.counts[f]);
    });
    this.renderResults(true);
  };

  Browse.prototype.renderFacet = function (facet, counts) {
    var view = this.views[facet.name];
    var chosen = this.state.selected[facet.name];
    var selected = new Set(chosen);
    for (var v = 0; v < view.items.length; v++) {
      var item = view.items[v];
      var checked = selected.has(facet.values[v]);
      if (item.input.checked !== checked) item.input.checked = checked;
      if (item.n !== counts[v]) {
        item.n = counts[v];
        item.count.textContent = String(counts[v]);
      }
      item.li.classList.toggle("okb-facet__value--empty", counts[v] === 0 && !checked);
    }
    // values from the URL that no incident has: listed, so that they can be unchecked; they stay
    // (unchecked) afterwards, so that keyboard focus is not lost with them
    view.unknown.forEach(function (input, value) {
      input.checked = selected.has(value);
    });
    chosen.forEach(function (value) {
      if (facet.position.has(value) || view.unknown.has(value)) return;
      var li = element("li", "okb-facet__value okb-facet__value--unknown");
      var label = element("label");
      var input = element("input");
      input.type = "checkbox";
      input.name = facet.name;
      input.value = value;
      input.checked = true;
      label.appendChild(input);
      label.appendChild(element("span", "okb-facet__label", value));
      label.appendChild(element("span", "okb-facet__count", "0"));
      li.appendChild(label);
      view.list.insertBefore(li, view.list.firstChild);
      view.unknown.set(value, input);
    });
    view.fieldset.classList.toggle("okb-facet--active", chosen.length > 0);
  };

  Browse.prototype.renderResults = function (fresh) {
    var data = this.data;
    var rows = data.rows;
    var matches = this.outcome.matches;
    var from = fresh ? 0 : this.results.childElementCount;
    var to = Math.min(matches.length, this.shown);
    if (fresh) this.results.textContent = "";
    var fragment = document.createDocumentFragment();
    for (var r = from; r < to; r++) {
      var i = matches[r];
      var li = element("li", "okb-browse__item");
      var date = element("time", "okb-browse__date", rows.date[i]);
      date.setAttribute("datetime", rows.date[i]);
      var link = element("a", "okb-browse__link", rows.title[i]);
      link.href = data.urlPrefix + encodeURIComponent(rows.id[i]) + data.urlSuffix;
      var meta = element("span", "okb-browse__meta");
      if (data.organization) meta.appendChild(element("span", "okb-browse__org", data.organization.values[rows.organization[i]]));
      if (data.severity) {
        var level = rows.severity[i];
        var severity = data.severity.values[level];
        var badge = element("span", "okb-severity", data.severity.labels[level]);
        if (/^[a-z0-9-]+$/.test(severity)) badge.classList.add("okb-severity--" + severity);
        badge.classList.add("okb-severity--rank-" + (level + 1)); // the scale's order: 1 is the most severe
        meta.appendChild(badge);
      }
      li.appendChild(date);
      li.appendChild(link);
      li.appendChild(meta);
      fragment.appendChild(li);
    }
    this.results.appendChild(fragment);
    var rest = matches.length - to;
    this.more.hidden = rest <= 0;
    if (rest > 0) this.more.textContent = this.words.say("more", { count: Math.min(rest, PAGE_SIZE), rest: rest });
    if (fresh) {
      this.countLine.textContent = this.describe(matches.length);
      this.jump.textContent = matches.length ? this.words.say("jump", { count: matches.length }) : this.words.say("jump_none");
    }
    this.root.classList.toggle("okb-browse--filtered", !isEmpty(this.state));
  };

  Browse.prototype.describe = function (found) {
    var total = this.data.count;
    var words = this.words;
    if (!total) return words.say("none_published");
    if (isEmpty(this.state)) return words.say("all", { count: total });
    if (!found) return words.say("none_match", { total: total });
    return words.say("some_match", { count: found, total: total });
  };

  /* --- start ---------------------------------------------------------------------------- */

  function start() {
    var root = document.getElementById("okb-browse");
    if (!root || root.getAttribute("data-okb-state")) return;
    root.setAttribute("data-okb-state", "loading");
    var url = new URL(root.getAttribute("data-index") || "index.json", document.baseURI).href;
    load(url).then(
      function (data) {
        if (!root.isConnected) return;
        current = new Browse(root, data);
      },
      function (error) {
        root.setAttribute("data-okb-state", "failed");
        var fallback = root.querySelector(".okb-browse__fallback");
        var failed = new Words(root).say("load_failed", { error: error.message });
        if (fallback) fallback.insertBefore(element("strong", null, failed), fallback.firstChild);
      }
    );
  }

  window.addEventListener("popstate", function () {
    if (current && current.root.isConnected && location.pathname === current.path) current.restore();
  });

  // Material's instant navigation swaps pages without reloading: its document$ emits for
  // every page, the first one included. Without it, the DOM is ready once.
  var material = window.document$;
  if (material && typeof material.subscribe === "function") {
    material.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
