// The GOV.UK / HMRC timeout warning: a modal dialog some minutes before the idle expiry, with
// "Stay signed in" (a POST that renews the session) and "Sign out". Timings and addresses come from
// the dialog's data attributes (templates/partials/timeout_warning.html): no inline script, so the
// Content-Security-Policy needs no exception.
//
// Every tab counts from the latest page load or renewal in any tab of the service (localStorage), so
// working in one tab does not sign another out. When the time runs out, the page's form is posted to
// the timed-out address, which signs the person out and keeps what they typed for after they sign in
// again (oocr/accounts/kept_input.py): no personal data is left on an unattended screen, no work lost.
(function () {
  "use strict";

  var dialog = document.getElementById("oocr-timeout-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch || !window.FormData) {
    return;
  }
  var idle = Number(dialog.getAttribute("data-idle-seconds")) * 1000;
  var warning = Math.min(Number(dialog.getAttribute("data-warning-seconds")) * 1000, idle);
  var keepAliveUrl = dialog.getAttribute("data-keep-alive-url");
  var timedOutUrl = dialog.getAttribute("data-timed-out-url");
  var heading = dialog.querySelector("h2");
  var countdown = dialog.querySelector("[data-timeout-countdown]");
  var announcement = dialog.querySelector("[data-timeout-announcement]");
  var stayButton = dialog.querySelector("[data-timeout-stay]");
  var token = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  var STORE = "oocr-session-renewed-at";
  var renewedAt = Date.now();
  var returnFocus = null;
  var lastAnnounced = null;
  var finished = false;

  function shared() {
    try {
      return Number(window.localStorage.getItem(STORE)) || 0;
    } catch (error) {
      return 0;
    }
  }

  function renewed(at) {
    renewedAt = Math.max(renewedAt, at);
    try {
      window.localStorage.setItem(STORE, String(renewedAt));
    } catch (error) {
      // Storage refused (a private window): this tab counts on its own.
    }
  }

  function inWords(milliseconds) {
    var seconds = Math.max(0, Math.ceil(milliseconds / 1000));
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function open() {
    returnFocus = document.activeElement;
    lastAnnounced = null;
    dialog.showModal();
    heading.focus();
  }

  function close() {
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocus && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  // The form on the page someone was working on: the first one posting to the service with a field to type in.
  function workingForm() {
    var forms = document.querySelectorAll("main form");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if ((form.getAttribute("method") || "").toLowerCase() === "post" &&
          form.querySelector("textarea, select, input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=file])")) {
        return form;
      }
    }
    return null;
  }

  // Time is up: post the page's form to the timed-out address (never to its own, which would save it).
  function timeOut() {
    finished = true;
    var post = document.createElement("form");
    post.method = "post";
    post.action = timedOutUrl;
    post.hidden = true;
    function add(name, value) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      post.appendChild(input);
    }
    var form = workingForm();
    if (form) {
      new window.FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrfmiddlewaretoken" && name !== "oocr_return_to") {
          add(name, value);
        }
      });
    }
    add("csrfmiddlewaretoken", token);
    add("oocr_return_to", window.location.pathname + window.location.search);
    document.body.appendChild(post);
    post.submit();
  }

  function tick() {
    if (finished) {
      return;
    }
    renewedAt = Math.max(renewedAt, shared());
    var left = renewedAt + idle - Date.now();
    if (left <= 0) {
      timeOut();
      return;
    }
    if (left > warning) {
      if (dialog.open) {
        close(); // renewed in another tab
      }
      return;
    }
    var words = inWords(left);
    countdown.textContent = words;
    if (!dialog.open) {
      open();
    }
    // Screen readers hear the time now and then, not every second.
    var seconds = Math.ceil(left / 1000);
    if (lastAnnounced === null || (seconds % 30 === 0 && seconds !== lastAnnounced) || (seconds <= 10 && lastAnnounced > 10)) {
      lastAnnounced = seconds;
      announcement.textContent = "You'll be signed out in " + words + ".";
    }
  }

  function stay() {
    var body = new window.URLSearchParams();
    body.append("csrfmiddlewaretoken", token);
    window.fetch(keepAliveUrl, {method: "POST", body: body, credentials: "same-origin", redirect: "manual"})
      .then(function (response) {
        if (response.status === 200 && (response.headers.get("Content-Type") || "").indexOf("json") !== -1) {
          renewed(Date.now());
          close();
        } else {
          timeOut(); // the session had already ended: keep the work, go to sign in
        }
      })
      .catch(function () {
        close(); // the network dropped: the next warning will try again
      });
  }

  stayButton.addEventListener("click", stay);
  // Escape is "Stay signed in" (HMRC's pattern), not a silent close that leaves the session to run out.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    stay();
  });
  renewed(renewedAt);
  window.setInterval(tick, 1000);
})();
