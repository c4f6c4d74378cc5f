/* "Turn on notifications": subscribes this browser to web push
   (lms/notifications/channels/push.py) and posts the subscription to
   Sinau. Enhances templates/notifications/includes/push_offer.html:
   the offer stays hidden unless the browser has PushManager and either
   Sinau runs installed (display-mode: standalone) or the page asks for
   it (data-push-offer="always", the notification settings page). */
"use strict";

(function () {
  var box = document.querySelector("[data-push-key]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) {
    return;
  }
  var installed = window.matchMedia("(display-mode: standalone)").matches;
  if (!installed && box.getAttribute("data-push-offer") !== "always") {
    return;
  }
  var button = box.querySelector("button");
  var status = box.querySelector("[role=status]");

  function say(text) {
    status.textContent = text;
  }

  function keyBytes(base64url) {
    var text = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(text + "===".slice((text.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function csrfToken() {
    var input = box.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(subscription) {
    return fetch(box.getAttribute("data-push-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(subscription)
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (data) {
          throw new Error(data.error || "");
        });
      }
    });
  }

  function subscribe() {
    button.disabled = true;
    say(box.getAttribute("data-push-wait"));
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          throw new Error(box.getAttribute("data-push-denied"));
        }
        return navigator.serviceWorker.register("/sw.js", { scope: "/" });
      })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.getAttribute("data-push-key"))
        });
      })
      .then(function (subscription) {
        return post(subscription.toJSON());
      })
      .then(function () {
        say(box.getAttribute("data-push-done"));
      })
      .catch(function (error) {
        button.disabled = false;
        say(error.message || box.getAttribute("data-push-failed"));
      });
  }

  box.hidden = false;
  if (Notification.permission === "granted") {
    navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration && registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (subscription) {
        button.hidden = true;
        say(box.getAttribute("data-push-done"));
      }
    });
  }
  button.addEventListener("click", subscribe);
})();
