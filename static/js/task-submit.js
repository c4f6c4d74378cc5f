// Sending a practical task's work on a cheap phone over slow data. The
// plain multipart form works without this file; this only enhances it:
// - photos are downscaled in the browser (longest side 1600 px, WebP or
//   JPEG, quality stepped down until <= 200 KB) and put back into the file
//   input, and the trainee sees each photo's size before and after;
// - the text typed is kept in localStorage per task (a draft) and restored;
// - the form is sent with fetch; when the network fails, nothing is lost
//   and a button offers to send again. On success the server answers with
//   the history's address, opened here (so its message shows there); a
//   refusal's message is shown at the top.
const SIDE = 1600;
const TARGET = 200 * 1024;
const QUALITIES = [0.8, 0.7, 0.6, 0.5, 0.4, 0.3];

const form = document.querySelector("[data-task-form]");
if (form) enhance(form);

function enhance(form) {
  const taskId = form.dataset.taskId;
  const text = form.querySelector("[data-task-text]");
  const photos = form.querySelector("[data-task-photos]");
  const sizes = form.querySelector("[data-task-photo-sizes]");
  const status = form.querySelector("[data-task-status]");
  const submit = form.querySelector('button[type="submit"]');
  const lang = document.documentElement.lang || "id";
  const id = lang.startsWith("id");
  const say = (idText, enText) => (id ? idText : enText);
  const draftKey = `sinau:tugas:${taskId}:teks`;
  let working = null; // the photo downscaling in progress

  // -- the draft text ------------------------------------------------------
  if (text) {
    try {
      const draft = localStorage.getItem(draftKey);
      if (draft && !text.value) text.value = draft;
    } catch (_) {
      /* storage off (private mode): no draft */
    }
    text.addEventListener("input", () => {
      try {
        localStorage.setItem(draftKey, text.value);
      } catch (_) {
        /* full or off: the text is still in the box */
      }
    });
  }

  // -- photos ----------------------------------------------------------------
  const format = (bytes) =>
    bytes >= 1024 * 1024
      ? `${(bytes / 1024 / 1024).toLocaleString(lang, { maximumFractionDigits: 1 })} MB`
      : `${Math.max(1, Math.round(bytes / 1024))} KB`;

  async function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !("createImageBitmap" in window)) {
      return file;
    }
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // transparent PNG areas become white
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close?.();
    const encode = (type, quality) =>
      new Promise((resolve) => canvas.toBlob(resolve, type, quality));
    // WebP where the browser encodes it (toBlob falls back to PNG otherwise).
    const probe = await encode("image/webp", 0.8);
    const type = probe && probe.type === "image/webp" ? "image/webp" : "image/jpeg";
    let blob = null;
    for (const quality of QUALITIES) {
      blob = await encode(type, quality);
      if (blob && blob.size <= TARGET) break;
    }
    if (!blob || blob.size >= file.size) return file;
    const name = file.name.replace(/\.[^.]*$/, "") + (type === "image/webp" ? ".webp" : ".jpg");
    return new File([blob], name, { type, lastModified: Date.now() });
  }

  if (photos && "DataTransfer" in window) {
    photos.addEventListener("change", () => {
      const chosen = Array.from(photos.files);
      if (!chosen.length || chosen.every((f) => f.__sinauSmall)) return;
      submit.disabled = true;
      status.textContent = say("Mengecilkan foto…", "Making the photos smaller…");
      sizes.replaceChildren();
      working = (async () => {
        const transfer = new DataTransfer();
        for (const file of chosen) {
          let small = file;
          try {
            small = await shrink(file);
          } catch (_) {
            small = file; // the server re-encodes it anyway
          }
          small.__sinauSmall = true;
          transfer.items.add(small);
          const item = document.createElement("li");
          item.textContent =
            small === file
              ? `${file.name}: ${format(file.size)}`
              : `${file.name}: ${format(file.size)} → ${format(small.size)}`;
          sizes.append(item);
        }
        photos.files = transfer.files;
        status.textContent = "";
        submit.disabled = false;
      })();
    });
  }

  // -- sending, with a retry when the network fails ----------------------------
  let retry = null;
  form.addEventListener("submit", async (event) => {
    if (!window.fetch || !window.FormData) return; // the plain form posts
    event.preventDefault();
    if (working) await working;
    submit.disabled = true;
    retry?.remove();
    status.textContent = say("Mengirim…", "Sending…");
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        // The view answers {"location": ...} instead of redirecting, so the
        // success message waits for the page opened below.
        headers: { "Sinau-Fetch": "1" },
        redirect: "follow",
      });
    } catch (_) {
      submit.disabled = false;
      status.textContent = say(
        "Gagal terkirim: sambungan internet terputus. Teks dan foto Anda masih di sini.",
        "Not sent: the connection failed. Your text and photos are still here.",
      );
      retry = document.createElement("button");
      retry.type = "button";
      retry.className = "button button--secondary";
      retry.textContent = say("Kirim lagi", "Send again");
      retry.addEventListener("click", () => form.requestSubmit());
      status.after(retry);
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    const sent = response.ok && type.startsWith("application/json");
    if (sent) {
      try {
        localStorage.removeItem(draftKey);
      } catch (_) {
        /* nothing kept */
      }
      const { location } = await response.json();
      const target = new URL(location, window.location.href);
      if (target.pathname === window.location.pathname) {
        // Only the fragment differs: assign() would not load the page again.
        window.history.replaceState(null, "", target);
        window.location.reload();
      } else {
        window.location.assign(target);
      }
      return;
    }
    if (response.ok && response.redirected) {
      // Sent elsewhere (to log in again, to enrol): nothing was stored, so
      // the draft stays for when the trainee comes back.
      window.location.assign(response.url);
      return;
    }
    // A refusal (400): the server's error summary at the top of the page,
    // the photos still chosen (the plain form would need them again).
    submit.disabled = false;
    status.textContent = "";
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const summary = page.querySelector("[data-error-summary]");
    if (response.status === 400 && summary) {
      document.querySelector("[data-error-summary]")?.remove();
      const shown = document.importNode(summary, true);
      document.querySelector("main").prepend(shown);
      shown.focus();
      return;
    }
    status.textContent = say(
      `Tidak terkirim (kode ${response.status}). Muat ulang halaman lalu coba lagi.`,
      `Not sent (code ${response.status}). Reload the page and try again.`,
    );
  });
}
