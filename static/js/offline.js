/* Offline learning, the page side (issue 22; the worker is static/js/sw.js).
   On every signed-in page: registers /sw.js, tells it who is signed in
   (<meta name="sinau-user">) and asks it to send what waits; the status
   line (#offline-status, templates/includes/offline_status.html) says how
   many items wait and when they were last sent; "Mark as done" queued on
   this phone shows as done; logging out warns when work is still waiting
   and removes this person's saved pages.
   [data-offline-save]: the "Save for offline" page (manifest, size, save).
   [data-offline-saved]: the list of modules saved on this phone (/luring/
   and the offline page), with "Remove".
   form[data-offline-attempt]: an offline attempt; answers kept as a draft,
   client_id and elapsed_seconds filled when it is sent. */
"use strict";

(function () {
  if (!("serviceWorker" in navigator) || !window.indexedDB || !window.caches) {
    return;
  }
  var meta = document.querySelector('meta[name="sinau-user"]');
  var user = meta ? meta.getAttribute("content") : "";
  var status = document.getElementById("offline-status");
  var lang = document.documentElement.lang || "id";
  var SYNC_URL = "/luring/sinkron/";
  var HIDDEN = ["csrfmiddlewaretoken", "client_id", "elapsed_seconds"];
  var waitingCount = 0;

  /* The IndexedDB helper, the same in static/js/sw.js. */
  function idb(store, mode, work) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("sinau-offline", 1);
      open.onupgradeneeded = function () {
        var db = open.result;
        db.createObjectStore("kv");
        db.createObjectStore("queue", { keyPath: "id" });
        db.createObjectStore("modules", { keyPath: "key" });
        db.createObjectStore("drafts", { keyPath: "key" });
      };
      open.onerror = function () {
        reject(open.error);
      };
      open.onsuccess = function () {
        var db = open.result;
        var tx = db.transaction(store, mode);
        var out = work(tx.objectStore(store));
        tx.oncomplete = function () {
          db.close();
          resolve(out instanceof IDBRequest ? out.result : out);
        };
        tx.onerror = tx.onabort = function () {
          db.close();
          reject(tx.error);
        };
      };
    });
  }

  function mine(store) {
    return idb(store, "readonly", function (s) {
      return s.getAll();
    }).then(function (rows) {
      return rows.filter(function (row) {
        return row.user === user;
      });
    });
  }

  function say(el, name, values) {
    var text = (el && el.getAttribute("data-" + name)) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  function size(bytes) {
    var kb = bytes / 1024;
    return kb < 1000 ? Math.max(1, Math.round(kb)) + " KB" : (kb / 1024).toLocaleString(lang, { maximumFractionDigits: 1 }) + " MB";
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 256).toString(16).slice(1);
    }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function worker() {
    return navigator.serviceWorker.ready.then(function (registration) {
      return registration.active;
    });
  }

  function ask(message) {
    return worker().then(function (active) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          resolve(event.data);
        };
        active.postMessage(message, [channel.port2]);
      });
    });
  }

  function ok(response) {
    if (response.status !== 200 || response.redirected) {
      return response.json().then(function (data) {
        throw new Error(data.message || String(response.status));
      }, function () {
        throw new Error(String(response.status));
      });
    }
    return response;
  }

  /* ---- Status line ---- */

  function clock(ms) {
    var when = new Date(ms);
    var options = { hour: "2-digit", minute: "2-digit" };
    if (when.toDateString() !== new Date().toDateString()) {
      options.day = "numeric";
      options.month = "short";
    }
    return when.toLocaleString(lang, options);
  }

  function showStatus() {
    if (!status || !user) {
      return Promise.resolve();
    }
    return Promise.all([mine("queue"), idb("kv", "readonly", function (s) {
      return s.get("sync:" + user);
    })]).then(function (got) {
      var waiting = got[0];
      var last = got[1] || {};
      waitingCount = waiting.length;
      var parts = [];
      if (waiting.length) {
        parts.push(say(status, "waiting", { n: waiting.length }));
        if (last.error === "signin") {
          parts.push(say(status, "signin"));
        }
      }
      if (last.at) {
        parts.push(say(status, "sent", { time: clock(last.at) }));
      }
      status.textContent = parts.join(" · ");
      if (last.fresh && location.pathname !== "/luring/") {
        var link = document.createElement("a");
        link.href = "/luring/";
        link.textContent = say(status, "results");
        status.appendChild(document.createTextNode(" · "));
        status.appendChild(link);
      }
      status.hidden = !parts.length;
      markQueued(waiting);
    });
  }

  /* A "Mark as done" or an attempt sent while offline waits in the queue:
     the page says so instead of offering the form again. */
  function markQueued(waiting) {
    Array.prototype.forEach.call(document.querySelectorAll("form[action]"), function (form) {
      var action = form.getAttribute("action");
      var lesson = /\/aksi\/pelajaran\/(\d+)\/selesai\/$/.exec(action);
      var attempt = /\/kuis\/percobaan\/(\d+)\/kirim-semua\/$/.exec(action);
      var queued = waiting.some(function (item) {
        return (lesson && item.lesson === +lesson[1]) || (attempt && item.attempt === +attempt[1]);
      });
      if (!queued || form.getAttribute("data-offline-queued")) {
        return;
      }
      form.setAttribute("data-offline-queued", "1");
      var note = document.createElement("p");
      note.className = "message";
      note.setAttribute("role", "status");
      if (lesson) {
        note.textContent = "✓ " + say(status, "done-queued");
        form.parentNode.replaceChild(note, form);
      } else {
        note.textContent = say(status, "attempt-queued");
        form.parentNode.insertBefore(note, form);
        Array.prototype.forEach.call(form.elements, function (el) {
          el.disabled = true;
        });
      }
    });
  }

  /* ---- Logging out: warn when work waits; remove this person's data ---- */

  function forget() {
    return caches.delete("sinau-user-" + user).then(function () {
      return Promise.all(["queue", "modules", "drafts"].map(function (store) {
        return idb(store, "readwrite", function (s) {
          s.openCursor().onsuccess = function (event) {
            var cursor = event.target.result;
            if (cursor) {
              if (cursor.value.user === user) {
                cursor.delete();
              }
              cursor.continue();
            }
          };
        });
      }));
    }).then(function () {
      return idb("kv", "readwrite", function (s) {
        s.delete("sync:" + user);
        s.put("", "user");
      });
    }).then(function () {
      return worker().then(function (active) {
        active.postMessage({ type: "user", user: "" });
      });
    });
  }

  /* Synchronous, so the sign-out starts at once (confirm() blocks): the
     count is the one the status line last read. */
  function guardLogout(form) {
    form.addEventListener("submit", function (event) {
      if (waitingCount && !window.confirm(say(status, "logout"))) {
        event.preventDefault();
        return;
      }
      // Best effort: the sign-out's Clear-Site-Data removes it all anyway.
      forget().catch(function () {});
    });
  }

  /* ---- "Save for offline" ---- */

  function savePage(button) {
    var out = document.querySelector("[data-offline-save-status]");
    if (!out) {
      out = document.createElement("p");
      out.setAttribute("role", "status");
      button.parentNode.insertBefore(out, button.nextSibling);
    }
    var url = button.getAttribute("data-offline-save") || location.pathname + "daftar.json";
    var manifest = null;
    button.hidden = false;
    button.disabled = true;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(ok).then(function (response) {
      return response.json();
    }).then(function (data) {
      manifest = data;
      var files = data.urls.concat(data.shell);
      return Promise.all(files.map(function (file) {
        return caches.match(file.url, { ignoreVary: true }).then(function (hit) {
          return hit ? 0 : file.bytes || 0;
        });
      }));
    }).then(function (sizes) {
      var bytes = sizes.reduce(function (a, b) {
        return a + b;
      }, 0);
      out.textContent = say(button, "size", { size: size(bytes) });
      button.disabled = false;
    }).catch(function (error) {
      out.textContent = error.message && !/^\d+$/.test(error.message) ? error.message : say(button, "failed");
    });
    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (manifest && !button.disabled) {
        button.disabled = true;
        save(manifest, button, out).then(function () {
          button.disabled = false;
        });
      }
    });
  }

  /* Shell files every person may share (the worker's SHELL cache); any
     other page the shell lists (such as /luring/, which shows this
     person's work) goes in this person's own cache. */
  function shared(url) {
    return url.indexOf("/static/") === 0 || url === "/luring/offline/" || url === "/manifest.webmanifest";
  }

  function save(manifest, button, out) {
    var pages = manifest.urls.concat(manifest.shell.filter(function (file) {
      return !shared(file.url);
    }));
    var total = pages.length + manifest.quizzes.length + 1;
    var done = 0;
    var bytes = 0;
    var notes = [];
    var urls = [];
    var quizzes = [];
    var packages = []; // every package the server made for this save
    var cache;
    var csrf;
    function step() {
      done += 1;
      out.textContent = say(button, "saving", { done: done, total: total });
    }
    function keep(url, response) {
      return response.clone().blob().then(function (blob) {
        bytes += blob.size;
        urls.push(url);
        return cache.put(url, response);
      });
    }
    out.textContent = say(button, "saving", { done: 0, total: total });
    if (manifest.user !== user) {
      out.textContent = say(button, "failed");
      return Promise.resolve();
    }
    return ask({ type: "shell", urls: manifest.shell.filter(function (file) {
      return shared(file.url);
    }).map(function (file) {
      return file.url;
    }) }).then(function (answer) {
      if (!answer.ok) {
        throw new Error("shell");
      }
      bytes += answer.bytes;
      step();
      return caches.open("sinau-user-" + user);
    }).then(function (opened) {
      cache = opened;
      return pages.reduce(function (chain, file) {
        return chain.then(function () {
          return fetch(file.url, { credentials: "same-origin" }).then(ok).then(function (response) {
            // The same answer for the other URLs it stands for (an image's
            // other srcset widths).
            return Promise.all((file.also || []).map(function (alias) {
              urls.push(alias);
              return cache.put(alias, response.clone());
            })).then(function () {
              return keep(file.url, response);
            });
          }).catch(function (error) {
            // A picture that will not come leaves its lesson readable.
            if (file.url.indexOf("/media/") !== 0) {
              throw error;
            }
          }).then(step);
        });
      }, Promise.resolve());
    }).then(function () {
      return fetch(SYNC_URL, { credentials: "same-origin", cache: "no-store" }).then(ok).then(function (response) {
        return response.json();
      }).then(function (info) {
        csrf = info.csrf;
      });
    }).then(function () {
      return manifest.quizzes.reduce(function (chain, quiz) {
        return chain.then(function () {
          return fetch(quiz.package, {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrf, Accept: "application/json" }
          }).then(ok).then(function (response) {
            return response.json();
          }).then(function (made) {
            packages.push({ attempt: made.attempt });
            return fetch(made.url, { credentials: "same-origin" }).then(ok).then(function (response) {
              // Offline, the quiz's own page shows the package.
              var page = made.page || quiz.page;
              quizzes.push({ quiz: quiz.quiz, title: quiz.title, attempt: made.attempt, url: made.url, page: page });
              var alias = page ? cache.put(page, response.clone()).then(function () {
                urls.push(page);
              }) : null;
              return Promise.all([alias, keep(made.url, response)]);
            });
          }, function (error) {
            // Refused (attempts used, closed...): say why, save the rest.
            notes.push(quiz.title + ": " + error.message);
          }).then(step);
        });
      }, Promise.resolve());
    }).then(function () {
      return idb("modules", "readwrite", function (s) {
        s.put({
          key: user + ":" + manifest.module,
          user: user,
          module: manifest.module,
          title: manifest.title,
          url: manifest.url || urls.filter(function (url) {
            return !/^\/(static|media)\//.test(url);
          })[0],
          urls: urls,
          quizzes: quizzes,
          bytes: bytes,
          saved_at: Date.now()
        });
      });
    }).then(function () {
      button.setAttribute("data-offline-bytes", String(bytes));
      out.textContent = [say(button, "saved", { size: size(bytes) })].concat(notes).join(" ");
    }, function () {
      // Nothing half-saved stays behind, unlisted: not its pages, nor the
      // packages the server made for it.
      out.textContent = say(button, "failed");
      release(packages);
      return cache && mine("modules").then(function (modules) {
        var listed = {};
        modules.forEach(function (module) {
          module.urls.forEach(function (url) {
            listed[url] = true;
          });
        });
        return Promise.all(urls.filter(function (url) {
          return !listed[url];
        }).map(function (url) {
          return cache.delete(url);
        }));
      });
    });
  }

  /* ---- Modules saved on this phone (/luring/, the offline page) ---- */

  function savedList(box) {
    mine("modules").then(function (modules) {
      box.textContent = "";
      if (!modules.length) {
        var empty = document.createElement("p");
        empty.textContent = say(box, "empty");
        box.appendChild(empty);
        return;
      }
      var list = document.createElement("ul");
      list.className = "offline-saved";
      var total = 0;
      modules.forEach(function (module) {
        total += module.bytes || 0;
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = module.url;
        link.textContent = module.title;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" · " + size(module.bytes || 0) + " "));
        (module.quizzes || []).forEach(function (quiz) {
          var q = document.createElement("a");
          q.href = quiz.url;
          q.textContent = quiz.title;
          item.appendChild(document.createElement("br"));
          item.appendChild(q);
        });
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button--secondary";
        remove.textContent = say(box, "remove");
        var named = document.createElement("span");
        named.className = "visually-hidden";
        named.textContent = " " + module.title;
        remove.appendChild(named);
        remove.addEventListener("click", function () {
          removeModule(module, modules).then(function () {
            box.focus();
            savedList(box);
          });
        });
        item.appendChild(document.createElement("br"));
        item.appendChild(remove);
        list.appendChild(item);
      });
      box.appendChild(list);
      var used = document.createElement("p");
      used.textContent = say(box, "used", { size: size(total) });
      box.appendChild(used);
      // What the browser counts for Sinau on this phone, when it says.
      if (navigator.storage && navigator.storage.estimate) {
        navigator.storage.estimate().then(function (estimate) {
          if (estimate.usage > total) {
            used.textContent = say(box, "used", { size: size(estimate.usage) });
          }
        });
      }
    });
  }

  // Give packages back to the server (it deletes an unanswered one) unless
  // answers to them wait in the queue; offline, "Tersimpan offline" offers
  // the same as a button.
  function release(quizzes) {
    return mine("queue").then(function (items) {
      var waiting = {};
      items.forEach(function (item) {
        if (item.attempt) {
          waiting[item.attempt] = true;
        }
      });
      var todo = quizzes.filter(function (quiz) {
        return quiz.attempt && !waiting[quiz.attempt];
      });
      return todo.length && fetch(SYNC_URL, { credentials: "same-origin", cache: "no-store" }).then(ok).then(function (response) {
        return response.json();
      }).then(function (info) {
        return Promise.all(todo.map(function (quiz) {
          return fetch("/aksi/luring/percobaan/" + quiz.attempt + "/lepas/", {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": info.csrf, Accept: "application/json" }
          });
        }));
      });
    }).catch(function () {});
  }

  function removeModule(module, modules) {
    var others = {};
    modules.forEach(function (other) {
      if (other.key !== module.key) {
        other.urls.forEach(function (url) {
          others[url] = true;
        });
      }
    });
    return caches.open("sinau-user-" + user).then(function (cache) {
      return Promise.all(module.urls.filter(function (url) {
        return !others[url];
      }).map(function (url) {
        return cache.delete(url);
      }));
    }).then(function () {
      return idb("modules", "readwrite", function (s) {
        s.delete(module.key);
      });
    }).then(function () {
      return idb("drafts", "readwrite", function (s) {
        (module.quizzes || []).forEach(function (quiz) {
          s.delete(user + ":" + quiz.attempt);
        });
      });
    }).then(function () {
      return release(module.quizzes || []);
    });
  }

  /* ---- An offline attempt: the draft, client_id, elapsed_seconds ---- */

  function attemptPage(form) {
    var key = user + ":" + form.getAttribute("data-offline-attempt");
    var draft = { key: key, user: user, started: Date.now(), id: uuid(), fields: null };
    function store() {
      return idb("drafts", "readwrite", function (s) {
        s.put(draft);
      });
    }
    idb("drafts", "readonly", function (s) {
      return s.get(key);
    }).then(function (found) {
      if (found) {
        draft = found;
        restore(form, draft.fields || []);
      } else {
        store();
      }
    });
    function remember() {
      var fields = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || HIDDEN.indexOf(el.name) >= 0 || el.disabled) {
          return;
        }
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
          return;
        }
        if (el.type === "select-multiple") {
          Array.prototype.forEach.call(el.selectedOptions, function (option) {
            fields.push([el.name, option.value]);
          });
        } else if (el.type !== "submit" && el.type !== "button") {
          fields.push([el.name, el.value]);
        }
      });
      draft.fields = fields;
      store();
    }
    form.addEventListener("change", remember);
    form.addEventListener("input", remember);
    form.addEventListener("submit", function () {
      if (form.elements.client_id) {
        form.elements.client_id.value = draft.id;
      }
      if (form.elements.elapsed_seconds) {
        form.elements.elapsed_seconds.value = String(Math.max(0, Math.round((Date.now() - draft.started) / 1000)));
      }
      remember();
    });
  }

  function restore(form, fields) {
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || HIDDEN.indexOf(el.name) >= 0) {
        return;
      }
      var values = fields.filter(function (field) {
        return field[0] === el.name;
      }).map(function (field) {
        return field[1];
      });
      if (!values.length) {
        return;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) >= 0;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (option) {
          option.selected = values.indexOf(option.value) >= 0;
        });
      } else if (el.type !== "submit" && el.type !== "button") {
        seen[el.name] = (seen[el.name] || 0) + 1;
        el.value = values[seen[el.name] - 1] || "";
      }
    });
  }

  /* ---- Start ---- */

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  if (!meta && !navigator.onLine && document.querySelector("[data-offline-saved]")) {
    // The offline page (shell, signed in as nobody): the person the worker
    // last saw signed in.
    idb("kv", "readonly", function (s) {
      return s.get("user");
    }).then(function (key) {
      user = key || "";
      start();
    });
  } else {
    start();
  }

  function start() {
    if (user) {
      worker().then(function (active) {
        active.postMessage({ type: "user", user: user, sync: true });
      });
      window.addEventListener("online", function () {
        worker().then(function (active) {
          active.postMessage({ type: "sync" });
        });
      });
    }
    navigator.serviceWorker.addEventListener("message", function (event) {
      var type = (event.data || {}).type;
      if (type === "synced" || type === "queued") {
        showStatus();
        Array.prototype.forEach.call(document.querySelectorAll("[data-offline-saved]"), savedList);
      }
    });
    if (status) {
      status.hidden = true;
      showStatus();
    }
    if (user) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-logout]"), guardLogout);
      Array.prototype.forEach.call(document.querySelectorAll("[data-offline-save]"), savePage);
      Array.prototype.forEach.call(document.querySelectorAll("[data-offline-saved]"), savedList);
      Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-attempt]"), attemptPage);
      if (location.pathname === "/luring/") {
        idb("kv", "readwrite", function (s) {
          var read = s.get("sync:" + user);
          read.onsuccess = function () {
            if (read.result && read.result.fresh) {
              read.result.fresh = 0;
              s.put(read.result, "sync:" + user);
            }
          };
        });
      }
    }
  }
})();
