/* Sinau's service worker, served at /sw.js (root scope) by
   lms.notifications.webhooks.service_worker.
   push: show the message Sinau sent, JSON {title, body, url}
   (lms/notifications/channels/push.py).
   notificationclick: open (or focus) the message's page in Sinau.
   Offline (issue 22, docs/architecture.md "Offline"):
   - caches: SHELL (CSS, JS, icons, the offline page; filled when a save
     asks, old versions dropped at activate) and one cache per signed-in
     person, "sinau-user-<key>" (<meta name="sinau-user">), holding only
     what a save listed (static/js/offline.js puts it there).
   - navigations: network first; offline, the current person's saved copy,
     else the offline page. Nothing is cached that a save did not list.
   - "Mark as done" and an offline attempt's form posted without a network
     are queued in IndexedDB (sync items) and sent in one POST to
     /luring/sinkron/ on the next page load, reconnect or Background Sync. */
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { body: event.data ? event.data.text() : "" };
  }
  var url = typeof data.url === "string" ? data.url : "/";
  event.waitUntil(
    self.registration.showNotification(data.title || "Sinau", {
      body: data.body || "",
      icon: "/static/img/icon-192.png",
      badge: "/static/img/icon-192.png",
      lang: "id",
      data: { url: url }
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data || {}).url || "/", self.location.origin);
  if (target.origin !== self.location.origin) {
    target = new URL("/", self.location.origin);
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (list[i].url === target.href && "focus" in list[i]) {
          return list[i].focus();
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});

/* ---- Offline ---- */

var SHELL = "sinau-shell-v1";
var USER_CACHE = "sinau-user-";
var OFFLINE_PAGE = "/luring/offline/";
var SYNC_URL = "/luring/sinkron/";
var QUEUEABLE = /^\/(?:aksi\/pelajaran\/(\d+)\/selesai|kuis\/percobaan\/(\d+)\/kirim-semua)\/$/;
var NEVER = /^\/(?:admin|django-admin|angkatan|penilaian)\//;

/* The IndexedDB helper, the same in static/js/offline.js. */
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

function currentUser() {
  return idb("kv", "readonly", function (s) {
    return s.get("user");
  }).then(function (key) {
    return key || "";
  });
}

function setUser(key) {
  return idb("kv", "readwrite", function (s) {
    s.put(key || "", "user");
  });
}

function uuid() {
  if (self.crypto && crypto.randomUUID) {
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

function tell(message) {
  return self.clients.matchAll({ includeUncontrolled: true }).then(function (list) {
    list.forEach(function (client) {
      client.postMessage(message);
    });
  });
}

/* At install only the offline page and the files it uses (its CSS and
   offline.js, usually already in the browser's cache), so a phone with
   nothing saved still says it is offline, in the person's language; the
   rest of the shell waits until a save asks for it. */
self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return fetch(OFFLINE_PAGE, { credentials: "same-origin" }).then(function (response) {
      if (!storable(response)) {
        throw new Error(OFFLINE_PAGE);
      }
      return response.clone().text().then(function (text) {
        var files = [];
        text.replace(/(?:src|href)="(\/static\/[^"]+\.(?:js|css))"/g, function (all, url) {
          files.push(url);
        });
        return Promise.all([cache.put(OFFLINE_PAGE, response), cache.addAll(files)]);
      });
    });
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("sinau-shell-") === 0 && name !== SHELL;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

/* Only a plain 200 of this site, not redirected, is ever stored. */
function storable(response) {
  return response && response.status === 200 && !response.redirected && response.type === "basic";
}

/* An online page says who is signed in (<meta name="sinau-user">, none when
   signed out); a page a save listed is refreshed in that person's cache. */
function learn(request, response) {
  if ((response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) {
    return Promise.resolve();
  }
  return response.text().then(function (text) {
    var found = /<meta name="sinau-user" content="([^"]*)"/.exec(text);
    var key = found ? found[1] : "";
    return setUser(key).then(function () {
      if (!key) {
        return;
      }
      return caches.has(USER_CACHE + key).then(function (has) {
        return has && caches.open(USER_CACHE + key).then(function (cache) {
          return cache.match(request.url, { ignoreVary: true }).then(function (old) {
            // Not an alias (a quiz page keeping its package): that stays.
            if (old && (!old.url || old.url.split("#")[0] === request.url.split("#")[0])) {
              return cache.put(request.url, new Response(text, { headers: response.headers }));
            }
          });
        });
      });
    });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_PAGE, { cacheName: SHELL, ignoreVary: true }).then(function (page) {
    return page || new Response('<!DOCTYPE html><html lang="id"><title>Sinau</title><h1>Offline</h1></html>', {
      status: 503,
      headers: { "Content-Type": "text/html; charset=utf-8" }
    });
  });
}

