/* guichets — the page's only script, written for this app (no library, nothing fetched
   from elsewhere). Without it every form still works; with it uploads keep each file's
   date, show their progress, accept dropped folders, and job progress updates itself. */
(function () {
  "use strict";

  function say(form, text) {
    var box = form.querySelector("[data-error]");
    box.textContent = text;
    box.hidden = false;
    box.focus();
  }

  function readEntry(entry, prefix, out) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (f) { out.push([f, prefix + f.name]); resolve(); }, function () { resolve(); });
        return;
      }
      var reader = entry.createReader(), all = [];
      (function more() {
        reader.readEntries(function (batch) {
          if (!batch.length) {
            Promise.all(all.map(function (e) { return readEntry(e, prefix + entry.name + "/", out); })).then(resolve);
            return;
          }
          all = all.concat(Array.prototype.slice.call(batch));
          more();
        }, function () { resolve(); });
      })();
    });
  }

  function chosenText(n) {
    return n === 0 ? "" : (n === 1 ? "1 fichier prêt à envoyer." : n + " fichiers prêts à envoyer.");
  }

  function setupUpload(form) {
    var dropped = [];
    var zone = form.querySelector("[data-dropzone]");
    var chosen = form.querySelector("[data-chosen]");
    function picked() {
      var n = dropped.length;
      form.querySelectorAll('input[type="file"]').forEach(function (i) { n += i.files.length; });
      chosen.textContent = chosenText(n);
    }
    form.querySelectorAll('input[type="file"]').forEach(function (i) { i.addEventListener("change", picked); });
    if (zone) {
      zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
      zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        zone.classList.remove("over");
        var items = e.dataTransfer.items, waits = [], found = [];
        for (var k = 0; k < items.length; k++) {
          var entry = items[k].webkitGetAsEntry ? items[k].webkitGetAsEntry() : null;
          if (entry) { waits.push(readEntry(entry, "", found)); }
          else if (items[k].kind === "file") { var f = items[k].getAsFile(); found.push([f, f.name]); }
        }
        Promise.all(waits).then(function () { dropped = dropped.concat(found); picked(); });
      });
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var files = dropped.slice();
      form.querySelectorAll('input[type="file"]').forEach(function (input) {
        Array.prototype.forEach.call(input.files, function (f) {
          files.push([f, f.webkitRelativePath || f.name, input.name]);
        });
      });
      if (!files.length) { say(form, "Aucun fichier choisi : choisissez ou déposez des fichiers."); return; }
      var max = +form.dataset.maxBytes, maxFile = +form.dataset.maxFile, total = 0;
      for (var i = 0; i < files.length; i++) {
        total += files[i][0].size;
        if (files[i][0].size > maxFile) {
          say(form, "Fichier trop volumineux : « " + files[i][1] + " » dépasse " + Math.round(maxFile / 1e6) + " Mo. Rien n'a été envoyé.");
          return;
        }
      }
      if (total > max) {
        say(form, "Envoi trop volumineux : " + Math.round(total / 1e6) + " Mo pour une limite de " + Math.round(max / 1e6) + " Mo. Rien n'a été envoyé : envoyez les fichiers en plusieurs fois.");
        return;
      }
      var data = new FormData();
      data.append("csrf", form.elements.csrf.value);  // first, before any file
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "file" || el.name === "csrf" || el.disabled) { return; }
        if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
        data.append(el.name, el.value);
      });
      data.append("last_modified", JSON.stringify(files.map(function (f) { return f[0].lastModified || null; })));
      files.forEach(function (f) { data.append(f[2] || "files", f[0], f[1]); });
      var bar = form.querySelector("[data-progress]"), button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", form.elements.csrf.value);
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) { bar.hidden = false; bar.max = ev.total; bar.value = ev.loaded; }
      };
      xhr.onload = function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = {}; }
        if (xhr.status < 300 && answer.url) { window.location.assign(answer.url); return; }
        button.disabled = false; bar.hidden = true;
        say(form, answer.error ? answer.error + (answer.detail ? " (" + answer.detail + ")" : "") : "Envoi refusé (erreur " + xhr.status + ").");
      };
      xhr.onerror = function () { button.disabled = false; bar.hidden = true; say(form, "Envoi interrompu : le serveur ne répond plus. Vérifiez que guichets serve tourne encore."); };
      button.disabled = true;
      xhr.send(data);
    });
  }

  function watchJob(el) {
    var id = el.dataset.job;
    function tick() {
      fetch("/taches/" + id + ".json", { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          var bar = el.querySelector("progress"), label = el.querySelector("[data-label]");
          if (job.total) { bar.max = job.total; bar.value = job.done; } else { bar.removeAttribute("value"); }
          label.textContent = (job.total ? job.done + " / " + job.total : "") + (job.label ? " — " + job.label : "");
          if (job.running) { setTimeout(tick, 1000); } else { window.location.reload(); }
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    setTimeout(tick, 700);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var problem = document.getElementById("erreur");  // a refused form: read its message first
    if (problem) { problem.focus(); }
    document.querySelectorAll("form[data-upload]").forEach(setupUpload);
    document.querySelectorAll("[data-job]").forEach(watchJob);
    document.querySelectorAll("form[data-once]").forEach(function (f) {
      f.addEventListener("submit", function () { var b = f.querySelector("button"); setTimeout(function () { b.disabled = true; }, 0); });
    });
  });
})();
