/* The stock-take scan page (templates/assets/stocktake_scan.html), for phones.

   - The room: chosen in the select, or by scanning/typing the room's poster URL (…/r/<token>/).
   - A code (label URL, token or number) from the text box (typing, pasting, hardware scanners
     that end with Enter) or from the camera (BarcodeDetector, where the browser has it).
   - Every scan gets its own id (crypto.randomUUID) and waits in localStorage until the server
     has stored it: sent at once, again on the `online` event and on a timer. The server stores a
     scan once per id, so sending twice is harmless. A scan the server refuses (closed stock-take,
     unknown room) is shown as refused and dropped; one refused because the person is logged out
     stays in the queue.
   Texts come from the page's data-msg-* attributes (translated there). */
(function () {
  "use strict";

  var root = document.getElementById("stocktake-scan");
  if (!root) return;

  var RETRY_MS = 15000;
  var CAMERA_REPEAT_MS = 3000;
  var ROOM_RE = /\/r\/([A-Za-z0-9_-]{8,32})\/?(?:[?#].*)?$/;
  var BADGES = {
    found: "bg-green-lt",
    moved: "bg-azure-lt",
    surplus: "bg-orange-lt",
    missing: "bg-red-lt",
    pending: "bg-secondary-lt",
    waiting: "bg-secondary-lt",
    refused: "bg-red-lt"
  };

  var stocktake = root.dataset.stocktake;
  var queueKey = "houqin.stocktake." + stocktake + ".queue";
  var roomKey = "houqin.stocktake." + stocktake + ".room";
  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  var roomSelect = document.getElementById("scan-room");
  var list = document.getElementById("scan-list");
  var empty = document.getElementById("scan-empty");
  var message = document.getElementById("scan-message");
  var progressBox = document.getElementById("scan-progress");
  var network = root.querySelector("[data-network]");
  var queueBox = root.querySelector("[data-queue]");
  var template = document.getElementById("scan-row-template");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;

  function msg(name) {
    return root.getAttribute("data-msg-" + name) || "";
  }

  // ------------------------------------------------------------ the queue (localStorage)

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(queueKey) || "[]");
    } catch (e) {
      return [];
    }
  }

  function save(queue) {
    window.localStorage.setItem(queueKey, JSON.stringify(queue));
    showQueue(queue);
  }

  function drop(clientId) {
    save(load().filter(function (scan) { return scan.client_id !== clientId; }));
  }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // Pages served over plain http on a school intranet have no randomUUID: same format.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ------------------------------------------------------------ showing

  function showQueue(queue) {
    var count = (queue || load()).length;
    queueBox.hidden = count === 0;
    queueBox.querySelector("[data-queue-count]").textContent = count;
    queueBox.querySelector("[data-queue-text]").textContent = msg("queued");
  }

  function showNetwork() {
    var online = navigator.onLine !== false;
    network.textContent = online ? msg("online") : msg("offline");
    network.className = "badge " + (online ? "bg-green-lt" : "bg-orange-lt");
    root.querySelector("[data-network-hint]").hidden = online;
  }

  function say(text, tone) {
    message.textContent = text;
    message.className = "mt-2" + (tone ? " text-" + tone : "");
  }

  function rowFor(clientId) {
    return list.querySelector("[data-client-id='" + clientId + "']");
  }

  function showRow(scan, state, answer, refusal) {
    var row = rowFor(scan.client_id);
    if (!row) {
      row = template.content.firstElementChild.cloneNode(true);
      row.setAttribute("data-client-id", scan.client_id);
      list.insertBefore(row, list.firstChild);
      while (list.children.length > 20) list.removeChild(list.lastChild);
    }
    empty.hidden = true;
    var badge = row.querySelector("[data-result]");
    var label = row.querySelector("[data-label]");
    var detail = row.querySelector("[data-detail]");
    var when = new Date(scan.scanned_at);
    var time = [when.getHours(), when.getMinutes(), when.getSeconds()]
      .map(function (n) { return ("0" + n).slice(-2); }).join(":");
    label.textContent = scan.code;
    detail.textContent = time + " · " + (scan.room_label || "");
    if (state === "done") {
      label.textContent = answer.asset || answer.code;
      badge.textContent = answer.result_label + (answer.duplicate ? " (" + msg("duplicate") + ")" : "");
      badge.className = "badge " + (BADGES[answer.result] || "");
      badge.setAttribute("data-result", answer.result);
      detail.textContent = answer.scanned_at + " · " + answer.room_label +
        (answer.result === "moved" && answer.expected_room_label ? " · " + msg("expected-in") + " " + answer.expected_room_label : "");
    } else if (state === "refused") {
      badge.textContent = msg("refused");
      badge.className = "badge " + BADGES.refused;
      badge.setAttribute("data-result", "refused");
      detail.textContent = time + " · " + (refusal || "");
    } else {
      badge.textContent = state === "sending" ? msg("sending") : msg("waiting");
      badge.className = "badge " + BADGES.waiting;
      badge.setAttribute("data-result", "waiting");
    }
  }

  function showProgress(progress) {
    if (!progress || String(progress.room) !== roomSelect.value) return;
    progressBox.hidden = false;
    ["found", "expected", "moved_in", "surplus", "moved_out"].forEach(function (name) {
      var el = progressBox.querySelector("[data-progress='" + name + "']");
      if (el) el.textContent = progress[name];
    });
    var bar = progressBox.querySelector("[data-progress-bar]");
    bar.max = Math.max(progress.expected, 1);
    bar.value = progress.counted;
  }

  function fetchProgress() {
    if (!roomSelect.value) {
      progressBox.hidden = true;
      return;
    }
    if (navigator.onLine === false) return;
    var url = root.dataset.progressUrl + "?room=" + encodeURIComponent(roomSelect.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        var mine = body.rooms.filter(function (r) { return String(r.room) === roomSelect.value; })[0];
        if (mine) showProgress(mine);
      })
      .catch(function () { /* offline: the counters update with the next answer */ });
  }

  // ------------------------------------------------------------ sending

  function flush() {
    if (sending) return;
    var queue = load();
    if (!queue.length) return;
    var scan = queue[0];
    if (navigator.onLine === false) {
      // Known offline: no request (the `online` event sends it); unknown: try, and keep on failure.
      showRow(scan, "waiting");
      return;
    }
    sending = true;
    showRow(scan, "sending");
    fetch(root.dataset.scanUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({
        code: scan.code,
        room: scan.room,
        client_id: scan.client_id,
        scanned_at: scan.scanned_at,
        typed: scan.typed
      })
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (answer) {
        sending = false;
        if (answer.status >= 200 && answer.status < 300) {
          drop(scan.client_id);
          showRow(scan, "done", answer.body);
          showProgress(answer.body.progress);
          flush();
        } else if (answer.status === 401 || answer.status === 403) {
          showRow(scan, "waiting");
          say(msg("login"), "orange");
        } else if (answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429) {
          drop(scan.client_id);
          showRow(scan, "refused", null, answer.body.detail || "");
          say((answer.body.detail || msg("refused")), "red");
          flush();
        } else {
          showRow(scan, "waiting");
        }
      })
      .catch(function () {
        // The network dropped: the scan stays queued; `online` or the timer sends it.
        sending = false;
        showRow(scan, "waiting");
        showNetwork();
      });
  }

  // ------------------------------------------------------------ scanning

  function chooseRoom(token) {
    var option = roomSelect.querySelector("option[data-token='" + token + "']");
    if (!option) {
      say(msg("room-unknown"), "red");
      return;
    }
    roomSelect.value = option.value;
    roomChanged();
    say(msg("room-set") + " " + option.textContent, "green");
  }

  function accept(code, typed) {
    code = (code || "").trim();
    if (!code) return;
    var room = ROOM_RE.exec(code);
    if (room && code.indexOf("/a/") === -1) {
      chooseRoom(room[1]);
      return;
    }
    if (!roomSelect.value) {
      say(msg("room-first"), "red");
      roomSelect.focus();
      return;
    }
    var option = roomSelect.options[roomSelect.selectedIndex];
    var scan = {
      client_id: newId(),
      code: code,
      room: Number(roomSelect.value),
      room_label: option ? option.textContent : "",
      scanned_at: new Date().toISOString(),
      typed: !!typed
    };
    var queue = load();
    queue.push(scan);
    save(queue);
    showRow(scan, "waiting");
    say("");
    if (navigator.vibrate) navigator.vibrate(60);
    flush();
  }

  function roomChanged() {
    window.localStorage.setItem(roomKey, roomSelect.value);
    fetchProgress();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    accept(input.value, true);
    input.value = "";
    input.focus();
  });
  roomSelect.addEventListener("change", roomChanged);

  // ------------------------------------------------------------ the camera

  var cameraButton = document.getElementById("scan-camera");
  var video = document.getElementById("scan-video");
  var stream = null;
  var detector = null;
  var lastCode = "";
  var lastAt = 0;

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    cameraButton.querySelector("[data-camera-label]").textContent = msg("camera-start");
  }

  function detectLoop() {
    if (!stream || !detector) return;
    detector.detect(video)
      .then(function (codes) {
        codes.forEach(function (found) {
          var now = Date.now();
          if (found.rawValue === lastCode && now - lastAt < CAMERA_REPEAT_MS) return;
          lastCode = found.rawValue;
          lastAt = now;
          accept(found.rawValue, false);
        });
      })
      .catch(function () { /* a frame that could not be read */ })
      .then(function () { window.setTimeout(detectLoop, 250); });
  }

  function startCamera() {
    window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        var wanted = ["qr_code", "code_128", "code_39", "ean_13", "data_matrix"];
        detector = new window.BarcodeDetector({
          formats: wanted.filter(function (f) { return formats.indexOf(f) !== -1; })
        });
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        cameraButton.querySelector("[data-camera-label]").textContent = msg("camera-stop");
        return video.play();
      })
      .then(detectLoop)
      .catch(function () {
        stopCamera();
        say(msg("camera-error"), "orange");
      });
  }

  if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
      root.dataset.open === "1") {
    cameraButton.hidden = false;
    cameraButton.addEventListener("click", function () {
      if (stream) stopCamera(); else startCamera();
    });
  }

  // ------------------------------------------------------------ start

  window.addEventListener("online", function () { showNetwork(); flush(); });
  window.addEventListener("offline", showNetwork);
  window.setInterval(flush, RETRY_MS);

  var remembered = window.localStorage.getItem(roomKey);
  if (remembered && roomSelect.querySelector("option[value='" + remembered + "']")) {
    roomSelect.value = remembered;
  }
  showNetwork();
  var waiting = load();
  showQueue(waiting);
  waiting.forEach(function (scan) { showRow(scan, "waiting"); });
  fetchProgress();
  flush();
})();