function offlineAnswer(request) {
  return currentUser().then(function (key) {
    return key ? caches.has(USER_CACHE + key).then(function (has) {
      return has && caches.open(USER_CACHE + key).then(function (cache) {
        return cache.match(request.url, { ignoreVary: true });
      });
    }) : null;
  }).then(function (saved) {
    return saved || offlinePage();
  });
}

/* Staff and admin pages (`never`) are only ever fetched: offline, the
   offline page stands in for them. */
function navigate(event, never) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (!never && storable(response)) {
      event.waitUntil(learn(request, response.clone()).catch(function () {}));
    }
    return response;
  }, function () {
    return never ? offlinePage() : offlineAnswer(request);
  });
}

/* Files a saved page needs (CSS, scripts, images): network first, then the
   current person's cache, then the shell. */
function asset(request) {
  return fetch(request).catch(function (error) {
    return currentUser().then(function (key) {
      return key ? caches.has(USER_CACHE + key).then(function (has) {
        return has && caches.open(USER_CACHE + key).then(function (cache) {
          return cache.match(request.url, { ignoreVary: true });
        });
      }) : null;
    }).then(function (saved) {
      return saved || caches.match(request.url, { cacheName: SHELL, ignoreVary: true });
    }).then(function (found) {
      if (!found) {
        throw error;
      }
      return found;
    });
  });
}

/* A "Mark as done" or an offline attempt's form that could not reach Sinau:
   kept on the phone as a sync item (contract §5), and the person is sent back
   to the page they came from, which says it is saved (offline.js). */
function queue(request, match, form, key) {
  var now = new Date().toISOString();
  var item;
  if (match[1]) {
    item = { type: "lesson_done", lesson: +match[1], at: now };
  } else {
    var fields = [];
    form.forEach(function (value, name) {
      if (typeof value === "string" && ["csrfmiddlewaretoken", "client_id", "elapsed_seconds"].indexOf(name) < 0) {
        fields.push([name, value]);
      }
    });
    var given = form.get("client_id") || "";
    item = {
      id: /^[0-9a-f-]{36}$/.test(given) ? given : uuid(),
      type: "attempt_submit",
      attempt: +match[2],
      fields: fields,
      submitted_at: now,
      elapsed_seconds: parseInt(form.get("elapsed_seconds"), 10) || 0
    };
  }
  item.user = key;
  return idb("queue", "readonly", function (s) {
    return s.getAll();
  }).then(function (items) {
    items.forEach(function (old) {
      if (item.type === "lesson_done" && old.user === key && old.type === "lesson_done" && old.lesson === item.lesson) {
        item.id = old.id;
      }
    });
    item.id = item.id || uuid();
    return idb("queue", "readwrite", function (s) {
      s.put(item);
    });
  }).then(function () {
    if (self.registration.sync) {
      self.registration.sync.register("sinau-sync").catch(function () {});
    }
    tell({ type: "queued" });
    var back = request.referrer && new URL(request.referrer).origin === self.location.origin ? request.referrer.split("#")[0] : OFFLINE_PAGE;
    return Response.redirect(back + (match[1] ? "#selesai" : "#tersimpan"), 303);
  });
}

function postOrQueue(request, match) {
  var copy = request.clone();
  function keep() {
    return Promise.all([copy.formData(), currentUser()]).then(function (got) {
      if (!got[1]) {
        return offlineAnswer(new Request(OFFLINE_PAGE));
      }
      return queue(request, match, got[0], got[1]);
    });
  }
  return fetch(request).then(function (response) {
    // A gateway that could not reach Sinau: keep it (the server is idempotent).
    return [502, 503, 504].indexOf(response.status) < 0 ? response : keep();
  }, keep);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  var never = NEVER.test(url.pathname);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js") {
    return;
  }
  if (request.method === "POST" && request.mode === "navigate") {
    var match = QUEUEABLE.exec(url.pathname);
    if (match) {
      event.respondWith(postOrQueue(request, match));
    }
  } else if (request.method === "GET") {
    if (request.mode === "navigate") {
      event.respondWith(navigate(event, never));
    } else if (!never && (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/media/") === 0)) {
      event.respondWith(asset(request));
    }
  }
});

/* Sync: the current person's queued items, ≤ 50 per POST, with a fresh CSRF
   token. Final outcomes leave the queue; 401, 5xx and network errors keep it.
   One run at a time (every tab asks this one worker). */
var syncing = null;

function record(user, entry) {
  return idb("kv", "readwrite", function (s) {
    s.put(entry, "sync:" + user);
  });
}

