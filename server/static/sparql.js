// The query page: Ctrl+Enter runs the query, Tab indents, long queries are POSTed.
"use strict";
(function () {
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  if (!form || !editor) return;
  const LONG = 2000; // characters: past this a GET URL may be refused, so the form POSTs
  form.addEventListener("submit", function () {
    form.method = editor.value.length > LONG ? "post" : "get";
  });
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      editor.setRangeText("  ", editor.selectionStart, editor.selectionEnd, "end");
    }
  });
})();
