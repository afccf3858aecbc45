/**
 * The embeddable form's script: finds `<div data-tandem-form="KEY">`, fetches a fill-time stamp,
 * renders name / email / subject / message (and a honeypot hidden from people), and posts to
 * Tandem. Plain DOM, no dependencies; text is set with textContent, never as HTML.
 */
export function webFormScript(formKey: string): string {
  return `(function () {
  var key = ${JSON.stringify(formKey)};
  var script = document.currentScript;
  var base = script ? new URL(script.src).origin : '';
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) node.setAttribute(name, attrs[name]);
    if (text) node.textContent = text;
    return node;
  }
  function field(form, label, input) {
    var wrap = el('label', { style: 'display:block;margin:0 0 10px' }, label);
    input.setAttribute('style', 'display:block;width:100%;box-sizing:border-box;padding:6px;margin-top:4px');
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  }
  function render(target) {
    var form = el('form', { 'aria-label': 'Contact support', style: 'font:14px sans-serif;max-width:480px' });
    var name = field(form, 'Name', el('input', { name: 'name', autocomplete: 'name' }));
    var email = field(form, 'Email', el('input', { name: 'email', type: 'email', required: '', autocomplete: 'email' }));
    var subject = field(form, 'Subject', el('input', { name: 'subject', required: '' }));
    var message = field(form, 'Message', el('textarea', { name: 'message', rows: '5', required: '' }));
    // The honeypot: off-screen and skipped by keyboard and autofill; bots fill it.
    var trap = el('div', { 'aria-hidden': 'true', style: 'position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden' });
    var website = el('input', { name: 'website', tabindex: '-1', autocomplete: 'off' });
    trap.appendChild(website);
    form.appendChild(trap);
    var button = el('button', { type: 'submit' }, 'Send');
    form.appendChild(button);
    var status = el('p', { role: 'status' });
    form.appendChild(status);
    var stamp = '';
    fetch(base + '/v1/forms/' + encodeURIComponent(key) + '/stamp').then(function (r) { return r.json(); })
      .then(function (body) { stamp = body.stamp || ''; });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      button.disabled = true;
      status.textContent = 'Sending…';
      fetch(base + '/v1/forms/' + encodeURIComponent(key) + '/tickets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: name.value || undefined, email: email.value, subject: subject.value,
          message: message.value, website: website.value, stamp: stamp
        })
      }).then(function (r) {
        return r.json().then(function (body) {
          if (r.ok) {
            form.replaceChildren(el('p', { role: 'status' }, 'Thank you! Your request #' + body.number + ' was received; we will answer by email.'));
          } else {
            button.disabled = false;
            status.textContent = (body.error && body.error.message) || 'Could not send the form.';
          }
        });
      }).catch(function () {
        button.disabled = false;
        status.textContent = 'Could not send the form: check your connection.';
      });
    });
    target.replaceChildren(form);
  }
  var targets = document.querySelectorAll('[data-tandem-form="' + key + '"]');
  for (var i = 0; i < targets.length; i++) render(targets[i]);
})();
`;
}
