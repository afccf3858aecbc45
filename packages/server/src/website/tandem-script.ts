/**
 * `/v1/tandem.js`: defines `window.tandem.profile()` → Promise of the personalization answer for
 * the visitor analytics.js knows (its userId, else its anonymousId; what it stored when it does
 * not load), asked with the publishable key of the script tag's `data-publishable-key`, from the
 * host the script was loaded from. Calls queued by the install snippet's stub before it loaded
 * are answered once it runs.
 */
export const TANDEM_SCRIPT = `(function () {
  var script = document.currentScript;
  var key = script && script.getAttribute('data-publishable-key');
  var host = script && script.src ? new URL(script.src).origin : '';
  var tandem = (window.tandem = window.tandem || {});
  // analytics.js may never load (a blocker): wait for it at most 3 s, then use what it stored.
  function analyticsReady() {
    var analytics = window.analytics;
    if (!analytics || typeof analytics.ready !== 'function') return Promise.resolve();
    return new Promise(function (resolve) {
      analytics.ready(function () { resolve(); });
      setTimeout(resolve, 3000);
    });
  }
  function stored(name) {
    try {
      var value = window.localStorage.getItem(name);
      return value ? JSON.parse(value) : null;
    } catch (error) {
      return null;
    }
  }
  function visitor() {
    var analytics = window.analytics;
    var user = analytics && analytics.initialized && typeof analytics.user === 'function' ? analytics.user() : null;
    if (user) return { userId: user.id(), anonymousId: user.anonymousId() };
    return { userId: stored('ajs_user_id'), anonymousId: stored('ajs_anonymous_id') };
  }
  tandem.profile = function () {
    if (!key) return Promise.reject(new Error('tandem.js: the script tag has no data-publishable-key'));
    return analyticsReady().then(function () {
      var who = visitor();
      var query = [];
      if (who.userId) query.push('userId=' + encodeURIComponent(who.userId));
      if (who.anonymousId) query.push('anonymousId=' + encodeURIComponent(who.anonymousId));
      if (query.length === 0) return { traits: {}, computedTraits: {}, audiences: [] };
      return fetch(host + '/v1/personalize?' + query.join('&'), {
        headers: { Authorization: 'Basic ' + btoa(key + ':') },
        credentials: 'omit',
      }).then(function (response) {
        if (response.ok) return response.json();
        return response.json().then(
          function (body) { throw new Error((body && body.error && body.error.message) || 'Tandem answered ' + response.status); },
          function () { throw new Error('Tandem answered ' + response.status); }
        );
      });
    });
  };
  // Calls made before this script loaded (the snippet's stub queued them) are answered now.
  var queued = tandem.queued || [];
  delete tandem.queued;
  queued.forEach(function (call) { tandem.profile().then(call[0], call[1]); });
})();
`;