function sendBatch(info, mine, sent) {
  var batch = mine.slice(0, 50);
  var wire = batch.map(function (item) {
    var copy = {};
    Object.keys(item).forEach(function (name) {
      if (name !== "user") {
        copy[name] = item[name];
      }
    });
    return copy;
  });
  return fetch(SYNC_URL, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": info.csrf, Accept: "application/json" },
    body: JSON.stringify({ items: wire })
  }).then(function (response) {
    if (!response.ok) {
      throw new Error(String(response.status));
    }
    return response.json();
  }).then(function (data) {
    var outcomes = data.items || [];
    var done = {};
    outcomes.forEach(function (o) {
      done[o.id] = true;
    });
    return idb("queue", "readwrite", function (s) {
      batch.forEach(function (item) {
        if (done[item.id]) {
          s.delete(item.id);
        }
      });
    }).then(function () {
      return idb("drafts", "readwrite", function (s) {
        batch.forEach(function (item) {
          if (done[item.id] && item.type === "attempt_submit") {
            s.delete(info.user + ":" + item.attempt);
          }
        });
      });
    }).then(function () {
      return forgetPackages(info.user, batch.filter(function (item) {
        return done[item.id] && item.type === "attempt_submit";
      }).map(function (item) {
        return item.attempt;
      }));
    }).then(function () {
      sent = sent.concat(outcomes);
      var rest = mine.slice(50);
      return rest.length ? sendBatch(info, rest, sent) : sent;
    });
  });
}

/* A package sent and answered is done with: its page (and the quiz page
   showing it) leave the person's cache, so it is not offered again. */
function forgetPackages(user, attempts) {
  if (!attempts.length) {
    return Promise.resolve();
  }
  return idb("modules", "readonly", function (s) {
    return s.getAll();
  }).then(function (modules) {
    var gone = [];
    var changed = modules.filter(function (module) {
      if (module.user !== user) {
        return false;
      }
      var before = (module.quizzes || []).length;
      module.quizzes = (module.quizzes || []).filter(function (quiz) {
        if (attempts.indexOf(quiz.attempt) < 0) {
          return true;
        }
        gone.push(quiz.url, quiz.page);
        return false;
      });
      module.urls = module.urls.filter(function (url) {
        return gone.indexOf(url) < 0;
      });
      return module.quizzes.length !== before;
    });
    return idb("modules", "readwrite", function (s) {
      changed.forEach(function (module) {
        s.put(module);
      });
    }).then(function () {
      return caches.open(USER_CACHE + user);
    }).then(function (cache) {
      return Promise.all(gone.filter(Boolean).map(function (url) {
        return cache.delete(url);
      }));
    });
  });
}

function runSync() {
  return idb("queue", "readonly", function (s) {
    return s.getAll();
  }).then(function (items) {
    if (!items.length) {
      return null;
    }
    return fetch(SYNC_URL, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } }).then(function (response) {
      if (response.status === 401) {
        // Signed out: keep everything and ask the person to sign in.
        return currentUser().then(function (user) {
          return idb("kv", "readonly", function (s) {
            return s.get("sync:" + user);
          }).then(function (old) {
            old = old || {};
            return record(user, { at: old.at, items: old.items || [], error: "signin" });
          });
        }).then(function () {
          return null;
        });
      }
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json().then(function (info) {
        var mine = items.filter(function (item) {
          return item.user === info.user;
        });
        if (!mine.length) {
          return null;
        }
        return sendBatch(info, mine, []).then(function (outcomes) {
          return idb("kv", "readonly", function (s) {
            return s.get("sync:" + info.user);
          }).then(function (old) {
            var kept = ((old && old.items) || []).concat(outcomes).slice(-20);
            return record(info.user, { at: Date.now(), items: kept, fresh: outcomes.length });
          });
        });
      });
    });
  });
}

/* Web Locks (where they exist) also keep a worker being replaced by a
   new version from sending at the same time; the server is idempotent
   anyway. */
function lockedSync() {
  if (!self.navigator || !navigator.locks) {
    return runSync();
  }
  return navigator.locks.request("sinau-sync", { ifAvailable: true }, function (lock) {
    return lock ? runSync() : null;
  });
}

function sync() {
  if (!syncing) {
    syncing = lockedSync().catch(function () {}).then(function () {
      syncing = null;
      return tell({ type: "synced" });
    });
  }
  return syncing;
}

self.addEventListener("sync", function (event) {
  if (event.tag === "sinau-sync") {
    event.waitUntil(sync());
  }
});

/* From pages (offline.js): who is signed in; "sync now"; cache the shell
   files a save lists (answers the bytes fetched). */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (data.type === "user") {
    event.waitUntil(setUser(data.user).then(function () {
      return data.sync ? sync() : null;
    }));
  } else if (data.type === "sync") {
    event.waitUntil(sync());
  } else if (data.type === "shell" && port) {
    event.waitUntil(caches.open(SHELL).then(function (cache) {
      var bytes = 0;
      return Promise.all((data.urls || []).map(function (url) {
        return cache.match(url, { ignoreVary: true }).then(function (hit) {
          return hit || fetch(url, { credentials: "same-origin" }).then(function (response) {
            if (!storable(response)) {
              throw new Error(url);
            }
            return response.clone().blob().then(function (blob) {
              bytes += blob.size;
              return cache.put(url, response);
            });
          });
        });
      })).then(function () {
        port.postMessage({ ok: true, bytes: bytes });
      });
    }).catch(function () {
      port.postMessage({ ok: false });
    }));
  }
});
