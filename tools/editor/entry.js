// The CodeMirror 6 pieces the query page (server/static/sparql.js) uses, as one global:
// window.ClsCodeMirror. The page's own logic stays in sparql.js, readable and unbundled.
export { EditorView, keymap } from "@codemirror/view";
export { EditorState, Prec } from "@codemirror/state";
export { basicSetup } from "codemirror";
export { StreamLanguage, syntaxHighlighting } from "@codemirror/language";
export { classHighlighter } from "@lezer/highlight";
export { sparql } from "@codemirror/legacy-modes/mode/sparql";
export { autocompletion, startCompletion } from "@codemirror/autocomplete";
export { setDiagnostics, lintGutter } from "@codemirror/lint";
