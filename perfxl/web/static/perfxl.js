/* perfxl serve: drag-and-drop, a check of the limits before uploading, and progress. Every
   form works without this script (old browsers, compatibility modes): it only adds to them.
   ES5 only, so Internet Explorer 11 reads it. */
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest || !document.querySelectorAll) { return; }

  function say(form, text, bad) {
    var status = form.querySelector(".status");
    if (status) {
      status.className = bad ? "status refusal" : "status";
      status.textContent = text;
    }
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return values.hasOwnProperty(key) ? values[key] : all; });
  }

  function tooMuch(form) {
    var files = [], inputs = form.querySelectorAll("input[type=file]"), i, j, total = 0;
    for (i = 0; i < inputs.length; i++) {
      if (inputs[i].name === "profile") { continue; }
      for (j = 0; j < (inputs[i].files || []).length; j++) { files.push(inputs[i].files[j]); }
    }
    var most = parseInt(form.getAttribute("data-max-files"), 10);
    var size = parseInt(form.getAttribute("data-max-bytes"), 10);
    var all = parseInt(form.getAttribute("data-max-total") || "0", 10);
    if (most && files.length > most) { return fill(form.getAttribute("data-too-many"), {}); }
    for (i = 0; i < files.length; i++) {
      total += files[i].size;
      if (size && files[i].size > size) { return fill(form.getAttribute("data-too-big"), {name: files[i].name}); }
    }
    if (all && total > all) { return fill(form.getAttribute("data-too-many"), {}); }
    return null;
  }

  function show(xhr) {  // a page the server answered with (a refusal): shown as it is
    document.open();
    document.write(xhr.responseText);
    document.close();
  }

  function poll(form, status, page) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", status);
    xhr.onload = function () {
      var answer;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { window.location.href = page; return; }
      if (answer.finished || xhr.status !== 200) { window.location.href = page; return; }
      say(form, fill(form.getAttribute("data-progress"), {done: answer.done, total: answer.total}));
      window.setTimeout(function () { poll(form, status, page); }, 500);
    };
    xhr.onerror = function () { window.location.href = page; };
    xhr.send();
  }

  function send(form, event) {
    var problem = tooMuch(form);
    if (problem) {
      event.preventDefault();
      say(form, problem, true);
      return;
    }
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    var async = form.getAttribute("data-async") === "1";
    xhr.open("POST", form.getAttribute("action"));
    if (async) { xhr.setRequestHeader("X-Perfxl-Async", "1"); }
    if (xhr.upload) {
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          say(form, form.getAttribute("data-uploading") + " " + Math.round(100 * e.loaded / e.total) + "%");
        }
      };
      xhr.upload.onload = function () { say(form, form.getAttribute("data-working")); };
    }
    xhr.onload = function () {
      if (async && xhr.status === 202) {
        var answer = JSON.parse(xhr.responseText);
        poll(form, answer.status, answer.page);
      } else if (xhr.status === 200 && xhr.responseURL && xhr.responseURL !== form.action) {
        window.location.href = xhr.responseURL;
      } else {
        show(xhr);
      }
    };
    xhr.onerror = function () { form.submit(); };
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
    say(form, form.getAttribute("data-uploading"));
    xhr.send(new FormData(form));
  }

  function droppable(form) {
    var zone = form.querySelector(".drop"), input = zone && zone.querySelector("input[type=file]");
    if (!zone || !input) { return; }
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.className = "drop over"; });
    zone.addEventListener("dragleave", function () { zone.className = "drop"; });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.className = "drop";
      try { input.files = e.dataTransfer.files; } catch (err) { return; }  // browsers that cannot: choose instead
      say(form, "");
    });
  }

  var forms = document.querySelectorAll("form.upload");
  for (var i = 0; i < forms.length; i++) {
    (function (form) {
      droppable(form);
      form.addEventListener("submit", function (event) { send(form, event); });
    })(forms[i]);
  }
})();
