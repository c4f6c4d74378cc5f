/* Sinau's service worker, served at /sw.js (root scope) by
   lms.notifications.webhooks.service_worker.
   push: show the message Sinau sent, JSON {title, body, url}
   (lms/notifications/channels/push.py).
   notificationclick: open (or focus) the message's page in Sinau. */
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
