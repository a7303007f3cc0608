// The workout page: rest timer, screen wake lock, and set forms that survive a dropped
// connection. A static file (the CSP allows no inline script); the page works without it.
(function () {
  "use strict";

  const TICK_MS = 250;
  const VIBRATION = [300, 150, 300];
  const OFFLINE_NOTE =
    "Not saved: no connection. What you typed is kept; tap again, or it is sent when you are back online.";

  // ---- Rest timer ----------------------------------------------------------------------------
  // The server renders when the latest set was logged, the planned rest and its own clock. The
  // remaining rest is computed from those, corrected by this device's clock offset, so a reload
  // or a second device shows the same time. The ±15 s and skip adjustments are this device's
  // own, kept for the tab's life in sessionStorage.

  let timer = null;

  function clock(seconds) {
    const whole = Math.max(0, Math.ceil(seconds));
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  function adjustmentKey(setId) {
    return "rest-adjustment-" + setId;
  }

  function startTimer(element) {
    const loggedAt = Date.parse(element.dataset.loggedAt);
    const serverNow = Date.parse(element.dataset.serverNow);
    const stored = sessionStorage.getItem(adjustmentKey(element.dataset.setId));
    timer = {
      element: element,
      loggedAt: loggedAt,
      planned: Number(element.dataset.restSeconds),
      // How far this device's clock runs ahead of the server's.
      offset: Date.now() - serverNow,
      adjustment: stored === null ? 0 : Number(stored),
      done: false,
    };
    timer.done = remaining() <= 0;
    element.querySelector("[data-rest-remaining]").hidden = false;
    element.querySelector("[data-rest-actions]").hidden = false;
    render(false);
  }

  function remaining() {
    const elapsed = (Date.now() - timer.offset - timer.loggedAt) / 1000;
    return timer.planned + timer.adjustment - elapsed;
  }

  function render(justFinished) {
    const left = remaining();
    const element = timer.element;
    element.querySelector("[data-rest-remaining]").textContent = left > 0 ? clock(left) : "0:00";
    element.classList.toggle("rest-timer--done", left <= 0);
    element.querySelector("[data-rest-done]").textContent =
      left <= 0 ? "Rest over: time for your next set." : "";
    if (justFinished && navigator.vibrate) {
      navigator.vibrate(VIBRATION);
    }
  }

  function tick() {
    const element = document.getElementById("rest-timer");
    if (!element || !element.dataset.loggedAt) {
      timer = null;
      return;
    }
    if (!timer || timer.element !== element) {
      startTimer(element);
      return;
    }
    const over = remaining() <= 0;
    render(over && !timer.done);
    timer.done = over;
  }

  function adjust(seconds, skip) {
    if (!timer) {
      return;
    }
    // Skipping ends the rest now, without the buzz meant for a rest that ran out. Whole seconds
    // only: a fraction could leave a sliver of rest that buzzes a moment later.
    const change = skip ? -Math.max(0, Math.ceil(remaining())) : seconds;
    timer.adjustment += change;
    timer.done = remaining() <= 0;
    sessionStorage.setItem(adjustmentKey(timer.element.dataset.setId), String(timer.adjustment));
    render(false);
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-rest-adjust], [data-rest-skip]");
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-rest-skip")) {
      adjust(0, true);
    } else {
      adjust(Number(button.dataset.restAdjust), false);
    }
  });

  setInterval(tick, TICK_MS);
  tick();

  // ---- Screen wake lock ------------------------------------------------------------------------
  // The lock is released whenever the page is hidden; take it again when the lifter comes back.

  function keepAwake() {
    if (
      !("wakeLock" in navigator) ||
      document.visibilityState !== "visible" ||
      !document.querySelector("[data-workout-in-progress]")
    ) {
      return;
    }
    navigator.wakeLock.request("screen").catch(function () {
      // Refused (battery saver, no permission): the workout works without it.
    });
  }

  document.addEventListener("visibilitychange", keepAwake);
  keepAwake();

  // ---- Rows still to log follow the set just logged ----------------------------------------------
  // On a reload the server prefills them from the slot's latest set; this does the same in place,
  // for the rows of the same exercise the lifter has not typed into.

  document.addEventListener("input", function (event) {
    const form = event.target.form;
    if (form && form.matches("[data-set-form]")) {
      form.dataset.typedInto = "true";
    }
  });

  // Only a newly logged set is the "latest" the remaining rows follow (as the server prefills
  // them); an edit of an earlier set must not change what the next tap logs.
  const LOG_PATH = /\/slots\/\d+\/sets\/$/;
  let swappingNewSet = false;

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    swappingNewSet = LOG_PATH.test(event.detail.requestConfig.path);
  });
  // htmx announces the new row (htmx:load) while settling, after the swap itself.
  document.body.addEventListener("htmx:afterSettle", function () {
    swappingNewSet = false;
  });

  document.body.addEventListener("htmx:load", function (event) {
    const logged = event.detail.elt;
    if (!swappingNewSet || !logged.matches || !logged.matches("[data-logged-reps]")) {
      return;
    }
    for (let row = logged.nextElementSibling; row; row = row.nextElementSibling) {
      const form = row.querySelector(".set-row--pending > form[data-set-form]");
      if (!form || form.dataset.typedInto || form.elements.exercise.value !== logged.dataset.exerciseId) {
        continue;
      }
      form.elements.reps.value = logged.dataset.loggedReps;
      form.elements.weight.value = logged.dataset.loggedWeight;
    }
  });

  // ---- Set counts ------------------------------------------------------------------------------
  // Logging swaps one row, not the page: the counts in the header and the Finish panel follow
  // the logged rows on the page (a reload renders the same numbers from the server).

  document.body.addEventListener("htmx:afterSettle", function () {
    const logged = document.querySelectorAll(".set-row--logged").length;
    document.querySelectorAll("[data-logged-count]").forEach(function (count) {
      count.textContent = String(logged);
    });
    document.querySelectorAll("[data-logged-sets-word]").forEach(function (word) {
      word.textContent = logged === 1 ? "set" : "sets";
    });
    const planned = document.querySelector("[data-planned-count]");
    const note = document.querySelector("[data-skipped-note]");
    if (planned && note) {
      note.hidden = logged >= Number(planned.textContent);
    }
  });

  // ---- Set forms on a patchy connection ----------------------------------------------------------
  // A failed request leaves the row as it was, with what was typed; the row says so and the form
  // is sent again on the next tap or when the connection is back. Each log form carries the
  // idempotency key it was rendered with, so a resend never logs a set twice.

  const unsent = new Set();

  function setForm(event) {
    const element = event.detail && event.detail.elt;
    return element && element.matches && element.matches("[data-set-form]") ? element : null;
  }

  function markFailed(form, note) {
    unsent.add(form);
    form.classList.add("set-form--failed");
    const status = form.querySelector("[data-set-failed]");
    if (status) {
      status.textContent = note;
    }
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const form = setForm(event);
    if (!form) {
      return;
    }
    unsent.delete(form);
    form.classList.remove("set-form--failed");
    const status = form.querySelector("[data-set-failed]");
    if (status) {
      status.textContent = "";
    }
  });

  // A request can fail just as the connection comes back, after the "online" event has
  // passed: then try again after a pause, waiting longer each time the server stays out of reach.
  const RETRY_FIRST_MS = 2000;
  const RETRY_MAX_MS = 30000;
  const retryDelays = new WeakMap();

  function retryLater(form) {
    const delay = retryDelays.get(form) || RETRY_FIRST_MS;
    retryDelays.set(form, Math.min(delay * 2, RETRY_MAX_MS));
    window.setTimeout(function () {
      if (unsent.has(form) && form.isConnected && navigator.onLine) {
        form.requestSubmit();
      }
    }, delay);
  }

  function offline(event) {
    const form = setForm(event);
    if (form) {
      markFailed(form, OFFLINE_NOTE);
      if (navigator.onLine) {
        retryLater(form);
      }
    }
  }

  document.body.addEventListener("htmx:afterRequest", function (event) {
    const form = setForm(event);
    if (form && event.detail.successful) {
      retryDelays.delete(form);
    }
  });

  document.body.addEventListener("htmx:sendError", offline);
  document.body.addEventListener("htmx:timeout", offline);

  document.body.addEventListener("htmx:responseError", function (event) {
    const form = setForm(event);
    if (!form) {
      return;
    }
    if (event.detail.xhr.status === 404) {
      // The set or workout is gone (deleted on another device): show the page as it is now.
      window.location.reload();
      return;
    }
    markFailed(form, "Not saved (error " + event.detail.xhr.status + "). Tap again to retry.");
  });

  window.addEventListener("online", function () {
    const waiting = Array.from(unsent);
    unsent.clear();
    waiting.forEach(function (form) {
      if (form.isConnected) {
        form.requestSubmit();
      }
    });
  });
})();
