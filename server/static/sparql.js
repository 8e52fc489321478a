// The query page, enhanced. Without JavaScript the form is a plain textarea that submits to
// /sparql and the server renders the results. With it: a CodeMirror 6 editor (the bundle
// static/vendor/codemirror-sparql.min.js, window.ClsCodeMirror) with SPARQL highlighting,
// completion of prefixes and terms (/sparql/completions.json), errors marked at their line;
// queries and examples run through fetch and the server's own results section is swapped
// in, then made sortable (buttons in the headers, aria-sort) and paged.
"use strict";
(function () {
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  if (!form || !textarea) return;
  const LONG = 2000; // characters: past this a GET URL may be refused, so the form POSTs
  const PAGE = 50; // rows per page of the results table
  const lang = document.documentElement.lang === "en" ? "en" : "fr";
  const TEXT = {
    fr: {
      running: "Exécution…",
      done: "{n} ligne(s)",
      failed: "Erreur : voir le message sous l'éditeur",
      network: "Le service n'a pas répondu.",
      keys: "Ctrl+Entrée exécute · Ctrl+Espace complète · Tab ou Échap quitte l'éditeur",
      previous: "Page précédente",
      next: "Page suivante",
      page: "Page {page} sur {pages}",
      pages: "Pagination des résultats",
      sort: "Trier par {column}",
      line: "ligne {line}, colonne {column}",
      keyword: "mot-clé",
    },
    en: {
      running: "Running…",
      done: "{n} row(s)",
      failed: "Error: see the message under the editor",
      network: "The service did not answer.",
      keys: "Ctrl+Enter runs · Ctrl+Space completes · Tab or Escape leaves the editor",
      previous: "Previous page",
      next: "Next page",
      page: "Page {page} of {pages}",
      pages: "Results pages",
      sort: "Sort by {column}",
      line: "line {line}, column {column}",
      keyword: "keyword",
    },
  }[lang];
  const KEYWORDS = [
    "SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "GRAPH", "PREFIX", "BASE", "CONSTRUCT",
    "DESCRIBE", "ASK", "UNION", "MINUS", "BIND", "VALUES", "GROUP BY", "ORDER BY", "HAVING",
    "LIMIT", "OFFSET", "COUNT", "SUM", "AVG", "MIN", "MAX", "SAMPLE", "GROUP_CONCAT", "LANG",
    "LANGMATCHES", "STR", "CONTAINS", "STRSTARTS", "REGEX", "YEAR", "COALESCE", "EXISTS",
    "NOT EXISTS", "DESC", "ASC", "AS", "IN",
  ];
  const KIND_TYPES = { class: "class", property: "property", concept: "constant", scheme: "namespace" };

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // --- Plain form (no editor bundle): Ctrl+Enter runs, Tab indents, long queries POST. ---
  function plain() {
    form.addEventListener("submit", function () {
      form.method = textarea.value.length > LONG ? "post" : "get";
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  // --- Completion: prefixes (with their declaration) and terms of the ontology. ---
  function declared(doc, prefix) {
    return new RegExp("^\\s*PREFIX\\s+" + prefix + ":", "im").test(doc);
  }

  function declarationPoint(doc) {
    const lines = doc.split("\n");
    let at = 0;
    let offset = 0;
    for (const line of lines) {
      offset += line.length + 1;
      if (/^\s*(PREFIX|BASE)\b/i.test(line)) at = offset;
    }
    return Math.min(at, doc.length);
  }

  function applyName(name, prefix, namespace) {
    return function (view, completion, from, to) {
      const doc = view.state.doc.toString();
      const changes = [{ from: from, to: to, insert: name }];
      let shift = 0;
      if (prefix && !declared(doc, prefix)) {
        const at = declarationPoint(doc);
        const line = "PREFIX " + prefix + ": <" + namespace + ">\n";
        changes.unshift({ from: at, insert: line });
        if (at <= from) shift = line.length;
      }
      view.dispatch({ changes: changes, selection: { anchor: from + shift + name.length } });
    };
  }

  function options(data) {
    const prefixes = Object.entries(data.prefixes).map(([name, namespace]) => ({
      label: name + ":",
      detail: namespace,
      type: "namespace",
      apply: applyName(name + ":", name, namespace),
      boost: -1,
    }));
    const declarations = Object.entries(data.prefixes).map(([name, namespace]) => ({
      label: name + ":",
      detail: namespace,
      type: "namespace",
      apply: name + ": <" + namespace + ">",
    }));
    const terms = data.terms.map((term) => {
      const prefix = term.name.split(":")[0];
      return {
        label: term.name,
        detail: term.label,
        info: term.iri,
        type: KIND_TYPES[term.kind] || "variable",
        apply: applyName(term.name, prefix, data.prefixes[prefix]),
      };
    });
    const words = KEYWORDS.map((word) => ({ label: word, type: "keyword", detail: TEXT.keyword, boost: -2 }));
    return { all: prefixes.concat(terms, words), declarations: declarations };
  }

  function completer(url) {
    let loaded = null;
    return async function (context) {
      const word = context.matchBefore(/[A-Za-z][\w.-]*:[\w.-]*|[A-Za-z][\w-]*/);
      if (!word && !context.explicit) return null;
      const before = context.state.sliceDoc(Math.max(0, (word ? word.from : context.pos) - 1), word ? word.from : context.pos);
      if (before === "?" || before === "$") return null; // a variable's name
      if (loaded === null) {
        loaded = fetch(url, { headers: { Accept: "application/json" } })
          .then((response) => (response.ok ? response.json() : { prefixes: {}, terms: [] }))
          .then(options)
          .catch(() => options({ prefixes: {}, terms: [] }));
      }
      const found = await loaded;
      const from = word ? word.from : context.pos;
      const typed = word ? word.text : "";
      const line = context.state.doc.lineAt(from);
      if (/^\s*PREFIX\s+$/i.test(context.state.sliceDoc(line.from, from))) {
        return { from: from, options: found.declarations, validFor: /^[\w.-]*:?$/ };
      }
      const list = typed.includes(":") ? found.all.filter((o) => o.label.includes(":")) : found.all;
      return { from: from, options: list, validFor: /^[\w.:-]*$/ };
    };
  }

  // --- Errors: "... at L:C ..." from the parser, marked in the editor. ---
  function diagnostics(doc, message) {
    const found = /\bat (\d+):(\d+)/.exec(message);
    if (!found) return [];
    const number = Math.min(Math.max(1, Number(found[1])), doc.lines);
    const line = doc.line(number);
    const column = Number(found[2]);
    let from = line.from;
    let to = line.to;
    if (column >= 1 && column <= line.length + 1) {
      from = line.from + column - 1;
      const rest = doc.sliceString(from, line.to);
      to = from + Math.max(1, (/^[^\s{}()]*/.exec(rest) || [""])[0].length);
      to = Math.min(to, line.to);
      if (to <= from) from = Math.max(line.from, from - 1);
    }
    const where = say(TEXT.line, { line: number, column: column });
    return [{ from: from, to: Math.max(to, from), severity: "error", message: where + " — " + message }];
  }

  // --- Results table: sort by a column (buttons, aria-sort), pages of PAGE rows. ---
  function sortKey(cell) {
    const text = cell ? cell.textContent.trim() : "";
    const number = Number(text.split(" ")[0]);
    return { text: text, number: text !== "" && !Number.isNaN(number) ? number : null };
  }

  function compare(a, b) {
    if (a.number !== null && b.number !== null) return a.number - b.number;
    return a.text.localeCompare(b.text, lang, { numeric: true, sensitivity: "base" });
  }

  function enhanceTable(section) {
    const table = section.querySelector("table");
    if (!table) return;
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const headers = Array.from(table.tHead.rows[0].cells);
    let page = 0;
    const pager = document.createElement("nav");
    pager.className = "pager";
    pager.setAttribute("aria-label", TEXT.pages);
    const previous = button(TEXT.previous, () => show(page - 1));
    const next = button(TEXT.next, () => show(page + 1));
    const label = document.createElement("span");
    pager.append(previous, label, next);
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    if (pages > 1) table.parentElement.after(pager);

    function show(wanted) {
      page = Math.min(Math.max(0, wanted), pages - 1);
      body.replaceChildren(...rows.slice(page * PAGE, (page + 1) * PAGE));
      label.textContent = say(TEXT.page, { page: page + 1, pages: pages });
      previous.disabled = page === 0;
      next.disabled = page === pages - 1;
    }

    headers.forEach((th, index) => {
      const name = th.textContent;
      const sorter = button(name, () => sortBy(index));
      sorter.className = "sort";
      sorter.setAttribute("aria-label", say(TEXT.sort, { column: name }));
      th.replaceChildren(sorter);
    });

    function sortBy(index) {
      const th = headers[index];
      const descending = th.getAttribute("aria-sort") === "ascending";
      headers.forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const keyed = rows.map((row) => [sortKey(row.cells[index]), row]);
      const empty = (pair) => (pair[0].text === "" ? 1 : 0); // empty cells last, either way
      keyed.sort((a, b) => empty(a) - empty(b) || (descending ? -1 : 1) * compare(a[0], b[0]));
      rows.splice(0, rows.length, ...keyed.map((pair) => pair[1]));
      show(0);
    }

    show(0);
  }

  function button(text, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = text;
    element.addEventListener("click", action);
    return element;
  }

  // --- The editor. ---
  function editor(CM) {
    const status = document.getElementById("run-status");
    const keys = document.getElementById("query-keys");
    const submit = form.querySelector("button[type=submit]");
    const outcome = document.getElementById("outcome");
    const info = document.getElementById("example-info");
    const action = form.getAttribute("action");
    const host = document.createElement("div");
    host.className = "cm-host";
    textarea.after(host);
    textarea.hidden = true;
    if (keys) keys.textContent = TEXT.keys;

    const view = new CM.EditorView({
      parent: host,
      state: CM.EditorState.create({
        doc: textarea.value,
        extensions: [
          CM.basicSetup,
          CM.StreamLanguage.define(CM.sparql),
          CM.syntaxHighlighting(CM.classHighlighter),
          // Few options at once, never a scrolled list: the keyboard pages through them.
          CM.autocompletion({ override: [completer(form.dataset.completions)], maxRenderedOptions: 12 }),
          CM.lintGutter(),
          CM.Prec.high(
            CM.keymap.of([
              { key: "Mod-Enter", run: () => (run(), true) },
              { key: "Escape", run: () => (submit.focus(), true) },
            ])
          ),
          CM.EditorView.contentAttributes.of({
            "aria-labelledby": "query-label",
            "aria-describedby": "query-keys",
            tabindex: "0", // axe-core: a scrolled editor must be reachable by keyboard
          }),
          CM.EditorView.updateListener.of((update) => {
            if (update.docChanged) textarea.value = update.state.doc.toString();
          }),
        ],
      }),
    });

    function show(html, status_code) {
      const page = new DOMParser().parseFromString(html, "text/html");
      const fresh = page.getElementById("outcome");
      outcome.replaceChildren(...(fresh ? fresh.childNodes : []));
      const results = outcome.querySelector(".results");
      if (results) enhanceTable(results);
      const error = outcome.querySelector(".error");
      const found = error ? diagnostics(view.state.doc, error.textContent.trim()) : [];
      view.dispatch(CM.setDiagnostics(view.state, found));
      const count = outcome.querySelectorAll(".results tbody tr").length;
      const rows = results ? results.querySelector("h2 small") : null;
      status.textContent = error || status_code >= 400 ? TEXT.failed : rows ? rows.textContent : say(TEXT.done, { n: count });
      return page;
    }

    async function load(url, init) {
      status.textContent = TEXT.running;
      outcome.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(url, { ...init, headers: { Accept: "text/html" } });
        return show(await response.text(), response.status);
      } catch (error) {
        status.textContent = TEXT.network;
        return null;
      } finally {
        outcome.removeAttribute("aria-busy");
      }
    }

    function run() {
      const query = view.state.doc.toString();
      const params = new URLSearchParams({ query: query, lang: lang });
      if (query.length > LONG) return load(action, { method: "POST", body: params });
      const url = action.split("?")[0] + "?" + params.toString();
      history.replaceState(null, "", url);
      return load(url, {});
    }

    async function example(link) {
      const page = await load(link.href, {});
      if (!page) return;
      const text = page.getElementById("query");
      const fresh = page.getElementById("example-info");
      if (fresh) info.replaceChildren(...fresh.childNodes);
      if (text) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text.value } });
      view.dispatch(CM.setDiagnostics(view.state, []));
      history.replaceState(null, "", link.href);
      view.focus();
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });
    document.querySelectorAll(".examples a[data-example]").forEach((link) => {
      link.addEventListener("click", (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        example(link);
      });
    });
    const results = outcome.querySelector(".results");
    if (results) enhanceTable(results);
    const error = outcome.querySelector(".error");
    if (error) view.dispatch(CM.setDiagnostics(view.state, diagnostics(view.state.doc, error.textContent.trim())));
    window.clsQueryEditor = view; // for the browser tests and the console
  }

  function start() {
    if (window.ClsCodeMirror) editor(window.ClsCodeMirror);
    else plain();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
