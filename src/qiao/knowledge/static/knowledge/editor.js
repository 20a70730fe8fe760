// The article editor (KB-1): a contenteditable area with a small toolbar in place of the body's
// textarea, which keeps the HTML that is submitted. Without JavaScript the textarea stays and
// takes HTML or plain text. The server sanitizes whatever arrives; the cleaning here only keeps
// pasted or reloaded content from running anything inside the page.
(function () {
  "use strict";

  var DROPPED = "script,style,iframe,frame,object,embed,link,meta,template,svg,math,form,input,button,select,textarea";

  function cleanFragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html; // parsed inert: nothing inside a template runs or loads
    template.content.querySelectorAll(DROPPED).forEach(function (node) { node.remove(); });
    template.content.querySelectorAll("*").forEach(function (element) {
      Array.prototype.slice.call(element.attributes).forEach(function (attribute) {
        var name = attribute.name.toLowerCase();
        var scripted = (name === "href" || name === "src") && /^\s*(javascript|data|vbscript):/i.test(attribute.value);
        if (name.indexOf("on") === 0 || name === "style" || name === "class" || name === "srcdoc" || scripted) {
          element.removeAttribute(attribute.name);
        }
      });
    });
    return template.content;
  }

  function setUp(textarea) {
    var source = document.getElementById("qiao-rte-toolbar");
    if (!source || textarea.dataset.richTextReady) return;
    textarea.dataset.richTextReady = "1";

    var toolbar = source.content.firstElementChild.cloneNode(true);
    var editor = document.createElement("div");
    editor.className = "form-control qiao-rte-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    var label = document.querySelector("label[for='" + textarea.id + "']");
    if (label) {
      editor.setAttribute("aria-label", label.textContent.trim());
      label.addEventListener("click", function () { editor.focus(); });
    }
    if (textarea.classList.contains("is-invalid")) editor.classList.add("is-invalid");
    if (/<[a-z!\/]/i.test(textarea.value)) {
      editor.appendChild(cleanFragment(textarea.value));
    } else if (textarea.value.trim()) {
      textarea.value.trim().split(/\n\s*\n/).forEach(function (part) {
        var paragraph = document.createElement("p");
        paragraph.textContent = part;
        editor.appendChild(paragraph);
      });
    }

    textarea.classList.add("d-none");
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(editor, textarea);

    function sync() { textarea.value = editor.innerHTML; }
    editor.addEventListener("input", sync);
    if (textarea.form) textarea.form.addEventListener("submit", sync);

    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (error) { /* older browsers */ }

    // Pressing a button must not take the selection out of the editor.
    toolbar.addEventListener("mousedown", function (event) {
      if (event.target.closest("[data-command]")) event.preventDefault();
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-command]");
      if (!button) return;
      event.preventDefault();
      editor.focus();
      var command = button.dataset.command;
      var value = button.dataset.value || null;
      if (command === "createLink") {
        value = window.prompt(button.dataset.prompt || "URL", "https://");
        if (!value || /^\s*(javascript|data|vbscript):/i.test(value)) return;
      }
      document.execCommand(command, false, value);
      sync();
    });

    // Pasted HTML (from Word, web pages) loses scripts, styles and classes on the way in.
    editor.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      var html = data && data.getData("text/html");
      if (!html) return;
      event.preventDefault();
      var holder = document.createElement("div");
      holder.appendChild(cleanFragment(html));
      document.execCommand("insertHTML", false, holder.innerHTML);
      sync();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-rich-text]").forEach(setUp);
  });
})();
